import { DownhillError } from '../errors';
import { checkInRange, checkInteger, checkOptions, checkPositive } from '../validate';
import { Schedule, checkLearningRate, checkStep } from './schedule';

export interface OneCycleOptions {
  maxLr: number;
  totalSteps: number;
  /** Fraction of the steps spent increasing the learning rate (default 0.3). */
  pctStart?: number;
  /** Initial lr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** Final lr = initial lr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  anneal?: 'cos' | 'linear';
}

/** The one-cycle policy, with PyTorch's OneCycleLR formulas and defaults (two phases). */
export function oneCycle(options: OneCycleOptions): Schedule {
  const where = 'schedules.oneCycle';
  checkOptions(where, options, ['maxLr', 'totalSteps', 'pctStart', 'divFactor', 'finalDivFactor', 'anneal']);
  const maxLr = checkLearningRate(where, options.maxLr);
  const total = checkInteger(where, 'totalSteps', options.totalSteps, 2);
  const pctStart = checkInRange(where, 'pctStart', options.pctStart ?? 0.3, 0, 1);
  const divFactor = checkPositive(where, 'divFactor', options.divFactor ?? 25, '25');
  const finalDivFactor = checkPositive(where, 'finalDivFactor', options.finalDivFactor ?? 1e4, '1e4');
  const anneal = options.anneal ?? 'cos';
  if (anneal !== 'cos' && anneal !== 'linear') {
    throw new DownhillError(`${where}: anneal must be 'cos' or 'linear', got '${String(anneal)}'.`, `use anneal: 'cos'.`);
  }
  const initial = maxLr / divFactor;
  const min = initial / finalDivFactor;
  const phases = [
    { end: pctStart * total - 1, from: initial, to: maxLr },
    { end: total - 1, from: maxLr, to: min },
  ];
  const interpolate =
    anneal === 'cos'
      ? (a: number, b: number, pct: number) => b + ((a - b) / 2) * (Math.cos(Math.PI * pct) + 1)
      : (a: number, b: number, pct: number) => (b - a) * pct + a;
  return (t) => {
    checkStep(where, t);
    let start = 0;
    for (let i = 0; i < phases.length; i++) {
      const phase = phases[i];
      if (t <= phase.end || i === phases.length - 1) {
        return interpolate(phase.from, phase.to, (t - start) / (phase.end - start));
      }
      start = phase.end;
    }
    return min;
  };
}
