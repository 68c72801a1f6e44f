import * as tf from '@tensorflow/tfjs';
import { globalNorm, mapNamed } from '../named_tensors';
import { checkPositive } from '../validate';
import { GradientTransformation } from './transformation';

/** Clamps every gradient element to [−maxValue, maxValue] (torch.nn.utils.clip_grad_value_). */
export function clipByValue(maxValue: number): GradientTransformation<null> {
  const c = checkPositive('clipByValue', 'maxValue', maxValue, '1.0');
  return {
    name: `clipByValue(${c})`,
    init: () => null,
    update: (grads, state) => ({ updates: mapNamed(grads, (g) => tf.clipByValue(g, -c, c)), state }),
  };
}

/**
 * When the norm of all gradients together exceeds maxNorm, scales them all down so
 * that it equals maxNorm; the direction is kept (torch.nn.utils.clip_grad_norm_,
 * including its 1e-6 in the denominator).
 */
export function clipByGlobalNorm(maxNorm: number): GradientTransformation<null> {
  const c = checkPositive('clipByGlobalNorm', 'maxNorm', maxNorm, '1.0');
  return {
    name: `clipByGlobalNorm(${c})`,
    init: () => null,
    update(grads, state) {
      const coefficient = tf.minimum(tf.div(c, tf.add(globalNorm(grads), 1e-6)), 1);
      return { updates: mapNamed(grads, (g) => tf.mul(g, coefficient)), state };
    },
  };
}
