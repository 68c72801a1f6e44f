import * as tf from '@tensorflow/tfjs';
import { NamedTensors, mapNamed, zipNamed } from '../named_tensors';
import { OptionValues, flag, nonNegative, readOptions } from '../options';
import { AMSGRAD_UPDATE, ADAM_UPDATE } from '../runtime/kernels/adam_update';
import { Hyperparameter, cycledMomentum, learningRate, valueAt } from '../schedules/hyperparameter';
import { describeOptimizer } from './describe';
import { FusedDirection, torchChain, updateEveryParameter } from './torch_chain';
import { ADAM_FAMILY_MOMENTS, betasOption, biasCorrection, ema, emaOfSquares } from './moments';
import { GradientTransformation, zerosLike } from './transformation';

/**
 * Adam (Kingma & Ba, 2015) as torch.optim.Adam / AdamW (PyTorch 2.x):
 *
 *   g ← ∇f(θ) + λ·θ                        (adam: coupled L2)
 *   m ← β1·m + (1 − β1)·g                  v ← β2·v + (1 − β2)·g²
 *   v̂max ← max(v̂max, v)                    (amsgrad: the largest v so far is used below)
 *   θ ← θ − η·λ·θ                           (adamw, or adam with decoupledWeightDecay)
 *   θ ← θ − η · (m / (1 − β1ᵗ)) / (sqrt(v) / sqrt(1 − β2ᵗ) + ε)
 */

export interface AdamState {
  count: number;
  m: NamedTensors;
  v: NamedTensors;
  /** AMSGrad only: the element-wise maximum of v so far. */
  vMax: NamedTensors | null;
}

const SCALE_BY_ADAM = {
  ...ADAM_FAMILY_MOMENTS,
  amsgrad: flag(false),
};

/** The host-side numbers of Adam's update at `count` (0 = the first): the betas and the bias corrections. */
function adamStepNumbers(b1: Hyperparameter, b2: Hyperparameter, count: number) {
  const beta1 = valueAt(b1, count);
  const beta2 = valueAt(b2, count);
  return { beta1, beta2, correction1: biasCorrection(beta1, count + 1), sqrtCorrection2: Math.sqrt(biasCorrection(beta2, count + 1)) };
}

/**
 * Adam's direction: m̂ / (sqrt(v̂) + ε) with bias-corrected first and second
 * moments, ε outside the square root (PyTorch's formula). b1 and b2 may be schedules.
 */
export function scaleByAdam(options: Partial<OptionValues<typeof SCALE_BY_ADAM>> = {}): GradientTransformation<AdamState> {
  const { b1, b2, eps, amsgrad } = readOptions('scaleByAdam', options, SCALE_BY_ADAM);
  return {
    name: amsgrad ? 'amsgrad' : 'adam',
    init: (params) => ({ count: 0, m: zerosLike(params), v: zerosLike(params), vMax: amsgrad ? zerosLike(params) : null }),
    update(grads, state) {
      const { beta1, beta2, correction1, sqrtCorrection2 } = adamStepNumbers(b1, b2, state.count);
      const count = state.count + 1;
      const m = ema(state.m, grads, beta1);
      const v = emaOfSquares(state.v, grads, beta2);
      const vMax = state.vMax && zipNamed(state.vMax, v, (a, b) => tf.maximum(a, b));
      const second = vMax ?? v;
      const updates = mapNamed(m, (mi, name) =>
        tf.div(tf.div(mi, correction1), tf.add(tf.div(tf.sqrt(second[name]), sqrtCorrection2), eps)),
      );
      return { updates, state: { count, m, v, vMax } };
    },
  };
}

/** scaleByAdam's step as one kernel per parameter (src/runtime/kernels/adam_update.ts): parameter, m, v (and vMax) at once. */
function fusedAdam(b1: Hyperparameter, b2: Hyperparameter, eps: number): FusedDirection<[AdamState]> {
  return (params, grads, [state], terms) => {
    const numbers = adamStepNumbers(b1, b2, state.count);
    const kernel = state.vMax ? AMSGRAD_UPDATE : ADAM_UPDATE;
    const { m, v, vMax } = updateEveryParameter(kernel, params, grads, { m: state.m, v: state.v, vMax: state.vMax ?? {} }, { ...terms, ...numbers, eps });
    return [{ count: state.count + 1, m, v, vMax: state.vMax && vMax }];
  };
}

function adamDeclaration(weightDecay: number) {
  return {
    lr: learningRate(1e-3),
    /** [β1, β2]: each a number in [0, 1) or a schedule. */
    betas: betasOption([0.9, 0.999]),
    eps: nonNegative(1e-8),
    /** adam: L2 penalty added to the gradient (coupled) unless decoupledWeightDecay. adamw: decoupled decay. */
    weightDecay: nonNegative(weightDecay),
    /** Use the maximum of all second moments so far (Reddi et al., 2018). */
    amsgrad: flag(false),
    maximize: flag(false),
  };
}

const ADAM = { ...adamDeclaration(0), decoupledWeightDecay: flag(false) };
const ADAMW = adamDeclaration(1e-2);

export type AdamOptions = Partial<OptionValues<typeof ADAM>>;
export type AdamwOptions = Partial<OptionValues<typeof ADAMW>>;

function adamChain(o: OptionValues<typeof ADAMW>, decoupledWeightDecay: boolean): GradientTransformation {
  const b1 = cycledMomentum(o.lr) ?? o.betas[0];
  const fused = fusedAdam(b1, o.betas[1], o.eps);
  return torchChain({ ...o, decoupledWeightDecay, fused }, scaleByAdam({ b1, b2: o.betas[1], eps: o.eps, amsgrad: o.amsgrad }));
}

/** Adam with PyTorch's defaults (lr 1e-3, betas [0.9, 0.999], eps 1e-8); weightDecay is coupled L2 unless decoupledWeightDecay. */
export function adam(options: AdamOptions = {}): GradientTransformation {
  const o = readOptions('adam', options, ADAM);
  return { ...adamChain(o, o.decoupledWeightDecay), name: describeOptimizer('adam', options) };
}

/** AdamW: Adam with decoupled weight decay (default 0.01), as torch.optim.AdamW. */
export function adamw(options: AdamwOptions = {}): GradientTransformation {
  const o = readOptions('adamw', options, ADAMW);
  return { ...adamChain(o, true), name: describeOptimizer('adamw', options) };
}
