import { DownhillError } from '../errors';

/**
 * The gradient check of CS231n and d2l: compare a gradient (derived by hand, or from
 * autodiff) with central differences, (f(p + h·eᵢ) − f(p − h·eᵢ)) / 2h, which need
 * nothing but the loss itself. Central differences are off by O(h²), so with plain
 * JavaScript numbers (float64) and h = 1e-5 a right gradient agrees to ~1e-9 relative
 * error, while a wrong one is off by far more.
 */
export function numericalGradient(f: (p: number[]) => number, at: number[], h = 1e-5): number[] {
  if (!Array.isArray(at) || at.length === 0 || !at.every(Number.isFinite)) {
    throw new DownhillError(`numericalGradient: the point must be a non-empty list of finite numbers, got ${JSON.stringify(at)}.`, 'pass e.g. [0, 0].');
  }
  if (!(h > 0)) throw new DownhillError(`numericalGradient: the step h must be positive, got ${h}.`, 'pass e.g. 1e-5.');
  return at.map((_, i) => {
    const up = at.slice();
    const down = at.slice();
    up[i] += h;
    down[i] -= h;
    return (f(up) - f(down)) / (2 * h);
  });
}

/** ‖a − b‖ / max(‖a‖, ‖b‖): 0 for equal vectors, about 1 or more for unrelated ones (0 when both are zero). */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new DownhillError(`relativeError: ${a.length} values against ${b.length}.`, 'compare gradients of the same length.');
  const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  const diff = norm(Array.from(a, (x, i) => x - b[i]));
  const scale = Math.max(norm(Array.from(a)), norm(Array.from(b)));
  return scale === 0 ? 0 : diff / scale;
}
