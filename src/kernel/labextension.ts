import * as fs from 'fs';
import * as path from 'path';
import { DownhillError } from '../errors';
import { projectRoot } from './kernelspec';

/**
 * downhill's prebuilt JupyterLab extension (labextension/, built by `npm run build` into
 * dist/labextension): the renderer for Plotly charts in JupyterLab 4 and Notebook 7. It is
 * installed next to the kernelspec, in the same Jupyter data folder, as a folder copy: no
 * network, no Node.js build step on the user's machine.
 */

/** Where `npm run build` puts the built extension. */
export function builtLabExtension(): string {
  return path.join(projectRoot(), 'dist', 'labextension');
}

/** The extension's package name, which is also its folder name under labextensions/. */
export function labExtensionName(): string {
  const manifest = path.join(builtLabExtension(), 'package.json');
  if (!fs.existsSync(manifest)) {
    throw new DownhillError(`the chart renderer for JupyterLab is not built (${manifest} is missing).`, 'build the project first: npm run build.');
  }
  return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name: string }).name;
}

/** The labextensions folder beside a kernels folder (both under the same share/jupyter). */
export function labExtensionsDirBeside(kernelsDir: string): string {
  return path.join(path.dirname(kernelsDir), 'labextensions');
}

/**
 * Copies the built extension to `labExtensionsDir/<name>` (replacing an older copy, whose
 * stale chunks JupyterLab would otherwise keep serving) with the install.json that
 * `jupyter labextension list` shows. Returns the folder.
 */
export function installLabExtension(labExtensionsDir: string): string {
  const dir = path.join(labExtensionsDir, labExtensionName());
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  fs.cpSync(builtLabExtension(), dir, { recursive: true });
  const install = { packageManager: 'npm', packageName: 'downhill', uninstallInstructions: 'Use `downhill kernel remove` (with the same --user, --sys-prefix or --prefix).' };
  fs.writeFileSync(path.join(dir, 'install.json'), JSON.stringify(install, null, 2) + '\n');
  return dir;
}

/** Deletes the extension from `labExtensionsDir`; returns its folder, or undefined when it was not there. */
export function removeLabExtension(labExtensionsDir: string): string | undefined {
  const dir = path.join(labExtensionsDir, labExtensionName());
  if (!fs.existsSync(dir)) return undefined;
  fs.rmSync(dir, { recursive: true, force: true });
  return dir;
}
