import { checkInteger, checkNonNegative, checkOptions } from '../validate';
import { Schedule, checkLearningRate, checkStep } from './schedule';

/** etaMin + (lr − etaMin)(1 + cos(π·step/tMax))/2: PyTorch's CosineAnnealingLR. */
export function cosine(options: { lr: number; tMax: number; etaMin?: number }): Schedule {
  checkOptions('schedules.cosine', options, ['lr', 'tMax', 'etaMin']);
  const lr = checkLearningRate('schedules.cosine', options.lr);
  const tMax = checkInteger('schedules.cosine', 'tMax', options.tMax, 1);
  const etaMin = checkNonNegative('schedules.cosine', 'etaMin', options.etaMin ?? 0);
  return (t) => {
    checkStep('schedules.cosine', t);
    return etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * t) / tMax))) / 2;
  };
}
