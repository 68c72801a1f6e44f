import * as tf from '@tensorflow/tfjs';
import { NamedTensors, mapNamed, zipNamed } from '../named_tensors';
import { checkInRange, checkNonNegative } from '../validate';
import { GradientTransformation, zerosLike } from './transformation';

/**
 * RMSProp's direction: g / (sqrt(v) + eps) with v ← α·v + (1 − α)·g². Centered
 * subtracts the squared running mean of g inside the root (PyTorch's formulas).
 */
export function scaleByRms(
  options: { alpha?: number; eps?: number; centered?: boolean } = {},
): GradientTransformation<{ v: NamedTensors; mean: NamedTensors | null }> {
  const alpha = checkInRange('scaleByRms', 'alpha', options.alpha ?? 0.99, 0, 1, true);
  const eps = checkNonNegative('scaleByRms', 'eps', options.eps ?? 1e-8);
  const centered = options.centered ?? false;
  return {
    name: 'rms',
    init: (params) => ({ v: zerosLike(params), mean: centered ? zerosLike(params) : null }),
    update(grads, state) {
      const v = zipNamed(state.v, grads, (v, g) => tf.add(tf.mul(v, alpha), tf.mul(tf.square(g), 1 - alpha)));
      const mean = state.mean && zipNamed(state.mean, grads, (m, g) => tf.add(tf.mul(m, alpha), tf.mul(g, 1 - alpha)));
      const updates = mapNamed(grads, (g, name) => {
        const variance = mean ? tf.sub(v[name], tf.square(mean[name])) : v[name];
        return tf.div(g, tf.add(tf.sqrt(variance), eps));
      });
      return { updates, state: { v, mean } };
    },
  };
}
