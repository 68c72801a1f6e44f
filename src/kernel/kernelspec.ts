import * as fs from 'fs';
import * as path from 'path';
import { PLOTLY_KERNEL_FILE, plotlyFile } from '../display/plotly_bundle';

export const KERNEL_NAME = 'downhill';
export const DISPLAY_NAME = 'TypeScript (downhill)';

/** The project's root folder (where package.json, dist/ and kernel/ are). */
export function projectRoot(): string {
  return path.resolve(__dirname, '..', '..');
}

/** The compiled launcher that kernel.json starts. */
export function launcherPath(): string {
  return path.join(projectRoot(), 'dist', 'kernel', 'launch.js');
}

export interface KernelSpecFile {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode?: 'signal' | 'message';
  env?: Record<string, string>;
  metadata?: Record<string, unknown>;
}

/** Where CUDA's libraries usually live; tfjs-node-gpu loads them when the kernel starts. */
const CUDA_LIBRARIES = '/usr/local/cuda/lib64';

/** kernel.json for the downhill kernel: absolute paths to this Node.js and this project's launcher. */
export function kernelSpec(): KernelSpecFile {
  const spec: KernelSpecFile = {
    argv: [process.execPath, launcherPath(), '--config-path', '{connection_file}'],
    display_name: DISPLAY_NAME,
    language: 'typescript',
    interrupt_mode: 'signal',
    metadata: { debugger: false, downhill: { root: projectRoot() } },
  };
  // The dynamic loader reads LD_LIBRARY_PATH when the process starts, so it must be set here.
  if (fs.existsSync(CUDA_LIBRARIES)) {
    spec.env = { LD_LIBRARY_PATH: [CUDA_LIBRARIES, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') };
  }
  return spec;
}

/**
 * Writes the kernelspec folder under `kernelsDir/downhill`: kernel.json, logos, and
 * plotly.js, which Jupyter serves from there to the charts of classic Notebook 6.
 */
export function writeKernelSpec(kernelsDir: string): string {
  const dir = path.join(kernelsDir, KERNEL_NAME);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'kernel.json'), JSON.stringify(kernelSpec(), null, 2) + '\n');
  const logos = path.join(projectRoot(), 'kernel');
  for (const logo of ['logo-32x32.png', 'logo-64x64.png', 'logo-svg.svg']) {
    const from = path.join(logos, logo);
    if (fs.existsSync(from)) fs.copyFileSync(from, path.join(dir, logo));
  }
  fs.copyFileSync(plotlyFile(), path.join(dir, PLOTLY_KERNEL_FILE));
  return dir;
}
