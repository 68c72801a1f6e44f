import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { mapNamed } from '../named_tensors';
import { checkNonNegative } from '../validate';
import { GradientTransformation } from './transformation';

/**
 * Adds weightDecay·param to each update. Placed before the optimizer's scaling it
 * is L2 regularisation, coupled to the gradient (PyTorch's sgd and adam
 * `weight_decay`); placed after it, just before the learning rate, it is decoupled
 * weight decay (AdamW).
 */
export function addWeightDecay(weightDecay: number): GradientTransformation<null> {
  const wd = checkNonNegative('addWeightDecay', 'weightDecay', weightDecay);
  return {
    name: `weightDecay=${wd}`,
    init: () => null,
    update(grads, state, params) {
      if (!params) {
        throw new DownhillError(
          'addWeightDecay needs the parameters, but update() was called without them.',
          'call update(grads, state, params).',
        );
      }
      return { updates: mapNamed(grads, (g, name) => tf.add(g, tf.mul(params[name], wd))), state };
    },
  };
}
