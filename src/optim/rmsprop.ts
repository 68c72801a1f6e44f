import * as tf from '@tensorflow/tfjs';
import { NamedTensors, mapNamed } from '../named_tensors';
import { OptionValues, flag, inRange, nonNegative, readOptions } from '../options';
import { RMSPROP_UPDATES } from '../runtime/kernels/rmsprop_update';
import { Hyperparameter, cycledMomentum, learningRate, scheduled, valueAt } from '../schedules/hyperparameter';
import { describeOptimizer } from './describe';
import { FusedDirection, torchChain, updateEveryParameter } from './torch_chain';
import { ema, emaOfSquares } from './moments';
import { TraceState, trace } from './trace';
import { GradientTransformation, zerosLike } from './transformation';

/**
 * RMSprop (Hinton, 2012) as torch.optim.RMSprop:
 *
 *   g ← ∇f(θ) + λ·θ
 *   v ← α·v + (1 − α)·g²          ḡ ← α·ḡ + (1 − α)·g   (centered only)
 *   d ← g / (sqrt(v − ḡ²) + ε)     (v alone when not centered)
 *   b ← μ·b + d                     (with momentum)
 *   θ ← θ − η·b
 */

const SCALE_BY_RMS = {
  alpha: inRange(0.99, 0, 1, true),
  eps: nonNegative(1e-8),
  centered: flag(false),
};

/** RMSprop's direction g / (sqrt(v) + ε); centered subtracts the squared running mean of g inside the root. */
type RmsState = { v: NamedTensors; mean: NamedTensors | null };

export function scaleByRms(options: Partial<OptionValues<typeof SCALE_BY_RMS>> = {}): GradientTransformation<RmsState> {
  const { alpha, eps, centered } = readOptions('scaleByRms', options, SCALE_BY_RMS);
  return {
    name: 'rms',
    init: (params) => ({ v: zerosLike(params), mean: centered ? zerosLike(params) : null }),
    update(grads, state) {
      const v = emaOfSquares(state.v, grads, alpha);
      const mean = state.mean && ema(state.mean, grads, alpha);
      const updates = mapNamed(grads, (g, name) => {
        const variance = mean ? tf.sub(v[name], tf.square(mean[name])) : v[name];
        return tf.div(g, tf.add(tf.sqrt(variance), eps));
      });
      return { updates, state: { v, mean } };
    },
  };
}

const RMSPROP = {
  lr: learningRate(0.01),
  ...SCALE_BY_RMS,
  /** μ: a number or a schedule. */
  momentum: scheduled(inRange(undefined, 0, 1, true), 0),
  weightDecay: nonNegative(0),
  maximize: flag(false),
};

export type RmspropOptions = Partial<OptionValues<typeof RMSPROP>>;

/** RMSprop with PyTorch's defaults (lr 0.01, alpha 0.99, eps 1e-8): torch.optim.RMSprop. */
export function rmsprop(options: RmspropOptions = {}): GradientTransformation {
  const o = readOptions('rmsprop', options, RMSPROP);
  const momentum = cycledMomentum(o.lr) ?? o.momentum;
  const direction: GradientTransformation[] = [scaleByRms({ alpha: o.alpha, eps: o.eps, centered: o.centered })];
  if (momentum !== 0) direction.push(trace({ decay: momentum }));
  const fused = fusedRmsprop(o.alpha, o.eps, momentum);
  return { ...torchChain({ ...o, fused }, ...direction), name: describeOptimizer('rmsprop', options) };
}

/** scaleByRms's step (and trace's, with momentum) and the parameter's as one kernel per parameter. */
function fusedRmsprop(alpha: number, eps: number, momentum: Hyperparameter): FusedDirection<[RmsState, TraceState?]> {
  return (params, grads, [rms, trace], terms) => {
    const kernel = RMSPROP_UPDATES[rms.mean ? 1 : 0][trace ? 1 : 0];
    const attributes = { ...terms, alpha, eps, ...(trace && { momentum: valueAt(momentum, trace.count), first: trace.buf ? 0 : 1 }) };
    // On the first step there is no momentum buffer yet (b ← r): the gradient stands in for it.
    const { v, mean, buf } = updateEveryParameter(kernel, params, grads, { v: rms.v, mean: rms.mean ?? {}, buf: trace?.buf ?? grads }, attributes);
    const next: RmsState = { v, mean: rms.mean && mean };
    return trace ? [next, { count: trace.count + 1, buf }] : [next];
  };
}
