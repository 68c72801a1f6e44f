import { checkInRange, checkInteger, checkOptions } from '../validate';
import { Schedule, checkLearningRate, checkStep } from './schedule';

/**
 * Scales lr linearly from startFactor·lr to endFactor·lr over totalIters steps,
 * then holds: PyTorch's LinearLR (defaults 1/3, 1 and 5, as there).
 */
export function linearWarmup(options: {
  lr: number;
  startFactor?: number;
  endFactor?: number;
  totalIters?: number;
}): Schedule {
  checkOptions('schedules.linearWarmup', options, ['lr', 'startFactor', 'endFactor', 'totalIters']);
  const lr = checkLearningRate('schedules.linearWarmup', options.lr);
  const start = checkInRange('schedules.linearWarmup', 'startFactor', options.startFactor ?? 1 / 3, Number.MIN_VALUE, 1, true);
  const end = checkInRange('schedules.linearWarmup', 'endFactor', options.endFactor ?? 1, 0, 1, true);
  const total = checkInteger('schedules.linearWarmup', 'totalIters', options.totalIters ?? 5, 1);
  return (t) => {
    checkStep('schedules.linearWarmup', t);
    return lr * (start + ((end - start) * Math.min(t, total)) / total);
  };
}
