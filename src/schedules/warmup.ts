import { inRange, integer, readOptions } from '../options';
import { baseLearningRate } from './hyperparameter';
import { Schedule, checkStep } from './schedule';

/**
 * Scales lr linearly from startFactor·lr to endFactor·lr over totalIters steps,
 * then holds: PyTorch's LinearLR (defaults 1/3, 1 and 5, as there).
 */
export function linearWarmup(options: { lr: number; startFactor?: number; endFactor?: number; totalIters?: number }): Schedule {
  const where = 'schedules.linearWarmup';
  const o = readOptions(where, options, {
    lr: baseLearningRate(),
    startFactor: inRange(1 / 3, Number.MIN_VALUE, 1, true),
    endFactor: inRange(1, 0, 1, true),
    totalIters: integer(5, 1),
  });
  return (t) => {
    checkStep(where, t);
    return o.lr * (o.startFactor + ((o.endFactor - o.startFactor) * Math.min(t, o.totalIters)) / o.totalIters);
  };
}
