import * as tf from '@tensorflow/tfjs';
import { NamedTensors, zipNamed } from '../named_tensors';
import { OptionValues, nonNegative, readOptions, unitInterval } from '../options';
import { LION_UPDATE } from '../runtime/kernels/sign_update';
import { Hyperparameter, cycledMomentum, learningRate, scheduled, valueAt } from '../schedules/hyperparameter';
import { describeOptimizer } from './describe';
import { betasOption, ema } from './moments';
import { FusedDirection, torchChain, updateEveryParameter } from './torch_chain';
import { GradientTransformation, zerosLike } from './transformation';

/**
 * Lion (Chen et al., 2023, found by program search), with optax.lion's formula:
 *
 *   c = β1·m + (1 − β1)·g
 *   θ ← θ − η·(sign(c) + λ·θ)            (decoupled weight decay; sign(0) = 0)
 *   m ← β2·m + (1 − β2)·g
 */

const SCALE_BY_LION = {
  b1: scheduled(unitInterval(), 0.9),
  b2: scheduled(unitInterval(), 0.99),
};

/** Lion's direction sign(β1·m + (1 − β1)·g); the momentum then moves with β2. */
export function scaleByLion(options: Partial<OptionValues<typeof SCALE_BY_LION>> = {}): GradientTransformation<{ count: number; m: NamedTensors }> {
  const { b1, b2 } = readOptions('scaleByLion', options, SCALE_BY_LION);
  return {
    name: 'lion',
    init: (params) => ({ count: 0, m: zerosLike(params) }),
    update(grads, state) {
      const beta1 = valueAt(b1, state.count);
      const updates = zipNamed(state.m, grads, (m, g) => tf.sign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1))));
      return { updates, state: { count: state.count + 1, m: ema(state.m, grads, valueAt(b2, state.count)) } };
    },
  };
}

const LION = {
  lr: learningRate(1e-4),
  /** [β1, β2] (optax's b1, b2): each a number in [0, 1) or a schedule. */
  betas: betasOption([0.9, 0.99]),
  /** λ, decoupled (as AdamW's). */
  weightDecay: nonNegative(0),
};

export type LionOptions = Partial<OptionValues<typeof LION>>;

/** Lion with lion-pytorch's defaults (lr 1e-4, betas [0.9, 0.99], weightDecay 0); lr is usually 3–10× smaller than Adam's. */
export function lion(options: LionOptions = {}): GradientTransformation {
  const o = readOptions('lion', options, LION);
  const b1 = cycledMomentum(o.lr) ?? o.betas[0];
  const direction = scaleByLion({ b1, b2: o.betas[1] });
  return { ...torchChain({ ...o, decoupledWeightDecay: true, fused: fusedLion(b1, o.betas[1]) }, direction), name: describeOptimizer('lion', options) };
}

/** scaleByLion's step and the parameter's as one kernel per parameter. */
function fusedLion(b1: Hyperparameter, b2: Hyperparameter): FusedDirection<[{ count: number; m: NamedTensors }]> {
  return (params, grads, [state], terms) => {
    const attributes = { ...terms, beta1: valueAt(b1, state.count), beta2: valueAt(b2, state.count) };
    return [{ count: state.count + 1, m: updateEveryParameter(LION_UPDATE, params, grads, state, attributes).m }];
  };
}
