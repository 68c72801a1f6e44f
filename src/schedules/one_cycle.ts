import { DownhillError } from '../errors';
import { flag, inRange, integer, oneOf, positive, readOptions, unitInterval } from '../options';
import { MomentumCycle, baseLearningRate, withMomentum } from './hyperparameter';
import { Schedule, checkStep } from './schedule';

export interface OneCycleOptions {
  maxLr: number;
  totalSteps: number;
  /** Fraction of the steps spent increasing the learning rate (default 0.3). */
  pctStart?: number;
  /** Initial lr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** Final lr = initial lr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** How the phases interpolate (torch's anneal_strategy): 'cos' (default) or 'linear'. */
  anneal?: 'cos' | 'linear';
  /** Three phases: up to maxLr, back down to the initial lr, then down to the final lr (fast.ai's original). */
  threePhase?: boolean;
  /** Cycle momentum (or beta1) inversely to the learning rate, maxMomentum → baseMomentum → maxMomentum (default true). */
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
}

interface Phase {
  end: number;
  lr: [number, number];
  momentum: [number, number];
}

/**
 * The one-cycle policy (Smith & Topin, 2018), with PyTorch's OneCycleLR formulas and
 * defaults. With cycleMomentum (the default, as in PyTorch) the schedule also carries
 * `momentum`, which the optimizer uses for its momentum (SGD, RMSprop) or beta1 (the
 * Adam family). Stepping past totalSteps is an error, as in PyTorch.
 */
export function oneCycle(options: OneCycleOptions): Schedule | MomentumCycle {
  const where = 'schedules.oneCycle';
  const o = readOptions(where, options, {
    maxLr: baseLearningRate(),
    totalSteps: integer(undefined, 2),
    pctStart: inRange(0.3, 0, 1),
    divFactor: positive(25, '25'),
    finalDivFactor: positive(1e4, '1e4'),
    anneal: oneOf('cos', ['cos', 'linear'] as const),
    threePhase: flag(false),
    cycleMomentum: flag(true),
    baseMomentum: unitInterval(0.85),
    maxMomentum: unitInterval(0.95),
  });
  const total = o.totalSteps;
  const initial = o.maxLr / o.divFactor;
  const min = initial / o.finalDivFactor;
  const [low, high] = [o.baseMomentum, o.maxMomentum];
  const phases: Phase[] = o.threePhase
    ? [
        { end: o.pctStart * total - 1, lr: [initial, o.maxLr], momentum: [high, low] },
        { end: 2 * o.pctStart * total - 2, lr: [o.maxLr, initial], momentum: [low, high] },
        { end: total - 1, lr: [initial, min], momentum: [high, high] },
      ]
    : [
        { end: o.pctStart * total - 1, lr: [initial, o.maxLr], momentum: [high, low] },
        { end: total - 1, lr: [o.maxLr, min], momentum: [low, high] },
      ];
  const interpolate =
    o.anneal === 'cos'
      ? ([a, b]: [number, number], pct: number) => b + ((a - b) / 2) * (Math.cos(Math.PI * pct) + 1)
      : ([a, b]: [number, number], pct: number) => (b - a) * pct + a;
  const at = (t: number, pick: (phase: Phase) => [number, number]) => {
    checkStep(where, t);
    if (t > total) {
      throw new DownhillError(
        `${where}: step ${t} is past totalSteps (${total}); the cycle is over (PyTorch raises here too).`,
        `set totalSteps to the number of updates of the run (epochs × batches per epoch).`,
      );
    }
    let start = 0;
    for (let i = 0; i < phases.length; i++) {
      const phase = phases[i];
      if (t <= phase.end || i === phases.length - 1) return interpolate(pick(phase), (t - start) / (phase.end - start));
      start = phase.end;
    }
    return min;
  };
  const lr: Schedule = (t) => at(t, (p) => p.lr);
  return withMomentum(lr, o.cycleMomentum ? (t) => at(t, (p) => p.momentum) : undefined);
}
