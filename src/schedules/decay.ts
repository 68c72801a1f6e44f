import { checkInRange, checkInteger, checkNonNegative, checkOptions, checkPositive } from '../validate';
import { finite, inRange, integer, integerList, positive, readOptions } from '../options';
import { baseLearningRate } from './hyperparameter';
import { Schedule, checkLearningRate, checkStep } from './schedule';

/** lr · gamma^floor(step / stepSize): PyTorch's StepLR. */
export function step(options: { lr: number; stepSize: number; gamma?: number }): Schedule {
  checkOptions('schedules.step', options, ['lr', 'stepSize', 'gamma']);
  const lr = checkLearningRate('schedules.step', options.lr);
  const stepSize = checkInteger('schedules.step', 'stepSize', options.stepSize, 1);
  const gamma = checkPositive('schedules.step', 'gamma', options.gamma ?? 0.1, '0.5');
  return (t) => {
    checkStep('schedules.step', t);
    return lr * gamma ** Math.floor(t / stepSize);
  };
}

/** lr · gamma^step: PyTorch's ExponentialLR. */
export function exponential(options: { lr: number; gamma: number }): Schedule {
  checkOptions('schedules.exponential', options, ['lr', 'gamma']);
  const lr = checkLearningRate('schedules.exponential', options.lr);
  const gamma = checkPositive('schedules.exponential', 'gamma', options.gamma, '0.9');
  return (t) => {
    checkStep('schedules.exponential', t);
    return lr * gamma ** t;
  };
}

/** lr / (1 + k·step): the classic inverse-time decay η0/(1+kt). */
export function inverseTime(options: { lr: number; k: number }): Schedule {
  checkOptions('schedules.inverseTime', options, ['lr', 'k']);
  const lr = checkLearningRate('schedules.inverseTime', options.lr);
  const k = checkNonNegative('schedules.inverseTime', 'k', options.k);
  return (t) => {
    checkStep('schedules.inverseTime', t);
    return lr / (1 + k * t);
  };
}

/**
 * A straight line from lr to lr·lrf over totalSteps, then flat at lr·lrf: the
 * YOLO-style "lr0, lrf" schedule, lr0 · ((1 − t/T)(1 − lrf) + lrf).
 */
export function linearDecay(options: { lr: number; lrf: number; totalSteps: number }): Schedule {
  checkOptions('schedules.linearDecay', options, ['lr', 'lrf', 'totalSteps']);
  const lr = checkLearningRate('schedules.linearDecay', options.lr);
  const lrf = checkInRange('schedules.linearDecay', 'lrf', options.lrf, 0, 1, true);
  const total = checkInteger('schedules.linearDecay', 'totalSteps', options.totalSteps, 1);
  return (t) => {
    checkStep('schedules.linearDecay', t);
    const x = Math.min(t, total) / total;
    return lr * ((1 - x) * (1 - lrf) + lrf);
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
