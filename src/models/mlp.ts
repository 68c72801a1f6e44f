import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { Random } from '../random';
import { checkInteger, checkOptions } from '../validate';
import { Init, initWeights } from './init';
import { dense } from './linear';
import { Model } from './model';

export type Activation = 'relu' | 'tanh' | 'sigmoid';
const ACTIVATIONS: Record<Activation, (x: tf.Tensor) => tf.Tensor> = {
  relu: (x) => tf.relu(x),
  tanh: (x) => tf.tanh(x),
  sigmoid: (x) => tf.sigmoid(x),
};

export interface MlpOptions {
  /** Layer widths from input to output, e.g. [784, 128, 10]. */
  sizes: number[];
  activation?: Activation;
  /** Default: 'he' for relu, 'xavier' otherwise. */
  init?: Init;
  seed?: number;
}

/** A multi-layer perceptron: dense layers with an activation between them; the last layer outputs logits. */
export function mlp(options: MlpOptions): Model {
  checkOptions('models.mlp', options, ['sizes', 'activation', 'init', 'seed']);
  const sizes = options?.sizes;
  if (!Array.isArray(sizes) || sizes.length < 2) {
    throw new DownhillError(`models.mlp: 'sizes' must list at least an input and an output width, got ${JSON.stringify(sizes)}.`, `use e.g. sizes: [784, 128, 10].`);
  }
  sizes.forEach((s, i) => checkInteger('models.mlp', `sizes[${i}]`, s, 1));
  const activation = options.activation ?? 'relu';
  if (!(activation in ACTIVATIONS)) {
    throw new DownhillError(`models.mlp: unknown activation '${activation}'.`, `use one of: ${Object.keys(ACTIVATIONS).join(', ')}.`);
  }
  const init = options.init ?? (activation === 'relu' ? 'he' : 'xavier');
  const rng = new Random(options.seed ?? 0);
  // tidy frees the initial tensors; the variables keep their data.
  const params = tf.tidy(() => {
    const p: Record<string, tf.Variable> = {};
    for (let i = 0; i < sizes.length - 1; i++) {
      p[`w${i + 1}`] = tf.variable(initWeights(init, sizes[i], sizes[i + 1], rng, 'models.mlp'));
      p[`b${i + 1}`] = tf.variable(tf.zeros([sizes[i + 1]]));
    }
    return p;
  });
  const layers = sizes.length - 1;
  const act = ACTIVATIONS[activation];
  return {
    name: `mlp ${sizes.join('→')} (${activation})`,
    params,
    forward(p, x) {
      let h = x;
      for (let i = 1; i <= layers; i++) {
        const hidden = i < layers;
        // relu is fused into the layer's kernel; TF.js has no fused gradient for the others.
        h = dense(h, p[`w${i}`], p[`b${i}`], 'models.mlp', hidden && activation === 'relu' ? 'relu' : 'linear');
        if (hidden && activation !== 'relu') h = act(h);
      }
      return h;
    },
  };
}
