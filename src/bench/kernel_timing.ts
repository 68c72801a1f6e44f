import * as os from 'os';
import { KERNEL_NAME, kernelSpec } from '../kernel/kernelspec';
import { Kernel } from '../notebook/kernel_client';

export interface KernelTiming {
  /** From spawning the kernel to the result of its first cell (`1 + 1`). */
  startToFirstResultSeconds: number;
  /** The first `import * as dh from 'downhill'` with runtime.init(). */
  importDownhillSeconds: number;
  /** Mean wall time of a trivial cell (`1`): the runner's and tslab's cost per cell. */
  perCellOverheadMs: number;
  cells: number;
}

/** Measures the downhill kernel as the headless runner uses it. */
export async function kernelTiming(cells = 30): Promise<KernelTiming> {
  const started = performance.now();
  const kernel = await Kernel.start({ name: KERNEL_NAME, ...kernelSpec() }, { cwd: os.tmpdir() });
  try {
    const first = await kernel.execute('1 + 1');
    if (first.status !== 'ok') throw new Error(`the first cell failed: ${first.status}`);
    const startToFirstResultSeconds = (performance.now() - started) / 1000;
    const imported = await kernel.execute("import * as dh from 'downhill';\nawait dh.runtime.init();");
    let total = 0;
    for (let i = 0; i < cells; i++) {
      const t = performance.now();
      await kernel.execute('1');
      total += performance.now() - t;
    }
    return { startToFirstResultSeconds, importDownhillSeconds: imported.seconds, perCellOverheadMs: total / cells, cells };
  } finally {
    await kernel.shutdown();
  }
}
