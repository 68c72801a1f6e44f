import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DownhillError } from '../errors';
import { KernelSpecFile } from './kernelspec';

/**
 * Jupyter's data folders, found as jupyter_core does on Linux and macOS, without
 * assuming that the first `python3` on PATH is the one that runs Jupyter.
 */

/** The per-user data folder: $JUPYTER_DATA_DIR, else $XDG_DATA_HOME/jupyter, else ~/.local/share/jupyter. */
export function userDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Jupyter');
  const xdg = process.env.XDG_DATA_HOME;
  return path.join(xdg || path.join(os.homedir(), '.local', 'share'), 'jupyter');
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/** The `jupyter` command: $DOWNHILL_JUPYTER, else on PATH, else Debian's. */
export function jupyterCommand(): string | undefined {
  const chosen = process.env.DOWNHILL_JUPYTER;
  if (chosen) return fs.existsSync(chosen) ? chosen : undefined;
  return onPath('jupyter') ?? (fs.existsSync('/usr/bin/jupyter') ? '/usr/bin/jupyter' : undefined);
}

/** The Python that runs Jupyter, read from the `jupyter` script's first line. */
export function jupyterPython(): string | undefined {
  const command = jupyterCommand();
  if (!command) return undefined;
  const first = fs.readFileSync(command, 'utf8').split('\n', 1)[0];
  const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(first);
  if (!m) return undefined;
  if (path.basename(m[1]) === 'env' && m[2]) return onPath(m[2]);
  return m[1];
}

/** sys.prefix of Jupyter's Python (e.g. /usr for Debian's Jupyter, the venv folder in a virtualenv). */
export function sysPrefix(): string | undefined {
  const python = jupyterPython();
  if (!python) return undefined;
  const run = spawnSync(python, ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

export function installHint(): string {
  return 'install Jupyter: on Debian or Ubuntu `sudo apt-get install jupyter-notebook jupyter-nbconvert`, elsewhere `pip install notebook nbconvert`.';
}

/** Where `kernel install` writes for --user, --sys-prefix or --prefix DIR. */
export function kernelsDirFor(target: { user?: boolean; sysPrefix?: boolean; prefix?: string }): string {
  if (target.prefix) return path.join(path.resolve(target.prefix), 'share', 'jupyter', 'kernels');
  if (target.sysPrefix) {
    const prefix = sysPrefix();
    if (!prefix) throw new DownhillError('--sys-prefix needs Jupyter, and no `jupyter` command was found.', installHint());
    return path.join(prefix, 'share', 'jupyter', 'kernels');
  }
  return path.join(userDataDir(), 'kernels');
}

/** Every folder Jupyter searches for kernels, in its order of precedence. */
export function kernelSearchPath(): string[] {
  const dirs = [
    ...(process.env.JUPYTER_PATH ?? '').split(path.delimiter).filter(Boolean),
    userDataDir(),
    ...[sysPrefix()].filter((p): p is string => !!p).map((p) => path.join(p, 'share', 'jupyter')),
    '/usr/local/share/jupyter',
    '/usr/share/jupyter',
  ];
  return [...new Set(dirs.map((d) => path.join(d, 'kernels')))];
}

export interface InstalledKernel {
  name: string;
  dir: string;
  spec: KernelSpecFile;
}

/** The installed kernelspecs by name; the first found wins, as in Jupyter. */
export function installedKernels(): Map<string, InstalledKernel> {
  const found = new Map<string, InstalledKernel>();
  for (const kernels of kernelSearchPath()) {
    if (!fs.existsSync(kernels)) continue;
    for (const name of fs.readdirSync(kernels).sort()) {
      const file = path.join(kernels, name, 'kernel.json');
      if (found.has(name.toLowerCase()) || !fs.existsSync(file)) continue;
      try {
        found.set(name.toLowerCase(), { name, dir: path.join(kernels, name), spec: JSON.parse(fs.readFileSync(file, 'utf8')) });
      } catch {
        // A broken kernel.json: Jupyter skips it too.
      }
    }
  }
  return found;
}
