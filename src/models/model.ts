import * as tf from '@tensorflow/tfjs';
import { NamedTensors, checkNotDisposed, countElements, disposeAll } from '../named_tensors';

/**
 * A model is named parameters plus a forward function that is pure in them:
 * `forward(params, x)`. The model's own values live in `params` (tf.Variables, so
 * training updates them in place); passing other tensors to `forward` evaluates
 * the same model at other parameter values, which is how gradients are taken.
 */
export interface Model {
  name: string;
  params: Record<string, tf.Variable>;
  forward(params: NamedTensors, x: tf.Tensor): tf.Tensor;
}

/** The model's output for `x` at its current parameters. */
export function predict(model: Model, x: tf.Tensor): tf.Tensor {
  checkNotDisposed('predict', model.params);
  checkNotDisposed('predict', { x }, 'input');
  return tf.tidy(() => model.forward(model.params, x));
}

export function parameterCount(model: Model): number {
  return countElements(model.params);
}

/** Current parameter values as plain arrays, e.g. { w: [[2.0]], b: [1.0] } (read without blocking, so on every backend). */
export async function parameterValues(model: Model): Promise<Record<string, number | number[] | number[][]>> {
  const out: Record<string, number | number[] | number[][]> = {};
  for (const [name, p] of Object.entries(model.params)) {
    out[name] = (await p.array()) as number | number[] | number[][];
  }
  return out;
}

/** Frees the model's variables. */
export function disposeModel(model: Model): void {
  disposeAll(model.params);
}
