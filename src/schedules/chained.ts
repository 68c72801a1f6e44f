import { DownhillError } from '../errors';
import { Schedule, checkLearningRate, checkStep } from './schedule';

/**
 * Schedules applied together, their factors multiplied: PyTorch's ChainedScheduler.
 * Each schedule is built with the same base lr; the result is
 * lr · Π (schedule(step) / lr). A warm-up with an exponential decay:
 * `chained(0.1, [linearWarmup({ lr: 0.1, startFactor: 0.2 }), exponential({ lr: 0.1, gamma: 0.95 })])`.
 */
export function chained(lr: number, schedules: Schedule[]): Schedule {
  checkLearningRate('schedules.chained', lr);
  if (!Array.isArray(schedules) || schedules.length === 0 || schedules.some((s) => typeof s !== 'function')) {
    throw new DownhillError('schedules.chained: pass a list of schedules.', 'e.g. chained(0.1, [linearWarmup({ lr: 0.1 }), exponential({ lr: 0.1, gamma: 0.95 })]).');
  }
  return (t) => {
    checkStep('schedules.chained', t);
    return schedules.reduce((value, s) => (value * s(t)) / lr, lr);
  };
}
