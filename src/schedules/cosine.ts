import { integer, nonNegative, readOptions } from '../options';
import { baseLearningRate } from './hyperparameter';
import { Schedule, checkStep } from './schedule';

/** etaMin + (lr − etaMin)(1 + cos(π·step/tMax))/2: PyTorch's CosineAnnealingLR. */
export function cosine(options: { lr: number; tMax: number; etaMin?: number }): Schedule {
  const where = 'schedules.cosine';
  const o = readOptions(where, options, { lr: baseLearningRate(), tMax: integer(undefined, 1), etaMin: nonNegative(0) });
  return (t) => {
    checkStep(where, t);
    return o.etaMin + ((o.lr - o.etaMin) * (1 + Math.cos((Math.PI * t) / o.tMax))) / 2;
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
