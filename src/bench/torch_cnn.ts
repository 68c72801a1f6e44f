import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface TorchCnnResult {
  torch: string;
  threads: number;
  device: string;
  epochSeconds: number[];
  testAccuracy: number[];
}

/** Debian's python3 by default; DOWNHILL_TORCH_PYTHON picks another (a virtualenv's, say). */
const PYTHON = process.env.DOWNHILL_TORCH_PYTHON || '/usr/bin/python3';

/** The CNN of models.cnn in PyTorch (bench/torch_cnn_mnist.py), when that python has torch; otherwise says why not. */
export function runTorchCnn(mnistDir: string, epochs: number): { result?: TorchCnnResult; skipped?: string } {
  if (!fs.existsSync(PYTHON)) return { skipped: `${PYTHON} not found` };
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return { skipped: `${PYTHON} has no torch (apt-get install python3-torch, or DOWNHILL_TORCH_PYTHON=a python with torch)` };
  const script = path.join(__dirname, '..', '..', 'bench', 'torch_cnn_mnist.py');
  const run = spawnSync(PYTHON, [script, mnistDir, String(epochs)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) return { skipped: `the PyTorch CNN failed: ${run.stderr.trim().split('\n').pop()}` };
  return { result: JSON.parse(run.stdout) as TorchCnnResult };
}
