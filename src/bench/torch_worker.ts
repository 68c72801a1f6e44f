import { ChildProcessWithoutNullStreams, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';

/** A PyTorch the bench compares with: Debian's python3-torch, or the local wheel in a cached virtualenv. */
export interface TorchInstall {
  label: string;
  python: string;
}

const REPO = path.join(__dirname, '..', '..');
const SCRIPT = path.join(REPO, 'bench', 'torch_mnist.py');
const DEBIAN_PYTHON = '/usr/bin/python3';
/** pip's local find-links folder (see `pip config list`); DOWNHILL_TORCH_WHEELS picks another. */
const WHEELS = process.env.DOWNHILL_TORCH_WHEELS || '/opt/wheels';
/** The virtualenv with the wheel's PyTorch, made on first use (gitignored). */
export const TORCH_VENV = path.join(REPO, '.bench-cache', 'torch-2.13');

function hasTorch(python: string): boolean {
  return fs.existsSync(python) && spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

/**
 * The PyTorch installs to compare with, and for each one missing, why. The
 * virtualenv for the wheel is created here when `create` (pip installs offline from
 * the local wheel folder), else only used when it already exists.
 */
export function findTorches(create: boolean): { installs: TorchInstall[]; skipped: { label: string; why: string }[] } {
  const installs: TorchInstall[] = [];
  const skipped: { label: string; why: string }[] = [];
  const debian = 'PyTorch from Debian (python3-torch)';
  if (hasTorch(DEBIAN_PYTHON)) installs.push({ label: debian, python: DEBIAN_PYTHON });
  else skipped.push({ label: debian, why: `${DEBIAN_PYTHON} has no torch (apt-get install python3-torch)` });

  const wheelLabel = 'PyTorch from the local wheel (venv)';
  const venvPython = path.join(TORCH_VENV, 'bin', 'python');
  const wheel = fs.existsSync(WHEELS) ? fs.readdirSync(WHEELS).find((f) => /^torch-2\.\d+\.\d+.*\.whl$/.test(f)) : undefined;
  if (!hasTorch(venvPython) && wheel && create && fs.existsSync(DEBIAN_PYTHON)) {
    process.stderr.write(`creating ${TORCH_VENV} with ${wheel} (once)...\n`);
    const made = spawnSync(DEBIAN_PYTHON, ['-m', 'venv', TORCH_VENV], { encoding: 'utf8' });
    const pip = made.status === 0 && spawnSync(venvPython, ['-m', 'pip', 'install', '--quiet', path.join(WHEELS, wheel), 'numpy'], { encoding: 'utf8' });
    if (!pip || pip.status !== 0) skipped.push({ label: wheelLabel, why: `could not install ${wheel} into ${TORCH_VENV}: ${(pip ? pip.stderr : made.stderr).trim().split('\n').pop()}` });
  }
  if (hasTorch(venvPython)) installs.push({ label: wheelLabel, python: venvPython });
  else if (!skipped.some((s) => s.label === wheelLabel)) {
    skipped.push({
      label: wheelLabel,
      why: wheel ? `${TORCH_VENV} does not exist yet (the full \`npm run bench\` creates it)` : `no torch-2.x wheel in ${WHEELS}`,
    });
  }
  return { installs, skipped };
}

export interface TorchAnswer {
  seconds: number;
  accuracy?: number;
  steps?: number;
  threads: number;
  /** The thread count set on OpenBLAS, when this PyTorch has its products done there (Debian's). */
  openblasThreads?: number;
}

/**
 * A long-lived bench/torch_mnist.py process that runs one training at a time on
 * request, so that the bench can alternate its runs with downhill's (A B A B).
 */
export class TorchWorker {
  private constructor(
    readonly install: TorchInstall,
    readonly version: string,
    readonly device: string,
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly lines: AsyncIterator<string>,
  ) {}

  static async start(install: TorchInstall, mnistDir: string, trainSize?: number): Promise<TorchWorker> {
    const args = [SCRIPT, mnistDir, 'serve', ...(trainSize ? [String(trainSize)] : [])];
    const child = spawn(install.python, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) throw new Error(`${install.label} did not start: ${stderr.trim().split('\n').pop()}`);
    const hello = JSON.parse(first.value) as { torch: string; device: string };
    return new TorchWorker(install, hello.torch, hello.device, child, lines);
  }

  /** One epoch with a fresh model, or `steps` steps after `warmup` untimed ones. */
  async run(request: { task: string; threads: number; steps?: number; warmup?: number }): Promise<TorchAnswer> {
    this.child.stdin.write(`${JSON.stringify(request)}\n`);
    const line = await this.lines.next();
    if (line.done) throw new Error(`${this.install.label} stopped during ${request.task}`);
    return JSON.parse(line.value) as TorchAnswer;
  }

  /** Peak RSS of a separate process that loads MNIST and trains one epoch. */
  peakRssMiB(task: string, threads: number, mnistDir: string, trainSize?: number): number {
    const run = spawnSync(this.install.python, [SCRIPT, mnistDir, 'rss', task, String(threads), ...(trainSize ? [String(trainSize)] : [])], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`${this.install.label} rss run failed: ${run.stderr.trim().split('\n').pop()}`);
    return (JSON.parse(run.stdout) as { maxRssMiB: number }).maxRssMiB;
  }

  close(): void {
    this.child.stdin.end();
  }
}
