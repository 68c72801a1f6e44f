import * as tf from '@tensorflow/tfjs';
import { NamedTensors, mapNamed, zipNamed } from '../named_tensors';
import { OptionValues, flag, nonNegative, readOptions } from '../options';
import { ADAMAX_UPDATE } from '../runtime/kernels/adam_update';
import { Hyperparameter, cycledMomentum, learningRate, valueAt } from '../schedules/hyperparameter';
import { describeOptimizer } from './describe';
import { ADAM_FAMILY_MOMENTS, betasOption, biasCorrection, ema } from './moments';
import { FusedDirection, torchChain, updateEveryParameter } from './torch_chain';
import { GradientTransformation, zerosLike } from './transformation';

/**
 * Adamax (Kingma & Ba, 2015, §7): Adam with the infinity norm in place of the
 * second moment; as torch.optim.Adamax.
 *
 *   g ← ∇f(θ) + λ·θ
 *   m ← β1·m + (1 − β1)·g
 *   u ← max(β2·u, |g| + ε)
 *   θ ← θ − η / (1 − β1ᵗ) · m / u
 */

export interface AdamaxState {
  count: number;
  m: NamedTensors;
  u: NamedTensors;
}

const SCALE_BY_ADAMAX = {
  ...ADAM_FAMILY_MOMENTS,
};

/** The host-side numbers of Adamax's update at `count` (0 = the first). */
function adamaxStepNumbers(b1: Hyperparameter, b2: Hyperparameter, count: number) {
  const beta1 = valueAt(b1, count);
  return { beta1, beta2: valueAt(b2, count), correction1: biasCorrection(beta1, count + 1) };
}

/** scaleByAdamax's step and the parameter's as one kernel per parameter. */
function fusedAdamax(b1: Hyperparameter, b2: Hyperparameter, eps: number): FusedDirection<[AdamaxState]> {
  return (params, grads, [state], terms) => {
    const { m, u } = updateEveryParameter(ADAMAX_UPDATE, params, grads, state, { ...terms, ...adamaxStepNumbers(b1, b2, state.count), eps });
    return [{ count: state.count + 1, m, u }];
  };
}

/** Adamax's direction: m / (1 − β1ᵗ) / u. */
export function scaleByAdamax(options: Partial<OptionValues<typeof SCALE_BY_ADAMAX>> = {}): GradientTransformation<AdamaxState> {
  const { b1, b2, eps } = readOptions('scaleByAdamax', options, SCALE_BY_ADAMAX);
  return {
    name: 'adamax',
    init: (params) => ({ count: 0, m: zerosLike(params), u: zerosLike(params) }),
    update(grads, state) {
      const { beta1, beta2, correction1 } = adamaxStepNumbers(b1, b2, state.count);
      const count = state.count + 1;
      const m = ema(state.m, grads, beta1);
      const u = zipNamed(state.u, grads, (u, g) => tf.maximum(tf.mul(u, beta2), tf.add(tf.abs(g), eps)));
      const updates = mapNamed(m, (mi, name) => tf.div(tf.div(mi, correction1), u[name]));
      return { updates, state: { count, m, u } };
    },
  };
}

const ADAMAX = {
  lr: learningRate(2e-3),
  betas: betasOption([0.9, 0.999]),
  eps: nonNegative(1e-8),
  weightDecay: nonNegative(0),
  maximize: flag(false),
};

export type AdamaxOptions = Partial<OptionValues<typeof ADAMAX>>;

/** Adamax with PyTorch's defaults (lr 2e-3, betas [0.9, 0.999], eps 1e-8): torch.optim.Adamax. */
export function adamax(options: AdamaxOptions = {}): GradientTransformation {
  const o = readOptions('adamax', options, ADAMAX);
  const b1 = cycledMomentum(o.lr) ?? o.betas[0];
  const direction = scaleByAdamax({ b1, b2: o.betas[1], eps: o.eps });
  return { ...torchChain({ ...o, fused: fusedAdamax(b1, o.betas[1], o.eps) }, direction), name: describeOptimizer('adamax', options) };
}
