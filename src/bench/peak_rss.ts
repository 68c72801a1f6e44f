import { spawnSync } from 'child_process';
import * as path from 'path';

/**
 * Peak RSS (MiB) of loading MNIST and training one epoch on a backend, in a
 * child process of its own (rss_child) that reads its own peak with
 * process.resourceUsage().maxRSS. The child runs under the same loader as this
 * process (node on dist/, or tsx on src/).
 */
export function downhillPeakRssMiB(backend: string, task: string, trainSize?: number): number {
  const child = path.join(__dirname, `rss_child${path.extname(__filename)}`);
  const run = spawnSync(process.execPath, [...process.execArgv, child, backend, task, ...(trainSize ? [String(trainSize)] : [])], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`the peak-RSS run on ${backend} failed: ${run.stderr.trim().split('\n').pop()}`);
  return (JSON.parse(run.stdout.trim().split('\n').pop()!) as { maxRssMiB: number }).maxRssMiB;
}
