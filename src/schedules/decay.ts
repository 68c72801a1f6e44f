import { finite, inRange, integer, integerList, nonNegative, positive, readOptions } from '../options';
import { baseLearningRate } from './hyperparameter';
import { Schedule, checkStep } from './schedule';

/** lr · gamma^floor(step / stepSize): PyTorch's StepLR. */
export function step(options: { lr: number; stepSize: number; gamma?: number }): Schedule {
  const where = 'schedules.step';
  const o = readOptions(where, options, { lr: baseLearningRate(), stepSize: integer(undefined, 1), gamma: positive(0.1, '0.5') });
  return (t) => {
    checkStep(where, t);
    return o.lr * o.gamma ** Math.floor(t / o.stepSize);
  };
}

/** lr · gamma^step: PyTorch's ExponentialLR. */
export function exponential(options: { lr: number; gamma: number }): Schedule {
  const where = 'schedules.exponential';
  const o = readOptions(where, options, { lr: baseLearningRate(), gamma: positive(undefined, '0.9') });
  return (t) => {
    checkStep(where, t);
    return o.lr * o.gamma ** t;
  };
}

/** lr / (1 + k·step): the classic inverse-time decay η0/(1+kt). */
export function inverseTime(options: { lr: number; k: number }): Schedule {
  const where = 'schedules.inverseTime';
  const o = readOptions(where, options, { lr: baseLearningRate(), k: nonNegative() });
  return (t) => {
    checkStep(where, t);
    return o.lr / (1 + o.k * t);
  };
}

/**
 * A straight line from lr to lr·lrf over totalSteps, then flat at lr·lrf: the
 * YOLO-style "lr0, lrf" schedule, lr0 · ((1 − t/T)(1 − lrf) + lrf).
 */
export function linearDecay(options: { lr: number; lrf: number; totalSteps: number }): Schedule {
  const where = 'schedules.linearDecay';
  const o = readOptions(where, options, { lr: baseLearningRate(), lrf: inRange(undefined, 0, 1, true), totalSteps: integer(undefined, 1) });
  return (t) => {
    checkStep(where, t);
    const x = Math.min(t, o.totalSteps) / o.totalSteps;
    return o.lr * ((1 - x) * (1 - o.lrf) + o.lrf);
  };
}

/**
 * lr · gamma^(number of milestones ≤ step): PyTorch's MultiStepLR (a milestone
 * listed twice counts twice, as there).
 */
export function multiStep(options: { lr: number; milestones: number[]; gamma?: number }): Schedule {
  const where = 'schedules.multiStep';
  const o = readOptions(where, options, { lr: baseLearningRate(), milestones: integerList(undefined, 1), gamma: positive(0.1, '0.5') });
  return (t) => {
    checkStep(where, t);
    return o.lr * o.gamma ** o.milestones.filter((m) => m <= t).length;
  };
}

/** lr · (1 − min(step, totalIters)/totalIters)^power, 0 from totalIters on: PyTorch's PolynomialLR. */
export function polynomial(options: { lr: number; totalIters?: number; power?: number }): Schedule {
  const where = 'schedules.polynomial';
  const o = readOptions(where, options, { lr: baseLearningRate(), totalIters: integer(5, 1), power: finite(1) });
  return (t) => {
    checkStep(where, t);
    return o.lr * (1 - Math.min(t, o.totalIters) / o.totalIters) ** o.power;
  };
}

/** lr · factor for the first totalIters steps, then lr: PyTorch's ConstantLR (defaults 1/3 and 5, as there). */
export function constantFactor(options: { lr: number; factor?: number; totalIters?: number }): Schedule {
  const where = 'schedules.constantFactor';
  const o = readOptions(where, options, { lr: baseLearningRate(), factor: inRange(1 / 3, 0, 1, true), totalIters: integer(5, 0) });
  return (t) => {
    checkStep(where, t);
    return t < o.totalIters ? o.lr * o.factor : o.lr;
  };
}
