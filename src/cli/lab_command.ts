import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { DownhillError } from '../errors';
import { installHint, jupyterCommand } from '../kernel/jupyter_paths';
import { projectRoot, writeKernelSpec } from '../kernel/kernelspec';
import { installLabExtension } from '../kernel/labextension';
import { installNbExtension } from '../kernel/nbextension';
import { parseArgs } from './args';
import { Command } from './commands';

const USAGE = 'downhill lab [--notebooks DIR] [--port N] [--no-browser]';

/** Jupyter's config, data and runtime folders inside the project, so that nothing leaks into the user's own Jupyter. */
export function jupyterEnvironment(root = projectRoot()): NodeJS.ProcessEnv {
  const base = path.join(root, '.jupyter');
  return {
    JUPYTER_CONFIG_DIR: path.join(base, 'config'),
    JUPYTER_DATA_DIR: path.join(base, 'data'),
    JUPYTER_RUNTIME_DIR: path.join(base, 'runtime'),
    JUPYTER_PATH: path.join(base, 'data'),
  };
}

export const labCommand: Command = {
  summary: 'open the tutorials in Jupyter Notebook, with the downhill kernel registered',
  usage: USAGE,
  async run(args) {
    if (args.includes('--help')) {
      console.log(`${USAGE}\n\nStarts Jupyter Notebook on notebooks/ (or DIR) with the downhill kernel; Jupyter's\nstate stays in .jupyter/ inside the project. Ctrl-C stops it.`);
      return 0;
    }
    const parsed = parseArgs(args, { flags: ['--no-browser'], options: ['--notebooks', '--port'] }, USAGE);
    const jupyter = jupyterCommand();
    const notebookApp = jupyter && fs.existsSync(path.join(path.dirname(jupyter), 'jupyter-notebook'));
    if (!jupyter || !notebookApp) throw new DownhillError('Jupyter Notebook is not installed.', installHint());
    const env = { ...process.env, ...jupyterEnvironment() };
    const kernelDir = writeKernelSpec(path.join(env.JUPYTER_DATA_DIR!, 'kernels'));
    installLabExtension(path.join(env.JUPYTER_DATA_DIR!, 'labextensions'));
    installNbExtension(env.JUPYTER_DATA_DIR!, path.join(env.JUPYTER_CONFIG_DIR!, 'nbconfig'));
    const notebooks = path.resolve(parsed.options.get('--notebooks') ?? path.join(projectRoot(), 'notebooks'));
    if (!fs.existsSync(notebooks)) throw new DownhillError(`the notebook folder ${notebooks} does not exist.`, 'pass --notebooks DIR.');
    console.log(`kernel registered in ${kernelDir}\nstarting Jupyter Notebook on ${notebooks} (the URL to open follows)`);
    const argv = ['notebook', `--notebook-dir=${notebooks}`];
    if (parsed.options.has('--port')) argv.push(`--port=${parsed.options.get('--port')}`);
    if (parsed.flags.has('--no-browser')) argv.push('--no-browser');
    // Jupyter refuses to run as root unless told; containers and CI machines often are root.
    if (process.getuid?.() === 0) argv.push('--allow-root');
    const child = spawn(jupyter, argv, { env, stdio: 'inherit' });
    // Ctrl-C reaches Jupyter directly (same terminal process group) and Jupyter asks to confirm;
    // stay alive until it exits. A SIGTERM to downhill is passed on.
    process.on('SIGINT', () => undefined);
    process.on('SIGTERM', () => child.kill('SIGTERM'));
    return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 0)));
  },
};
