import * as tf from '@tensorflow/tfjs';
import { NamedTensors, mapNamed, zipNamed } from '../named_tensors';
import { OptionValues, flag, nonNegative, readOptions } from '../options';
import { learningRate, refuseCycledMomentum } from '../schedules/hyperparameter';
import { Schedule, asSchedule } from '../schedules/schedule';
import { ADAGRAD_UPDATE } from '../runtime/kernels/adagrad_update';
import { describeOptimizer } from './describe';
import { FusedDirection, torchChain, updateEveryParameter } from './torch_chain';
import { GradientTransformation } from './transformation';

/**
 * Adagrad (Duchi et al., 2011) as torch.optim.Adagrad:
 *
 *   g ← ∇f(θ) + λ·θ
 *   s ← s + g²                     (s starts at initialAccumulatorValue)
 *   θ ← θ − η / (1 + (t − 1)·lrDecay) · g / (sqrt(s) + ε)
 */

const SCALE_BY_ADAGRAD = {
  eps: nonNegative(1e-10),
  initialAccumulatorValue: nonNegative(0),
};

/** Adagrad's direction: g / (sqrt(Σ g²) + ε), the sum running over all updates so far. */
export function scaleByAdagrad(
  options: Partial<OptionValues<typeof SCALE_BY_ADAGRAD>> = {},
): GradientTransformation<{ sum: NamedTensors }> {
  const { eps, initialAccumulatorValue } = readOptions('scaleByAdagrad', options, SCALE_BY_ADAGRAD);
  return {
    name: 'adagrad',
    init: (params) => ({ sum: mapNamed(params, (p) => tf.fill(p.shape, initialAccumulatorValue)) }),
    update(grads, state) {
      const sum = zipNamed(state.sum, grads, (s, g) => tf.add(s, tf.square(g)));
      const updates = mapNamed(grads, (g, name) => tf.div(g, tf.add(tf.sqrt(sum[name]), eps)));
      return { updates, state: { sum } };
    },
  };
}

const ADAGRAD = {
  lr: learningRate(0.01),
  lrDecay: nonNegative(0),
  ...SCALE_BY_ADAGRAD,
  weightDecay: nonNegative(0),
  maximize: flag(false),
};

export type AdagradOptions = Partial<OptionValues<typeof ADAGRAD>>;

/** Adagrad with PyTorch's defaults (lr 0.01, eps 1e-10): torch.optim.Adagrad. */
export function adagrad(options: AdagradOptions = {}): GradientTransformation {
  const o = readOptions('adagrad', options, ADAGRAD);
  refuseCycledMomentum('adagrad', o.lr);
  const base = asSchedule('adagrad', o.lr);
  const lr: Schedule = o.lrDecay > 0 ? (t) => base(t) / (1 + t * o.lrDecay) : base;
  const direction = scaleByAdagrad({ eps: o.eps, initialAccumulatorValue: o.initialAccumulatorValue });
  const fused = fusedAdagrad(o.eps);
  return { ...torchChain({ ...o, lr, fused }, direction), name: describeOptimizer('adagrad', options) };
}

/** scaleByAdagrad's step and the parameter's as one kernel per parameter (the decayed η comes from the host). */
function fusedAdagrad(eps: number): FusedDirection<[{ sum: NamedTensors }]> {
  return (params, grads, [state], terms) => [{ sum: updateEveryParameter(ADAGRAD_UPDATE, params, grads, state, { ...terms, eps }).sum }];
}
