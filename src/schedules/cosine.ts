import { checkInteger, checkNonNegative, checkOptions } from '../validate';
import { Schedule, checkLearningRate, checkStep } from './schedule';
import { integer, nonNegative, readOptions } from '../options';
import { baseLearningRate } from './hyperparameter';

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

/**
 * Cosine annealing from lr to etaMin over t0 steps, then a restart at lr; each
 * period is tMult times the previous one: PyTorch's CosineAnnealingWarmRestarts
 * (SGDR, Loshchilov & Hutter, 2017).
 */
export function cosineWarmRestarts(options: { lr: number; t0: number; tMult?: number; etaMin?: number }): Schedule {
  const where = 'schedules.cosineWarmRestarts';
  const o = readOptions(where, options, { lr: baseLearningRate(), t0: integer(undefined, 1), tMult: integer(1, 1), etaMin: nonNegative(0) });
  return (t) => {
    checkStep(where, t);
    let period = o.t0;
    let sinceRestart = o.tMult === 1 ? t % period : t;
    while (sinceRestart >= period) {
      sinceRestart -= period;
      period *= o.tMult;
    }
    return o.etaMin + ((o.lr - o.etaMin) * (1 + Math.cos((Math.PI * sinceRestart) / period))) / 2;
  };
}
