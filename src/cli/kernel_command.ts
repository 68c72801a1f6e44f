import * as fs from 'fs';
import * as path from 'path';
import { DownhillError } from '../errors';
import { installedKernels, jupyterCommand, kernelSearchPath, kernelsDirFor } from '../kernel/jupyter_paths';
import { DISPLAY_NAME, KERNEL_NAME, launcherPath, writeKernelSpec } from '../kernel/kernelspec';
import { installLabExtension, labExtensionsDirBeside, removeLabExtension } from '../kernel/labextension';
import { installNbExtension, nbConfigDirBeside, removeNbExtension } from '../kernel/nbextension';
import { UsageError, parseArgs } from './args';
import { Command } from './commands';

const USAGE = 'downhill kernel install|list|remove [--user | --sys-prefix | --prefix DIR]';

function target(args: string[]) {
  const parsed = parseArgs(args, { flags: ['--user', '--sys-prefix'], options: ['--prefix'] }, USAGE);
  const chosen = [parsed.flags.has('--user'), parsed.flags.has('--sys-prefix'), parsed.options.has('--prefix')].filter(Boolean).length;
  if (chosen > 1) throw new UsageError('choose one of --user, --sys-prefix and --prefix DIR.', `usage: ${USAGE}`);
  if (parsed.positional.length) throw new UsageError(`unexpected argument '${parsed.positional[0]}'.`, `usage: ${USAGE}`);
  return { user: parsed.flags.has('--user'), sysPrefix: parsed.flags.has('--sys-prefix'), prefix: parsed.options.get('--prefix') };
}

export const kernelCommand: Command = {
  summary: `install, list or remove the Jupyter kernel "${DISPLAY_NAME}"`,
  usage: USAGE,
  async run(args) {
    const [action, ...rest] = args;
    if (!action || action === '--help') {
      console.log(`${USAGE}

  install   write the kernelspec '${KERNEL_NAME}' (absolute paths to this Node.js and this
            project's kernel), for this user (default), Jupyter's Python (--sys-prefix),
            or under DIR/share/jupyter/kernels (--prefix DIR), and beside it the chart
            renderers: for JupyterLab 4 and Notebook 7 (share/jupyter/labextensions) and
            for classic Notebook 6 (share/jupyter/nbextensions, enabled in
            etc/jupyter/nbconfig/notebook.d, or ~/.jupyter for this user)
  list      the kernels Jupyter will find, and where
  remove    delete the '${KERNEL_NAME}' kernelspec and the chart renderer from the same places`);
      return action ? 0 : 2;
    }
    if (action === 'install') {
      if (!fs.existsSync(launcherPath())) {
        throw new DownhillError(`the kernel launcher ${launcherPath()} is missing.`, 'build the project first: npm run build.');
      }
      const kernelsDir = kernelsDirFor(target(rest));
      const extension = installLabExtension(labExtensionsDirBeside(kernelsDir));
      const classic = installNbExtension(path.dirname(kernelsDir), nbConfigDirBeside(path.dirname(kernelsDir)));
      const dir = writeKernelSpec(kernelsDir);
      console.log(`installed kernel '${KERNEL_NAME}' (${DISPLAY_NAME}) in ${dir}`);
      console.log(`installed the chart renderer for JupyterLab and Notebook 7 in ${extension}`);
      console.log(`installed the chart renderer for classic Notebook 6 in ${classic}`);
      if (!jupyterCommand()) console.log('note: Jupyter itself is not installed yet; downhill run works without it.');
      return 0;
    }
    if (action === 'list') {
      target(rest);
      const kernels = installedKernels();
      if (kernels.size === 0) console.log('no kernels installed');
      for (const k of kernels.values()) {
        const ours = k.name === KERNEL_NAME;
        const broken = ours && !fs.existsSync(k.spec.argv[1] ?? '') ? '  (broken: its launcher is gone; reinstall)' : '';
        console.log(`${k.name.padEnd(16)} ${k.spec.display_name.padEnd(28)} ${k.dir}${broken}`);
      }
      console.log(`\nsearched: ${kernelSearchPath().join(', ')}`);
      return 0;
    }
    if (action === 'remove') {
      const kernelsDir = kernelsDirFor(target(rest));
      const dir = path.join(kernelsDir, KERNEL_NAME);
      const extension = removeLabExtension(labExtensionsDirBeside(kernelsDir));
      if (extension) console.log(`removed ${extension}`);
      const classic = removeNbExtension(path.dirname(kernelsDir), nbConfigDirBeside(path.dirname(kernelsDir)));
      if (classic) console.log(`removed ${classic}`);
      if (!fs.existsSync(dir)) {
        console.log(`no '${KERNEL_NAME}' kernel in ${kernelsDir}`);
        return 1;
      }
      fs.rmSync(dir, { recursive: true, force: true });
      console.log(`removed ${dir}`);
      return 0;
    }
    throw new UsageError(`unknown kernel action '${action}'.`, `usage: ${USAGE}`);
  },
};
