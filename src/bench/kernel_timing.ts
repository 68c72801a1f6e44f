import * as os from 'os';
import * as path from 'path';
import { KERNEL_NAME, kernelSpec } from '../kernel/kernelspec';
import { Kernel, KernelLaunch } from '../notebook/kernel_client';

export interface KernelTiming {
  /** From spawning the kernel to the result of its first cell (`1 + 1`): median and range over the rounds. */
  startToFirstResultSeconds: number;
  startToFirstResultRange: [number, number];
  /** The same for a bare tslab kernel (`tslab kernel`), started alternately with downhill's in the same run. */
  tslabStartToFirstResultSeconds: number;
  tslabStartToFirstResultRange: [number, number];
  /** Median of the per-round ratios downhill / tslab. */
  ratioToTslab: number;
  rounds: number;
  /** The first `import * as dh from 'downhill'` with runtime.init(). */
  importDownhillSeconds: number;
  /** Mean wall time of a trivial cell (`1`): the runner's and the kernel's cost per cell. */
  perCellOverheadMs: number;
  cells: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A bare tslab kernel, as `tslab install` would register it, for comparison. */
function bareTslab(): KernelLaunch {
  const bin = path.join(path.dirname(require.resolve('tslab/package.json')), 'bin', 'tslab');
  return { name: 'tslab', argv: [process.execPath, bin, 'kernel', '--config-path', '{connection_file}'] };
}

async function firstResult(launch: KernelLaunch): Promise<{ seconds: number; kernel: Kernel }> {
  const started = performance.now();
  const kernel = await Kernel.start(launch, { cwd: os.tmpdir() });
  const first = await kernel.execute('1 + 1');
  if (first.status !== 'ok') throw new Error(`the first cell failed on ${launch.name}: ${first.status}`);
  return { seconds: (performance.now() - started) / 1000, kernel };
}

/** Measures the downhill kernel as the headless runner uses it, alternating with a bare tslab kernel (A B A B). */
export async function kernelTiming(rounds = 5, cells = 30): Promise<KernelTiming> {
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    for (const [launch, into] of [[{ name: KERNEL_NAME, ...kernelSpec() }, ours], [bareTslab(), theirs]] as const) {
      const { seconds, kernel } = await firstResult(launch);
      into.push(seconds);
      await kernel.shutdown();
    }
  }
  const { kernel } = await firstResult({ name: KERNEL_NAME, ...kernelSpec() });
  try {
    const imported = await kernel.execute("import * as dh from 'downhill';\nawait dh.runtime.init();");
    let total = 0;
    for (let i = 0; i < cells; i++) {
      const t = performance.now();
      await kernel.execute('1');
      total += performance.now() - t;
    }
    return {
      startToFirstResultSeconds: median(ours),
      startToFirstResultRange: [Math.min(...ours), Math.max(...ours)],
      tslabStartToFirstResultSeconds: median(theirs),
      tslabStartToFirstResultRange: [Math.min(...theirs), Math.max(...theirs)],
      ratioToTslab: median(ours.map((s, i) => s / theirs[i])),
      rounds,
      importDownhillSeconds: imported.seconds,
      perCellOverheadMs: total / cells,
      cells,
    };
  } finally {
    await kernel.shutdown();
  }
}
