import * as tf from '@tensorflow/tfjs';
import { NamedTensors, zipNamed } from '../named_tensors';
import { OptionValues, flag, inRange, nonNegative, readOptions } from '../options';
import { learningRate, refuseCycledMomentum } from '../schedules/hyperparameter';
import { describeOptimizer } from './describe';
import { emaOfSquares } from './moments';
import { ADADELTA_UPDATE } from '../runtime/kernels/adadelta_update';
import { FusedDirection, torchChain, updateEveryParameter } from './torch_chain';
import { GradientTransformation, zerosLike } from './transformation';

/**
 * Adadelta (Zeiler, 2012): the step is scaled by the ratio of the RMS of past
 * steps to the RMS of past gradients; as torch.optim.Adadelta.
 *
 *   g ← ∇f(θ) + λ·θ
 *   v ← ρ·v + (1 − ρ)·g²
 *   Δ = sqrt(u + ε) / sqrt(v + ε) · g
 *   u ← ρ·u + (1 − ρ)·Δ²
 *   θ ← θ − η·Δ
 */

export interface AdadeltaState {
  /** The running average of squared gradients. */
  v: NamedTensors;
  /** The running average of squared steps. */
  u: NamedTensors;
}

const SCALE_BY_ADADELTA = {
  rho: inRange(0.9, 0, 1, true),
  eps: nonNegative(1e-6),
};

/** Adadelta's direction Δ. */
export function scaleByAdadelta(options: Partial<OptionValues<typeof SCALE_BY_ADADELTA>> = {}): GradientTransformation<AdadeltaState> {
  const { rho, eps } = readOptions('scaleByAdadelta', options, SCALE_BY_ADADELTA);
  return {
    name: 'adadelta',
    init: (params) => ({ v: zerosLike(params), u: zerosLike(params) }),
    update(grads, state) {
      const v = emaOfSquares(state.v, grads, rho);
      const delta = zipNamed(grads, v, (g, vi, name) => tf.mul(tf.div(tf.sqrt(tf.add(state.u[name], eps)), tf.sqrt(tf.add(vi, eps))), g));
      const u = emaOfSquares(state.u, delta, rho);
      return { updates: delta, state: { v, u } };
    },
  };
}

const ADADELTA = {
  lr: learningRate(1),
  ...SCALE_BY_ADADELTA,
  weightDecay: nonNegative(0),
  maximize: flag(false),
};

export type AdadeltaOptions = Partial<OptionValues<typeof ADADELTA>>;

/** Adadelta with PyTorch's defaults (lr 1, rho 0.9, eps 1e-6): torch.optim.Adadelta. */
export function adadelta(options: AdadeltaOptions = {}): GradientTransformation {
  const o = readOptions('adadelta', options, ADADELTA);
  refuseCycledMomentum('adadelta', o.lr);
  const fused: FusedDirection<[AdadeltaState]> = (params, grads, [state], terms) => {
    const { v, u } = updateEveryParameter(ADADELTA_UPDATE, params, grads, state, { ...terms, rho: o.rho, eps: o.eps });
    return [{ v, u }];
  };
  return { ...torchChain({ ...o, fused }, scaleByAdadelta({ rho: o.rho, eps: o.eps })), name: describeOptimizer('adadelta', options) };
}
