import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { NamedTensors, mapNamed, tensorsIn, zipNamed } from '../named_tensors';
import { OptionValues, flag, integer, nonNegative, positive, readOptions, unitInterval } from '../options';
import { describeOptimizer } from './describe';
import { betasOption, biasCorrection, emaOfSquares } from './moments';
import { GradientTransformation, zerosLike } from './transformation';

/**
 * Schedule-free SGD and AdamW (Defazio, Yang, Mehta, Mishchenko, Khaled, Cutkosky:
 * "The Road Less Scheduled", 2024), with the formulas of the authors' reference
 * implementation (facebookresearch/schedule_free: SGDScheduleFree, AdamWScheduleFree).
 * No learning-rate schedule is needed: momentum is replaced by an interpolation
 * between a plain SGD/Adam sequence z and its running average x.
 *
 *   y ← (1 − β)·z + β·x                     the point where the gradient is taken (the parameters)
 *   d ← g                                    (sgd)
 *   d ← g / (sqrt(v) + ε), v ← β2·v + (1 − β2)·g²     (adamw; the step η·sqrt(1 − β2ᵗ) corrects v's bias)
 *   d ← d + λ·y                              (weight decay, taken at y)
 *   z ← z − η·d                              the base sequence
 *   x ← (1 − c)·x + c·z                      the average, c = wₜ / Σ wᵢ, wₜ = tʳ · (max η so far)^p
 *
 *   η = lr · min(1, t / warmupSteps)   (linear warm-up, the only schedule)
 *
 * Training steps the parameters as y. Evaluate at x (the paper's `optimizer.eval()`):
 * `scheduleFreeEvalParams(state)` gives it, e.g. `scheduleFreeEvalParams(opt.state)`.
 */

export interface ScheduleFreeState {
  /** Updates made so far. */
  count: number;
  /** The base sequence z. */
  z: NamedTensors;
  /** The averaged sequence x: the parameters to evaluate. */
  x: NamedTensors;
  /** AdamW only: the moving average of squared gradients. */
  v: NamedTensors | null;
  /** The largest step size so far, and the sum of the averaging weights. */
  lrMax: number;
  weightSum: number;
}

interface ScheduleFreeTerms {
  lr: number;
  /** β: how far y sits toward x (SGD's momentum, AdamW's β1). */
  beta: number;
  /** AdamW's β2 and ε; absent for SGD. */
  adaptive?: { b2: number; eps: number };
  weightDecay: number;
  warmupSteps: number;
  r: number;
  weightLrPower: number;
}

/** The schedule-free update as a gradient transformation (its updates are y_next − y). */
export function scaleByScheduleFree(o: ScheduleFreeTerms, name: string): GradientTransformation<ScheduleFreeState> {
  const stepSize = (t: number) => {
    const warmup = o.warmupSteps > 0 && t < o.warmupSteps ? t / o.warmupSteps : 1;
    const correction = o.adaptive ? Math.sqrt(biasCorrection(o.adaptive.b2, t)) : 1;
    return o.lr * warmup * correction;
  };
  return {
    name,
    init: (params) => ({
      count: 0,
      z: mapNamed(params, (p) => tf.clone(p)),
      x: mapNamed(params, (p) => tf.clone(p)),
      v: o.adaptive ? zerosLike(params) : null,
      lrMax: 0,
      weightSum: 0,
    }),
    learningRate: (state) => stepSize(state.count + 1),
    update(grads, state, y) {
      if (!y) {
        throw new DownhillError(`${name} needs the parameters, but update() was called without them.`, 'call update(grads, state, params).');
      }
      const t = state.count + 1;
      const lr = stepSize(t);
      const lrMax = Math.max(lr, state.lrMax);
      const weight = t ** o.r * lrMax ** o.weightLrPower;
      const weightSum = state.weightSum + weight;
      const c = weightSum === 0 ? 0 : weight / weightSum;

      const v = o.adaptive ? emaOfSquares(state.v!, grads, o.adaptive.b2) : null;
      const eps = o.adaptive?.eps ?? 0;
      const direction = mapNamed(grads, (g, n) => {
        const d = v ? tf.div(g, tf.add(tf.sqrt(v[n]), eps)) : g;
        return o.weightDecay ? tf.add(d, tf.mul(y[n], o.weightDecay)) : d;
      });
      const z = zipNamed(state.z, direction, (zi, d) => tf.sub(zi, tf.mul(d, lr)));
      const x = zipNamed(state.x, z, (xi, zi) => tf.add(tf.mul(xi, 1 - c), tf.mul(zi, c)));
      const updates = mapNamed(y, (yi, n) => tf.sub(tf.add(tf.mul(z[n], 1 - o.beta), tf.mul(x[n], o.beta)), yi));
      return { updates, state: { count: t, z, x, v, lrMax, weightSum } };
    },
  };
}

