import * as tf from '@tensorflow/tfjs';

export interface MatMulResult {
  n: number;
  /** Billions of floating-point operations per second (2n³ per product), or undefined when skipped. */
  gflops?: number;
  skipped?: string;
}

/**
 * GFLOP/s of an n×n by n×n float32 product on the active backend: one warm-up
 * product (kernel compilation, memory), then the median of `repeats`, each timed
 * until its result is ready (GPU backends return before they finish; one sum
 * of it is read back, not the n² values). A size
 * whose estimated time, from the previous size, exceeds `budgetSeconds` is skipped.
 */
export async function matMulThroughput(sizes: number[], repeats = 3, budgetSeconds = 20): Promise<MatMulResult[]> {
  const results: MatMulResult[] = [];
  let previous: { n: number; seconds: number } | undefined;
  for (const n of sizes) {
    if (previous) {
      const estimate = previous.seconds * (n / previous.n) ** 3 * (repeats + 1);
      if (estimate > budgetSeconds) {
        results.push({ n, skipped: `estimated ${Math.round(estimate)} s on this backend` });
        continue;
      }
    }
    const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
    const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
    const times: number[] = [];
    for (let r = 0; r <= repeats; r++) {
      const start = performance.now();
      const c = tf.matMul(a, b);
      const total = tf.sum(c); // read back one number: the wait is for the product, not for copying n² values
      await total.data();
      tf.dispose([c, total]);
      if (r > 0) times.push((performance.now() - start) / 1000);
    }
    tf.dispose([a, b]);
    const seconds = times.sort((x, y) => x - y)[Math.floor(times.length / 2)];
    previous = { n, seconds };
    results.push({ n, gflops: (2 * n ** 3) / seconds / 1e9 });
  }
  return results;
}
