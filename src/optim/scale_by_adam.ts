import * as tf from '@tensorflow/tfjs';
import { NamedTensors, mapNamed, zipNamed } from '../named_tensors';
import { checkInRange, checkNonNegative } from '../validate';
import { GradientTransformation, zerosLike } from './transformation';

export interface AdamState {
  count: number;
  m: NamedTensors;
  v: NamedTensors;
}

/**
 * Adam's direction: m̂ / (sqrt(v̂) + eps) with bias-corrected first and second
 * moments, eps outside the square root (PyTorch's formula).
 */
export function scaleByAdam(options: { b1?: number; b2?: number; eps?: number } = {}): GradientTransformation<AdamState> {
  const b1 = checkInRange('scaleByAdam', 'b1', options.b1 ?? 0.9, 0, 1);
  const b2 = checkInRange('scaleByAdam', 'b2', options.b2 ?? 0.999, 0, 1);
  const eps = checkNonNegative('scaleByAdam', 'eps', options.eps ?? 1e-8);
  return {
    name: 'adam',
    init: (params) => ({ count: 0, m: zerosLike(params), v: zerosLike(params) }),
    update(grads, state) {
      const count = state.count + 1;
      const m = zipNamed(state.m, grads, (m, g) => tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)));
      const v = zipNamed(state.v, grads, (v, g) => tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2)));
      const correction1 = 1 - b1 ** count;
      const sqrtCorrection2 = Math.sqrt(1 - b2 ** count);
      const updates = mapNamed(m, (mi, name) =>
        tf.div(tf.div(mi, correction1), tf.add(tf.div(tf.sqrt(v[name]), sqrtCorrection2), eps)),
      );
      return { updates, state: { count, m, v } };
    },
  };
}
