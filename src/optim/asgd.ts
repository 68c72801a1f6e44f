import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { NamedTensors, mapNamed, tensorsIn, zipNamed } from '../named_tensors';
import { OptionValues, flag, nonNegative, positive, readOptions } from '../options';
import { describeOptimizer } from './describe';
import { torchChain } from './torch_chain';
import { GradientTransformation, zerosLike } from './transformation';

/**
 * Averaged SGD (Polyak & Juditsky, 1992), as torch.optim.ASGD (PyTorch 2.x):
 * SGD with a decaying step and an average of the iterates, started after t0 steps.
 *
 *   g ← ∇f(θ) + λwd·θ
 *   ηt = lr / (1 + λ·lr·(t − 1))^α          μt = 1 / max(1, t − 1 − t0)   (μ1 = 1)
 *   θ ← θ·(1 − λ·ηt) − ηt·g
 *   θ̄ ← θ if μt = 1, else θ̄ + μt·(θ − θ̄)   (the averaged iterate, torch's ax)
 */

export interface AsgdState {
  count: number;
  /** The averaged iterate θ̄ (torch's `ax`). */
  ax: NamedTensors;
}

const ASGD = {
  lr: positive(0.01),
  /** λ: the decay of the step size (and a pull of θ toward 0). */
  lambd: nonNegative(1e-4),
  /** α: the power of the step-size decay. */
  alpha: nonNegative(0.75),
  /** The step after which averaging starts. */
  t0: nonNegative(1e6),
  weightDecay: nonNegative(0),
  maximize: flag(false),
};

export type AsgdOptions = Partial<OptionValues<typeof ASGD>>;

/** ASGD's step −ηt·(g + λ·θ) (it sets its own step size), keeping the averaged iterate. */
export function scaleByAsgd(o: Pick<OptionValues<typeof ASGD>, 'lr' | 'lambd' | 'alpha' | 't0'>): GradientTransformation<AsgdState> {
  const stepSize = (t: number) => o.lr / (1 + o.lambd * o.lr * (t - 1)) ** o.alpha;
  return {
    name: 'asgd',
    init: (params) => ({ count: 0, ax: zerosLike(params) }),
    learningRate: (state) => stepSize(state.count + 1),
    update(grads, state, params) {
      if (!params) {
        throw new DownhillError('asgd needs the parameters, but update() was called without them.', 'call update(grads, state, params).');
      }
      const t = state.count + 1;
      const eta = stepSize(t);
      const mu = t === 1 ? 1 : 1 / Math.max(1, t - 1 - o.t0);
      const updates = mapNamed(grads, (g, name) => tf.neg(tf.mul(tf.add(g, tf.mul(params[name], o.lambd)), eta)));
      const next = zipNamed(params, updates, (p, u) => tf.add(p, u));
      const ax = mu === 1 ? next : zipNamed(state.ax, next, (a, p) => tf.add(a, tf.mul(tf.sub(p, a), mu)));
      return { updates, state: { count: t, ax } };
    },
  };
}

/** ASGD with PyTorch's defaults (lr 0.01, lambd 1e-4, alpha 0.75, t0 1e6): torch.optim.ASGD. */
export function asgd(options: AsgdOptions = {}): GradientTransformation {
  const o = readOptions('asgd', options, ASGD);
  return { ...torchChain({ maximize: o.maximize, weightDecay: o.weightDecay }, scaleByAsgd(o)), name: describeOptimizer('asgd', options) };
}

/** The averaged iterate θ̄ inside an asgd optimizer's state (evaluate with it, as with torch's `ax`). */
export function averagedParams(state: unknown): NamedTensors {
  const found = findAsgdState(state);
  if (!found) {
    throw new DownhillError('averagedParams: this state has no averaged iterate.', 'pass the state of an optim.asgd optimizer.');
  }
  return found.ax;
}

function findAsgdState(tree: unknown): AsgdState | undefined {
  if (tree === null || typeof tree !== 'object' || tree instanceof tf.Tensor) return undefined;
  if ('ax' in tree && 'count' in tree && tensorsIn((tree as AsgdState).ax).length > 0) return tree as AsgdState;
  for (const child of Object.values(tree)) {
    const found = findAsgdState(child);
    if (found) return found;
  }
  return undefined;
}
