import * as tf from '@tensorflow/tfjs';
import { NamedTensors, zipNamed } from '../named_tensors';

/** β·average + (1 − β)·value for every name: an exponential moving average (torch's lerp_). */
export function ema(average: NamedTensors, values: NamedTensors, beta: number): NamedTensors {
  return zipNamed(average, values, (a, x) => tf.add(tf.mul(a, beta), tf.mul(x, 1 - beta)));
}

/** β·average + (1 − β)·g² for every name: the moving average of squared gradients. */
export function emaOfSquares(average: NamedTensors, grads: NamedTensors, beta: number): NamedTensors {
  return zipNamed(average, grads, (a, g) => tf.add(tf.mul(a, beta), tf.mul(tf.square(g), 1 - beta)));
}

/** 1 − β^t: the bias of an average that started at zero, after t updates (divide by it to remove it). */
export function biasCorrection(beta: number, count: number): number {
  return 1 - beta ** count;
}
