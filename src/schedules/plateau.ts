import { DownhillError } from '../errors';
import { integer, nonNegative, oneOf, readOptions } from '../options';
import { checkFiniteNumber } from '../validate';
import { baseLearningRate } from './hyperparameter';
import { Schedule } from './schedule';

export interface ReduceOnPlateauOptions {
  lr: number;
  /** 'min': lower is better (a loss); 'max': higher is better (an accuracy). */
  mode?: 'min' | 'max';
  /** lr ← max(lr·factor, minLr) on a plateau (default 0.1). */
  factor?: number;
  /** Observations without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** The improvement that counts (default 1e-4), relative or absolute by thresholdMode. */
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  /** Observations to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  minLr?: number;
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
  /** For fit: which epoch value `onEpoch` observes (default: valLoss when there is validation data, else loss). */
  monitor?: 'loss' | 'valLoss';
}

/**
 * A learning rate that drops when a metric stops improving: PyTorch's
 * ReduceLROnPlateau. It is a schedule (its value is the current lr, whatever the
 * step) that is told the metric: `observe(value)` once per epoch (or per step), as
 * `scheduler.step(metric)`. Passed to fit among the callbacks it observes each
 * epoch's validation loss (or loss) itself. It keeps state: use one per run.
 *
 *   const lr = dh.schedules.reduceOnPlateau({ lr: 0.1, patience: 3 });
 *   await dh.fit({ ..., optimizer: dh.optim.sgd({ lr }), validation, callbacks: [lr] });
 */
export interface ReduceOnPlateau extends Schedule {
  observe(metric: number): void;
  /** The callback form for fit: observes the epoch's monitored value. */
  onEpoch(epoch: { loss: number; valLoss?: number }): void;
  /** The best value seen so far. */
  readonly best: number;
}

export function reduceOnPlateau(options: ReduceOnPlateauOptions): ReduceOnPlateau {
  const where = 'schedules.reduceOnPlateau';
  const o = readOptions(where, options, {
    lr: baseLearningRate(),
    mode: oneOf('min', ['min', 'max'] as const),
    factor: nonNegative(0.1),
    patience: integer(10, 0),
    threshold: nonNegative(1e-4),
    thresholdMode: oneOf('rel', ['rel', 'abs'] as const),
    cooldown: integer(0, 0),
    minLr: nonNegative(0),
    eps: nonNegative(1e-8),
    monitor: oneOf<'loss' | 'valLoss' | 'auto'>('auto', ['loss', 'valLoss', 'auto']),
  });
  if (o.factor >= 1) {
    throw new DownhillError(`${where}: 'factor' must be below 1, got ${o.factor}.`, `use a factor such as 0.1 or 0.5: the lr is multiplied by it on a plateau.`);
  }
  let lr = o.lr;
  let best = o.mode === 'min' ? Infinity : -Infinity;
  let badObservations = 0;
  let cooldownLeft = 0;
  const improves = (a: number) => {
    const relative = o.thresholdMode === 'rel';
    if (o.mode === 'min') return relative ? a < best * (1 - o.threshold) : a < best - o.threshold;
    return relative ? a > best * (1 + o.threshold) : a > best + o.threshold;
  };
  const schedule = (() => lr) as unknown as ReduceOnPlateau;
  const observe = (metric: number) => {
    const value = checkFiniteNumber(where, 'metric', metric);
    if (improves(value)) {
      best = value;
      badObservations = 0;
    } else badObservations++;
    if (cooldownLeft > 0) {
      cooldownLeft--;
      badObservations = 0;
    }
    if (badObservations > o.patience) {
      const reduced = Math.max(lr * o.factor, o.minLr);
      if (lr - reduced > o.eps) lr = reduced;
      cooldownLeft = o.cooldown;
      badObservations = 0;
    }
  };
  return Object.defineProperties(schedule, {
    observe: { value: observe },
    onEpoch: {
      value: (epoch: { loss: number; valLoss?: number }) => {
        if (o.monitor === 'valLoss' && epoch.valLoss === undefined) {
          throw new DownhillError(`${where}: monitor is 'valLoss' but the run has no validation data.`, `pass validation data to fit, or use monitor: 'loss'.`);
        }
        observe(o.monitor === 'loss' ? epoch.loss : epoch.valLoss ?? epoch.loss);
      },
    },
    best: { get: () => best },
  });
}
