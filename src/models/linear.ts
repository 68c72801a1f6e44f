import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { fusedDense, hasDenseKernel } from '../runtime/kernels/dense';
import { Random } from '../random';
import { checkInteger, checkOptions } from '../validate';
import { Init, initWeights } from './init';
import { Model } from './model';

export interface LinearOptions {
  /** Features per sample (default 1). */
  inputs?: number;
  /** Outputs per sample (default 1; the number of classes for softmax regression). */
  outputs?: number;
  init?: Init;
  seed?: number;
}

/**
 * x·w + b, with x [n, inputs], w [inputs, outputs], b [outputs], then relu when
 * asked: one fused kernel (TF.js's _FusedMatMul, with the gradient in runtime/kernels/dense.ts)
 * instead of a matMul, an add and an activation, each launched and stored apart.
 */
export function dense(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, where: string, activation: 'linear' | 'relu' = 'linear'): tf.Tensor {
  if (x.rank !== 2 || x.shape[1] !== w.shape[0]) {
    const perSample = x.shape.slice(1).reduce((a, b) => a * b, 1);
    throw new DownhillError(
      `${where}: the input has shape [${x.shape.join(', ')}] but the layer expects [n, ${w.shape[0]}].`,
      x.rank === 1
        ? `reshape the input to one row per sample: x.reshape([-1, ${w.shape[0]}]).`
        : x.rank > 2
          ? `flatten each sample into one row: x.reshape([${x.shape[0]}, -1]) gives [${x.shape[0]}, ${perSample}]${perSample === w.shape[0] ? ', which fits' : ''}.`
          : `give the model inputs: ${x.shape[1]} or pass ${w.shape[0]} features per sample.`,
    );
  }
  if (hasDenseKernel() && w.rank === 2 && b.rank === 1) return fusedDense(x, w, b, activation);
  const y = tf.add(tf.matMul(x, w), b);
  return activation === 'relu' ? tf.relu(y) : y;
}

/** A linear model: linear regression (one output) or the logits of softmax regression. */
export function linear(options: LinearOptions = {}): Model {
  checkOptions('models.linear', options, ['inputs', 'outputs', 'init', 'seed']);
  const inputs = checkInteger('models.linear', 'inputs', options.inputs ?? 1, 1);
  const outputs = checkInteger('models.linear', 'outputs', options.outputs ?? 1, 1);
  const rng = new Random(options.seed ?? 0);
  // tidy frees the initial tensors; the variables keep their data.
  const params = tf.tidy(() => ({
    w: tf.variable(initWeights(options.init ?? 'zeros', inputs, outputs, rng, 'models.linear')),
    b: tf.variable(tf.zeros([outputs])),
  }));
  return {
    name: outputs === 1 ? 'linear regression' : `linear ${inputs}→${outputs}`,
    params,
    forward: (p, x) => dense(x, p.w, p.b, 'models.linear'),
  };
}

/** Softmax regression: a linear layer from `inputs` features to `classes` logits (pair it with crossEntropy). */
export function softmaxRegression(options: { inputs?: number; classes?: number; init?: Init; seed?: number } = {}): Model {
  checkOptions('models.softmaxRegression', options, ['inputs', 'classes', 'init', 'seed']);
  const model = linear({ inputs: options.inputs ?? 784, outputs: options.classes ?? 10, init: options.init, seed: options.seed });
  return { ...model, name: `softmax regression ${options.inputs ?? 784}→${options.classes ?? 10}` };
}
