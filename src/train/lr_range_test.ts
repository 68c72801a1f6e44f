import * as tf from '@tensorflow/tfjs';
import { DataInput, dataset } from '../data/dataset';
import { epochOrder, resolveBatchSize } from '../data/batches';
import { batchSource } from '../data/device_batches';
import { DownhillError } from '../errors';
import { LossFn } from '../losses/loss';
import { Model } from '../models/model';
import { disposeAll } from '../named_tensors';
import { GradientTransformation } from '../optim/transformation';
import { Schedule } from '../schedules/schedule';
import { ensure } from '../runtime/runtime';
import { checkInRange, checkInteger, checkOptions, checkPositive } from '../validate';
import { centredAverage } from './centred_average';
import { History } from './history';
import { runLoop } from './loop';
import { LrSuggestions, lrSuggestions } from './lr_suggestions';

export interface LrRangeTestOptions {
  model: Model;
  loss: LossFn;
  data: DataInput;
  /** Builds the optimizer from a learning-rate schedule, e.g. `(lr) => optim.sgd({ lr, momentum: 0.9 })`. */
  optimizer: (lr: Schedule) => GradientTransformation;
  minLr?: number;
  maxLr?: number;
  steps?: number;
  batchSize?: number | 'full';
  seed?: number;
  /** Exponential smoothing of the recorded loss (default 0.98). */
  smoothing?: number;
  /** Stop once the smoothed loss exceeds this multiple of its minimum (default 4). */
  stopFactor?: number;
  /** Half-width, in steps, of the centred moving average drawn and used for the suggestion (default steps / 20, at least 1). */
  window?: number;
}

export interface LrRangeTestResult {
  lrs: number[];
  losses: number[];
  /**
   * The bias-corrected exponential moving average of the loss (what decides when to stop, and
   * what fast.ai's suggestions read). It lags: its value at a step averages the last ~1/(1 − β) steps.
   */
  smoothed: number[];
  /** The loss averaged over a window centred on each step, recomputed after the run: no lag. */
  centred: number[];
  /** The learning rate where the centred average falls fastest: a good starting point. */
  suggestion: number;
  /** The learning rate at the lowest centred average (usually too large to train with). */
  minLossLr: number;
  /** fast.ai's suggestions on the smoothed loss: valley (its default), slide, minimum, steep. */
  suggestions: LrSuggestions;
  history: History;
}

/**
 * The learning-rate range test: train for a few steps while the learning rate grows
 * exponentially from minLr to maxLr, record the loss, and suggest the learning rate
 * where it falls fastest. The model's parameters are put back afterwards.
 */
export async function lrRangeTest(options: LrRangeTestOptions): Promise<LrRangeTestResult> {
  const where = 'lrRangeTest';
  checkOptions(where, options, ['model', 'loss', 'data', 'optimizer', 'minLr', 'maxLr', 'steps', 'batchSize', 'seed', 'smoothing', 'stopFactor', 'window']);
  if (typeof options.optimizer !== 'function') {
    throw new DownhillError(`${where}: 'optimizer' must be a function from a learning rate to an optimizer.`, 'pass e.g. optimizer: (lr) => optim.sgd({ lr }).');
  }
  const minLr = checkPositive(where, 'minLr', options.minLr ?? 1e-7, '1e-7');
  const maxLr = checkPositive(where, 'maxLr', options.maxLr ?? 10, '10');
  if (maxLr <= minLr) throw new DownhillError(`${where}: maxLr (${maxLr}) must be larger than minLr (${minLr}).`, 'e.g. minLr: 1e-6, maxLr: 1.');
  const steps = checkInteger(where, 'steps', options.steps ?? 100, 5);
  const beta = checkInRange(where, 'smoothing', options.smoothing ?? 0.98, 0, 1);
  const stopFactor = checkPositive(where, 'stopFactor', options.stopFactor ?? 4, '4');
  const window = checkInteger(where, 'window', options.window ?? Math.max(1, Math.round(steps / 20)), 0);
  await ensure();

  const data = dataset(options.data, `${where}: data`);
  const batchSize = resolveBatchSize(data, options.batchSize, where);
  const perEpoch = Math.ceil(data.size / batchSize);
  const schedule: Schedule = (t) => minLr * (maxLr / minLr) ** (Math.min(t, steps - 1) / (steps - 1));
  const { model, loss } = options;
  const saved = Object.fromEntries(Object.entries(model.params).map(([k, v]) => [k, tf.clone(v)]));

  const lrs: number[] = [];
  const losses: number[] = [];
  const smoothed: number[] = [];
  let average = 0;
  let best = Infinity;
  let history: History;
  const source = batchSource(data, batchSize);
  try {
    history = await runLoop({
      where,
      label: 'lr range test',
      params: model.params,
      optimizer: options.optimizer(schedule),
      epochs: Math.ceil(steps / perEpoch),
      recordParams: false,
      recordGradNorm: false,
      onDivergence: 'stop',
      divergenceFactor: Infinity,
      batchesFor: function* (epoch) {
        for (const b of source.epoch(epochOrder(data, true, options.seed ?? 0, epoch))) {
          yield { size: b.size, objective: (p) => loss(model.forward(p, b.x), b.y), dispose: () => tf.dispose([b.x, b.y]) };
        }
      },
      callbacks: [
        {
          onStep(s, run) {
            lrs.push(s.lr ?? NaN);
            losses.push(s.loss);
            average = beta * average + (1 - beta) * s.loss;
            const value = average / (1 - beta ** s.step);
            smoothed.push(value);
            best = Math.min(best, value);
            if (s.step >= steps) run.stop('swept the whole learning-rate range');
            else if (value > stopFactor * best) run.stop(`the smoothed loss passed ${stopFactor}× its minimum`);
          },
        },
      ],
    });
  } finally {
    source.dispose();
    for (const [k, v] of Object.entries(saved)) model.params[k].assign(v);
    disposeAll(saved);
  }
  const centred = centredAverage(losses, window);
  return { lrs, losses, smoothed, centred, ...suggest(lrs, centred), suggestions: lrSuggestions(lrs, smoothed, steps), history };
}

/** The steepest fall of the smoothed loss against log(lr), before its minimum. */
function suggest(lrs: number[], smoothed: number[]): { suggestion: number; minLossLr: number } {
  smoothed = smoothed.map((v) => (Number.isFinite(v) ? v : Infinity));
  let iMin = 0;
  smoothed.forEach((v, i) => {
    if (v < smoothed[iMin]) iMin = i;
  });
  const minLossLr = lrs[iMin];
  const skip = Math.max(1, Math.floor(smoothed.length * 0.1));
  let steepest = -1;
  let slope = 0;
  for (let i = skip; i < iMin; i++) {
    const s = (smoothed[i + 1] - smoothed[i - 1]) / (Math.log(lrs[i + 1]) - Math.log(lrs[i - 1]));
    if (s < slope) {
      slope = s;
      steepest = i;
    }
  }
  return { suggestion: steepest >= 0 ? lrs[steepest] : minLossLr / 10, minLossLr };
}
