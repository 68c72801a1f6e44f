import * as tf from '@tensorflow/tfjs';
import { NamedTensors, mapNamed, zipNamed } from '../named_tensors';
import { checkNonNegative } from '../validate';
import { GradientTransformation } from './transformation';

/** Adagrad's direction: g / (sqrt(Σ g²) + eps), the sum running over all updates so far. */
export function scaleByAdagrad(
  options: { eps?: number; initialAccumulatorValue?: number } = {},
): GradientTransformation<{ sum: NamedTensors }> {
  const eps = checkNonNegative('scaleByAdagrad', 'eps', options.eps ?? 1e-10);
  const initial = checkNonNegative('scaleByAdagrad', 'initialAccumulatorValue', options.initialAccumulatorValue ?? 0);
  return {
    name: 'adagrad',
    init: (params) => ({ sum: mapNamed(params, (p) => tf.fill(p.shape, initial)) }),
    update(grads, state) {
      const sum = zipNamed(state.sum, grads, (s, g) => tf.add(s, tf.square(g)));
      const updates = mapNamed(grads, (g, name) => tf.div(g, tf.add(tf.sqrt(sum[name]), eps)));
      return { updates, state: { sum } };
    },
  };
}
