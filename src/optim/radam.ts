import * as tf from '@tensorflow/tfjs';
import { NamedTensors, mapNamed } from '../named_tensors';
import { OptionValues, flag, nonNegative, readOptions } from '../options';
import { RADAM_UPDATE } from '../runtime/kernels/adam_update';
import { Hyperparameter, cycledMomentum, learningRate, valueAt } from '../schedules/hyperparameter';
import { describeOptimizer } from './describe';
import { ADAM_FAMILY_MOMENTS, betasOption, biasCorrection, ema, emaOfSquares } from './moments';
import { FusedDirection, torchChain, updateEveryParameter } from './torch_chain';
import { GradientTransformation, zerosLike } from './transformation';

/**
 * RAdam (Liu et al., 2020): Adam whose adaptive step is switched on only once the
 * variance of v can be trusted, and rectified by rt; as torch.optim.RAdam (PyTorch 2.x).
 *
 *   g ← ∇f(θ) + λ·θ                        (coupled L2; or θ ← θ − η·λ·θ when decoupledWeightDecay)
 *   m ← β1·m + (1 − β1)·g                  v ← β2·v + (1 − β2)·g²
 *   ρ∞ = 2/(1 − β2) − 1                    ρt = ρ∞ − 2t·β2ᵗ/(1 − β2ᵗ)
 *   m̂ = m / (1 − β1ᵗ)
 *   ρt > 5:  rt = sqrt((ρt − 4)(ρt − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρt))
 *            θ ← θ − η · m̂ · rt · sqrt(1 − β2ᵗ) / (sqrt(v) + ε)
 *   else:    θ ← θ − η · m̂                  (plain momentum for the first steps)
 */

export interface RadamState {
  count: number;
  m: NamedTensors;
  v: NamedTensors;
}

const SCALE_BY_RADAM = {
  ...ADAM_FAMILY_MOMENTS,
};

/** The host-side numbers of RAdam's update at `count` (0 = the first): whether ρt > 5, and m's factor then. */
function radamStepNumbers(b1: Hyperparameter, b2: Hyperparameter, count: number) {
  const beta1 = valueAt(b1, count);
  const beta2 = valueAt(b2, count);
  const t = count + 1;
  const correction1 = biasCorrection(beta1, t);
  const correction2 = biasCorrection(beta2, t);
  const rhoInf = 2 / (1 - beta2) - 1;
  const rho = rhoInf - (2 * t * beta2 ** t) / correction2;
  const rect = Math.sqrt(((rho - 4) * (rho - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rho));
  return { beta1, beta2, correction1, rectified: rho > 5 ? 1 : 0, factor: rho > 5 ? (rect * Math.sqrt(correction2)) / correction1 : 0 };
}

/** scaleByRadam's step and the parameter's as one kernel per parameter. */
function fusedRadam(b1: Hyperparameter, b2: Hyperparameter, eps: number): FusedDirection<[RadamState]> {
  return (params, grads, [state], terms) => {
    const { m, v } = updateEveryParameter(RADAM_UPDATE, params, grads, state, { ...terms, ...radamStepNumbers(b1, b2, state.count), eps });
    return [{ count: state.count + 1, m, v }];
  };
}

/** RAdam's direction (everything above but the learning rate). */
export function scaleByRadam(options: Partial<OptionValues<typeof SCALE_BY_RADAM>> = {}): GradientTransformation<RadamState> {
  const { b1, b2, eps } = readOptions('scaleByRadam', options, SCALE_BY_RADAM);
  return {
    name: 'radam',
    init: (params) => ({ count: 0, m: zerosLike(params), v: zerosLike(params) }),
    update(grads, state) {
      const { beta1, beta2, correction1, factor, rectified } = radamStepNumbers(b1, b2, state.count);
      const m = ema(state.m, grads, beta1);
      const v = emaOfSquares(state.v, grads, beta2);
      const updates = rectified
        ? mapNamed(m, (mi, name) => tf.div(tf.mul(mi, factor), tf.add(tf.sqrt(v[name]), eps)))
        : mapNamed(m, (mi) => tf.div(mi, correction1));
      return { updates, state: { count: state.count + 1, m, v } };
    },
  };
}

const RADAM = {
  lr: learningRate(1e-3),
  betas: betasOption([0.9, 0.999]),
  eps: nonNegative(1e-8),
  weightDecay: nonNegative(0),
  /** θ ← θ − η·λ·θ instead of adding λ·θ to the gradient (RAdamW). */
  decoupledWeightDecay: flag(false),
  maximize: flag(false),
};

export type RadamOptions = Partial<OptionValues<typeof RADAM>>;

/** RAdam with PyTorch's defaults (lr 1e-3, betas [0.9, 0.999], eps 1e-8): torch.optim.RAdam. */
export function radam(options: RadamOptions = {}): GradientTransformation {
  const o = readOptions('radam', options, RADAM);
  const b1 = cycledMomentum(o.lr) ?? o.betas[0];
  const direction = scaleByRadam({ b1, b2: o.betas[1], eps: o.eps });
  return { ...torchChain({ ...o, fused: fusedRadam(b1, o.betas[1], o.eps) }, direction), name: describeOptimizer('radam', options) };
}
