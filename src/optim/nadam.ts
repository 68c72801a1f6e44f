import * as tf from '@tensorflow/tfjs';
import { NamedTensors, mapNamed } from '../named_tensors';
import { OptionValues, flag, nonNegative, readOptions } from '../options';
import { Hyperparameter, cycledMomentum, learningRate, valueAt } from '../schedules/hyperparameter';
import { describeOptimizer } from './describe';
import { ADAM_FAMILY_MOMENTS, betasOption, biasCorrection, ema, emaOfSquares } from './moments';
import { torchChain } from './torch_chain';
import { GradientTransformation, zerosLike } from './transformation';

/**
 * NAdam (Dozat, 2016): Adam with Nesterov momentum, as torch.optim.NAdam (PyTorch 2.x).
 * The momentum coefficient warms up: μt = β1·(1 − ½·0.96^(t·ψ)), ψ = momentumDecay.
 *
 *   g ← ∇f(θ) + λ·θ                        (coupled L2; or θ ← θ − η·λ·θ when decoupledWeightDecay)
 *   m ← β1·m + (1 − β1)·g                  v ← β2·v + (1 − β2)·g²
 *   Πt = μ1·…·μt                            d = sqrt(v / (1 − β2ᵗ)) + ε
 *   θ ← θ − η·(1 − μt)/(1 − Πt) · g/d − η·μt+1/(1 − Πt·μt+1) · m/d
 */

export interface NadamState {
  count: number;
  /** Πt, the product of the momentum coefficients so far. */
  muProduct: number;
  m: NamedTensors;
  v: NamedTensors;
}

const SCALE_BY_NADAM = {
  ...ADAM_FAMILY_MOMENTS,
  momentumDecay: nonNegative(4e-3),
};

/** NAdam's direction (everything above but the learning rate). */
export function scaleByNadam(options: Partial<OptionValues<typeof SCALE_BY_NADAM>> = {}): GradientTransformation<NadamState> {
  const { b1, b2, eps, momentumDecay } = readOptions('scaleByNadam', options, SCALE_BY_NADAM);
  const mu = (beta1: number, t: number) => beta1 * (1 - 0.5 * 0.96 ** (t * momentumDecay));
  return {
    name: 'nadam',
    init: (params) => ({ count: 0, muProduct: 1, m: zerosLike(params), v: zerosLike(params) }),
    update(grads, state) {
      const beta1 = valueAt(b1, state.count);
      const count = state.count + 1;
      const muNow = mu(beta1, count);
      const muNext = mu(beta1, count + 1);
      const muProduct = state.muProduct * muNow;
      const m = ema(state.m, grads, beta1);
      const v = emaOfSquares(state.v, grads, valueAt(b2, state.count));
      const correction2 = biasCorrection(valueAt(b2, state.count), count);
      const gradFactor = (1 - muNow) / (1 - muProduct);
      const momentumFactor = muNext / (1 - muProduct * muNext);
      const updates = mapNamed(grads, (g, name) => {
        const denominator = tf.add(tf.sqrt(tf.div(v[name], correction2)), eps);
        return tf.div(tf.add(tf.mul(g, gradFactor), tf.mul(m[name], momentumFactor)), denominator);
      });
      return { updates, state: { count, muProduct, m, v } };
    },
  };
}

const NADAM = {
  lr: learningRate(2e-3),
  betas: betasOption([0.9, 0.999]),
  eps: nonNegative(1e-8),
  weightDecay: nonNegative(0),
  /** ψ: how fast the momentum coefficient warms up. */
  momentumDecay: nonNegative(4e-3),
  /** θ ← θ − η·λ·θ instead of adding λ·θ to the gradient (NAdamW). */
  decoupledWeightDecay: flag(false),
  maximize: flag(false),
};

export type NadamOptions = Partial<OptionValues<typeof NADAM>>;

/** NAdam with PyTorch's defaults (lr 2e-3, betas [0.9, 0.999], eps 1e-8, momentumDecay 4e-3): torch.optim.NAdam. */
export function nadam(options: NadamOptions = {}): GradientTransformation {
  const o = readOptions('nadam', options, NADAM);
  const b1: Hyperparameter = cycledMomentum(o.lr) ?? o.betas[0];
  const direction = scaleByNadam({ b1, b2: o.betas[1], eps: o.eps, momentumDecay: o.momentumDecay });
  return { ...torchChain(o, direction), name: describeOptimizer('nadam', options) };
}
