import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { NamedTensors, mapNamed, zipNamed } from '../named_tensors';
import { OptionValues, flag, pair, positive, readOptions } from '../options';
import { describeOptimizer } from './describe';
import { scale } from './learning_rate';
import { torchChain } from './torch_chain';
import { GradientTransformation, zerosLike } from './transformation';

/**
 * Rprop (Riedmiller & Braun, 1993): only the sign of the gradient is used, and each
 * parameter has its own step size, grown while the sign holds and shrunk when it
 * flips; as torch.optim.Rprop (full-batch training only).
 *
 *   s = sign(g · gprev)
 *   δ ← clamp(δ · (η+ if s > 0, η− if s < 0, 1 if s = 0), δmin, δmax)   (δ starts at lr)
 *   g ← 0 where s < 0                     (after a flip, wait one step)
 *   θ ← θ − sign(g)·δ                     gprev ← g
 */

export interface RpropState {
  previous: NamedTensors;
  stepSize: NamedTensors;
}

const RPROP = {
  /** The initial step size δ of every parameter (a number: Rprop adapts it itself). */
  lr: positive(0.01),
  /** [η−, η+]: shrink and growth factors, 0 < η− < 1 < η+. */
  etas: pair(positive(), [0.5, 1.2]),
  /** [δmin, δmax]: the bounds of the step sizes. */
  stepSizes: pair(positive(), [1e-6, 50]),
  maximize: flag(false),
};

export type RpropOptions = Partial<OptionValues<typeof RPROP>>;

/** Rprop's signed steps sign(g)·δ (positive: the chain negates them). */
export function scaleByRprop(o: Pick<OptionValues<typeof RPROP>, 'lr' | 'etas' | 'stepSizes'>): GradientTransformation<RpropState> {
  const [etaMinus, etaPlus] = o.etas;
  const [minStep, maxStep] = o.stepSizes;
  return {
    name: 'rprop',
    init: (params) => ({ previous: zerosLike(params), stepSize: mapNamed(params, (p) => tf.fill(p.shape, o.lr)) }),
    update(grads, state) {
      const agreement = zipNamed(grads, state.previous, (g, prev) => tf.sign(tf.mul(g, prev)));
      const factor = mapNamed(agreement, (s) => tf.where(tf.greater(s, 0), tf.fill(s.shape, etaPlus), tf.where(tf.less(s, 0), tf.fill(s.shape, etaMinus), tf.onesLike(s))));
      const stepSize = zipNamed(state.stepSize, factor, (d, f) => tf.clipByValue(tf.mul(d, f), minStep, maxStep));
      const kept = zipNamed(grads, agreement, (g, s) => tf.where(tf.less(s, 0), tf.zerosLike(g), g));
      const updates = zipNamed(kept, stepSize, (g, d) => tf.mul(tf.sign(g), d));
      return { updates, state: { previous: kept, stepSize } };
    },
  };
}

/** Rprop with PyTorch's defaults (lr 0.01, etas [0.5, 1.2], stepSizes [1e-6, 50]): torch.optim.Rprop. */
export function rprop(options: RpropOptions = {}): GradientTransformation {
  const o = readOptions('rprop', options, RPROP);
  const [etaMinus, etaPlus] = o.etas;
  if (!(etaMinus < 1 && etaPlus > 1)) {
    throw new DownhillError(`rprop: 'etas' must satisfy 0 < etas[0] < 1 < etas[1], got [${o.etas.join(', ')}].`, `use etas: [0.5, 1.2].`);
  }
  if (o.stepSizes[0] > o.stepSizes[1]) {
    throw new DownhillError(`rprop: 'stepSizes' must be [min, max] with min <= max, got [${o.stepSizes.join(', ')}].`, `use stepSizes: [1e-6, 50].`);
  }
  return { ...torchChain({ maximize: o.maximize }, scaleByRprop(o), scale(-1)), name: describeOptimizer('rprop', options) };
}