const SCHEDULE_FREE_COMMON = {
  weightDecay: nonNegative(0),
  /** Steps of linear learning-rate warm-up. */
  warmupSteps: integer(0),
  /** The averaging weight grows as tʳ (0: uniform, as in the paper's main results). */
  r: nonNegative(0),
  /** The averaging weight grows as (max lr so far)^p (2: steps made before warm-up ends count less). */
  weightLrPower: nonNegative(2),
  maximize: flag(false),
};

const SCHEDULE_FREE_SGD = { lr: positive(1.0), momentum: unitInterval(0.9), ...SCHEDULE_FREE_COMMON };
const SCHEDULE_FREE_ADAMW = { lr: positive(0.0025), betas: betasOption([0.9, 0.999]), eps: nonNegative(1e-8), ...SCHEDULE_FREE_COMMON };

export type ScheduleFreeSgdOptions = Partial<OptionValues<typeof SCHEDULE_FREE_SGD>>;
export type ScheduleFreeAdamwOptions = Partial<OptionValues<typeof SCHEDULE_FREE_ADAMW>>;

/** Schedule-free SGD with the reference's defaults (lr 1.0, momentum 0.9): schedulefree.SGDScheduleFree. */
export function scheduleFreeSgd(options: ScheduleFreeSgdOptions = {}): GradientTransformation {
  const o = readOptions('scheduleFreeSgd', options, SCHEDULE_FREE_SGD);
  return withMaximize(o.maximize, scaleByScheduleFree({ ...o, beta: o.momentum }, describeOptimizer('scheduleFreeSgd', options)));
}

/** Schedule-free AdamW with the reference's defaults (lr 0.0025, betas [0.9, 0.999], eps 1e-8): schedulefree.AdamWScheduleFree. */
export function scheduleFreeAdamw(options: ScheduleFreeAdamwOptions = {}): GradientTransformation {
  const o = readOptions('scheduleFreeAdamw', options, SCHEDULE_FREE_ADAMW);
  const [b1, b2] = o.betas;
  if (typeof b1 !== 'number' || typeof b2 !== 'number') {
    throw new DownhillError('scheduleFreeAdamw: betas must be numbers (schedule-free needs no schedule).', 'pass betas: [0.9, 0.999].');
  }
  const terms = { ...o, beta: b1, adaptive: { b2, eps: o.eps } };
  return withMaximize(o.maximize, scaleByScheduleFree(terms, describeOptimizer('scheduleFreeAdamw', options)));
}

function withMaximize(maximize: boolean, t: GradientTransformation<ScheduleFreeState>): GradientTransformation<ScheduleFreeState> {
  if (!maximize) return t;
  return { ...t, update: (grads, state, params) => t.update(mapNamed(grads, (g) => tf.neg(g)), state, params) };
}

/**
 * The parameters to evaluate a schedule-free run at: the average x (the paper's
 * `optimizer.eval()`), from the state of an optimizer (e.g. `opt.state`) or a checkpoint.
 * The tensors belong to the state: read them, do not dispose them.
 */
export function scheduleFreeEvalParams(state: unknown): NamedTensors {
  const found = findScheduleFreeState(state);
  if (!found) {
    throw new DownhillError('scheduleFreeEvalParams: this state has no schedule-free average x.', 'pass the state of an optim.scheduleFreeSgd or optim.scheduleFreeAdamw optimizer.');
  }
  return found.x;
}

function findScheduleFreeState(tree: unknown): ScheduleFreeState | undefined {
  if (tree === null || typeof tree !== 'object' || tree instanceof tf.Tensor) return undefined;
  if ('z' in tree && 'x' in tree && 'weightSum' in tree && tensorsIn((tree as ScheduleFreeState).x).length > 0) return tree as ScheduleFreeState;
  for (const child of Object.values(tree)) {
    const found = findScheduleFreeState(child);
    if (found) return found;
  }
  return undefined;
}
