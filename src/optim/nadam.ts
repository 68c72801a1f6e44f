import * as tf from '@tensorflow/tfjs';
import { NamedTensors, mapNamed } from '../named_tensors';
import { OptionValues, flag, nonNegative, readOptions } from '../options';
import { Hyperparameter, cycledMomentum, learningRate, valueAt } from '../schedules/hyperparameter';
import { describeOptimizer } from './describe';
import { ADAM_FAMILY_MOMENTS, betasOption, biasCorrection, ema, emaOfSquares } from './moments';
import { NADAM_UPDATE } from '../runtime/kernels/adam_update';
import { FusedDirection, torchChain, updateEveryParameter } from './torch_chain';
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

/** The host-side numbers of NAdam's update from its state: the betas, Πt, and the factors of g and m. */
function nadamStepNumbers(b1: Hyperparameter, b2: Hyperparameter, momentumDecay: number) {
  const mu = (beta1: number, t: number) => beta1 * (1 - 0.5 * 0.96 ** (t * momentumDecay));
  return ({ count, muProduct: previous }: { count: number; muProduct: number }) => {
    const beta1 = valueAt(b1, count);
    const beta2 = valueAt(b2, count);
    const muNow = mu(beta1, count + 1);
    const muNext = mu(beta1, count + 2);
    const muProduct = previous * muNow;
    return {
      beta1,
      beta2,
      muProduct,
      correction2: biasCorrection(beta2, count + 1),
      gradFactor: (1 - muNow) / (1 - muProduct),
      momentumFactor: muNext / (1 - muProduct * muNext),
    };
  };
}

/** scaleByNadam's step and the parameter's as one kernel per parameter. */
function fusedNadam(b1: Hyperparameter, b2: Hyperparameter, eps: number, momentumDecay: number): FusedDirection<[NadamState]> {
  const numbers = nadamStepNumbers(b1, b2, momentumDecay);
  return (params, grads, [state], terms) => {
    const { muProduct, ...attributes } = numbers(state);
    const { m, v } = updateEveryParameter(NADAM_UPDATE, params, grads, state, { ...terms, ...attributes, eps });
    return [{ count: state.count + 1, muProduct, m, v }];
  };
}

/** NAdam's direction (everything above but the learning rate). */
export function scaleByNadam(options: Partial<OptionValues<typeof SCALE_BY_NADAM>> = {}): GradientTransformation<NadamState> {
  const { b1, b2, eps, momentumDecay } = readOptions('scaleByNadam', options, SCALE_BY_NADAM);
  const numbers = nadamStepNumbers(b1, b2, momentumDecay);
  return {
    name: 'nadam',
    init: (params) => ({ count: 0, muProduct: 1, m: zerosLike(params), v: zerosLike(params) }),
    update(grads, state) {
      const { beta1, beta2, muProduct, correction2, gradFactor, momentumFactor } = numbers(state);
      const count = state.count + 1;
      const m = ema(state.m, grads, beta1);
      const v = emaOfSquares(state.v, grads, beta2);
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
  const fused = fusedNadam(b1, o.betas[1], o.eps, o.momentumDecay);
  return { ...torchChain({ ...o, fused }, direction), name: describeOptimizer('nadam', options) };
}
