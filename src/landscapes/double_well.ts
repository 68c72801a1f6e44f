import * as tf from '@tensorflow/tfjs';
import { checkFiniteNumber, checkOptions } from '../validate';
import { Landscape, defineLandscape } from './landscape';

/**
 * (w² − 1)² + tilt·w: two valleys near w = ±1 separated by a bump near 0. With a
 * tilt the left valley is deeper, so where descent ends depends on where it starts.
 */
export function doubleWell(options: { tilt?: number } = {}): Landscape {
  checkOptions('landscapes.doubleWell', options, ['tilt']);
  const tilt = checkFiniteNumber('landscapes.doubleWell', 'tilt', options.tilt ?? 0.3);
  const value = (w: number) => (w * w - 1) ** 2 + tilt * w;
  // Stationary points solve 4w³ − 4w + tilt = 0: refine from near −1, 0 and 1 with Newton's method.
  const root = (w: number) => {
    for (let i = 0; i < 100; i++) w -= (4 * w ** 3 - 4 * w + tilt) / (12 * w * w - 4);
    return w;
  };
  const [left, right] = [root(-1), root(1)];
  const lowest = Math.min(value(left), value(right));
  return defineLandscape({
    name: 'double well',
    formula: `(w^2 - 1)^2 + ${tilt}\\,w`,
    dims: 1,
    expr: (w) => tf.add(tf.square(tf.sub(tf.square(w), 1)), tf.mul(w, tilt)),
    minima: [left, right].map((w) => ({ point: [w], value: value(w), global: value(w) === lowest })),
    domain: [[-2, 2]],
    start: [1.8],
  });
}
