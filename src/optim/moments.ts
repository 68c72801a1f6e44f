import * as tf from '@tensorflow/tfjs';
import { NamedTensors, zipNamed } from '../named_tensors';
import { Option, nonNegative, pair, unitInterval } from '../options';
import { Hyperparameter, scheduled } from '../schedules/hyperparameter';

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

/** The options of an Adam-family direction: the two decays (numbers or schedules) and ε, with Adam's defaults. */
export const ADAM_FAMILY_MOMENTS = {
  b1: scheduled(unitInterval(), 0.9),
  b2: scheduled(unitInterval(), 0.999),
  eps: nonNegative(1e-8),
};

/** The `betas` option of a named optimizer: [β1, β2], each a number in [0, 1) or a schedule. */
export function betasOption(defaults: [number, number]): Option<[Hyperparameter, Hyperparameter]> {
  return pair(scheduled(unitInterval()), defaults);
}
