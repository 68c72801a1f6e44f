import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface TorchResult {
  torch: string;
  threads: number;
  /** "cpu" or "cuda" (DOWNHILL_TORCH_DEVICE). */
  device: string;
  runs: Record<'softmax' | 'mlp', { seconds: number; all: number[]; accuracy: number }>;
}

/** Debian's python3 by default; DOWNHILL_TORCH_PYTHON picks another (a virtualenv's, say). */
const PYTHON = process.env.DOWNHILL_TORCH_PYTHON || '/usr/bin/python3';

/** Runs bench/torch_mnist.py with that python when it has torch; otherwise says why not. */
export function runTorch(mnistDir: string, repeats: number, warmup: number): { result?: TorchResult; skipped?: string } {
  if (!fs.existsSync(PYTHON)) return { skipped: `${PYTHON} not found` };
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return { skipped: `${PYTHON} has no torch (apt-get install python3-torch)` };
  const script = path.join(__dirname, '..', '..', 'bench', 'torch_mnist.py');
  const run = spawnSync(PYTHON, [script, mnistDir, String(repeats), String(warmup)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) return { skipped: `the PyTorch benchmark failed: ${run.stderr.trim().split('\n').pop()}` };
  return { result: JSON.parse(run.stdout) as TorchResult };
}

export interface TorchCnnResult {
  torch: string;
  threads: number;
  device: string;
  epochSeconds: number[];
  testAccuracy: number[];
}

/** The CNN of models.cnn in PyTorch (bench/torch_mnist.py --cnn), when that python has torch. */
export function runTorchCnn(mnistDir: string, epochs: number): { result?: TorchCnnResult; skipped?: string } {
  if (!fs.existsSync(PYTHON)) return { skipped: `${PYTHON} not found` };
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return { skipped: `${PYTHON} has no torch (apt-get install python3-torch, or DOWNHILL_TORCH_PYTHON=a python with torch)` };
  const script = path.join(__dirname, '..', '..', 'bench', 'torch_mnist.py');
  const run = spawnSync(PYTHON, [script, mnistDir, '--cnn', String(epochs)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) return { skipped: `the PyTorch CNN failed: ${run.stderr.trim().split('\n').pop()}` };
  return { result: JSON.parse(run.stdout) as TorchCnnResult };
}
