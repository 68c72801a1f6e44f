import { Random } from '../random';
import { checkInteger, checkNonNegative, checkOptions } from '../validate';
import { Dataset } from './dataset';

export interface LinearDataOptions {
  n?: number;
  /** True slope(s): a number for one feature, an array for several. */
  w?: number | number[];
  b?: number;
  /** Standard deviation of the Gaussian noise added to y. */
  noise?: number;
  /** Inputs are drawn uniformly from this range. */
  xRange?: [number, number];
  seed?: number;
}

/** y = x·w + b + noise, seeded: the same data on every run and backend. */
export function linearData(options: LinearDataOptions = {}): Dataset {
  checkOptions('data.linear', options, ['n', 'w', 'b', 'noise', 'xRange', 'seed']);
  const n = checkInteger('data.linear', 'n', options.n ?? 100, 1);
  const w = Array.isArray(options.w) ? options.w : [options.w ?? 2];
  const b = options.b ?? 1;
  const noise = checkNonNegative('data.linear', 'noise', options.noise ?? 0.5);
  const [lo, hi] = options.xRange ?? [0, 1];
  const rng = new Random(options.seed ?? 0);
  const d = w.length;
  const x = new Float32Array(n * d);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let target = b;
    for (let j = 0; j < d; j++) {
      const v = rng.uniform(lo, hi);
      x[i * d + j] = v;
      target += v * w[j];
    }
    y[i] = target + (noise > 0 ? rng.normal(0, noise) : 0);
  }
  return { size: n, x, xShape: [d], y, yShape: [1] };
}
