import { flag, integer, oneOf, positive, readOptions, unitInterval } from '../options';
import { MomentumCycle, baseLearningRate, withMomentum } from './hyperparameter';
import { Schedule, checkStep } from './schedule';

export interface CyclicOptions {
  baseLr: number;
  maxLr: number;
  /** Steps from baseLr up to maxLr (default 2000). */
  stepSizeUp?: number;
  /** Steps back down (default: stepSizeUp). */
  stepSizeDown?: number;
  /** 'triangular': constant amplitude; 'triangular2': halved every cycle; 'expRange': times gamma^step. */
  mode?: 'triangular' | 'triangular2' | 'expRange';
  gamma?: number;
  /** Cycle momentum (or beta1) inversely, from maxMomentum to baseMomentum while lr rises (default true). */
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
}

/**
 * The cyclical learning rate of Smith (2017), with PyTorch's CyclicLR formulas:
 * with c the cycle, x the position in it, and h = (maxLr − baseLr)·(the triangle's
 * height at x), lr = baseLr + h·scale, scale = 1, 1/2^(c−1) or gamma^step by mode.
 * With cycleMomentum (the default, as in PyTorch) the schedule also carries
 * `momentum`, which the optimizer uses for its momentum or beta1.
 */
export function cyclic(options: CyclicOptions): Schedule | MomentumCycle {
  const where = 'schedules.cyclic';
  const o = readOptions(where, options, {
    baseLr: baseLearningRate(),
    maxLr: baseLearningRate(),
    stepSizeUp: integer(2000, 1),
    stepSizeDown: integer(0, 0),
    mode: oneOf('triangular', ['triangular', 'triangular2', 'expRange'] as const),
    gamma: positive(1, '0.99'),
    cycleMomentum: flag(true),
    baseMomentum: unitInterval(0.8),
    maxMomentum: unitInterval(0.9),
  });
  const total = o.stepSizeUp + (o.stepSizeDown || o.stepSizeUp);
  const upRatio = o.stepSizeUp / total;
  const shape = (t: number) => {
    checkStep(where, t);
    const cycle = Math.floor(1 + t / total);
    const x = 1 + t / total - cycle;
    const height = x <= upRatio ? x / upRatio : (x - 1) / (upRatio - 1);
    const scale = o.mode === 'triangular' ? 1 : o.mode === 'triangular2' ? 1 / 2 ** (cycle - 1) : o.gamma ** t;
    return height * scale;
  };
  const lr: Schedule = (t) => o.baseLr + (o.maxLr - o.baseLr) * shape(t);
  const momentum: Schedule = (t) => o.maxMomentum - (o.maxMomentum - o.baseMomentum) * shape(t);
  return withMomentum(lr, o.cycleMomentum ? momentum : undefined);
}
