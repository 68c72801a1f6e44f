import * as tf from '@tensorflow/tfjs';
import { DataInput, dataset } from '../data/dataset';
import { Batch, epochOrder, resolveBatchSize } from '../data/batches';
import { batchSource } from '../data/device_batches';
import { DownhillError } from '../errors';
import { LossFn, MetricFn } from '../losses/loss';
import { Model } from '../models/model';
import { countElements } from '../named_tensors';
import { GradientTransformation } from '../optim/transformation';
import { ensure } from '../runtime/runtime';
import { checkInteger, checkOptions } from '../validate';
import { Callback } from './callbacks';
import { evaluate } from './evaluate';
import { History } from './history';
import { LoopBatch, STOP_OPTION_NAMES, StopOptions, checkStopOptions, runLoop } from './loop';

export interface FitOptions extends StopOptions {
  model: Model;
  loss: LossFn;
  data: DataInput;
  optimizer: GradientTransformation;
  /** The maximum number of passes over the data (default 10). */
  epochs?: number;
  /** 'full' = batch gradient descent, 1 = stochastic, n = mini-batch (default 32, or all samples if fewer). */
  batchSize?: number | 'full';
  /** Reshuffle every epoch with a seeded generator (default: true unless full-batch). */
  shuffle?: boolean;
  seed?: number;
  validation?: DataInput;
  /** Reported each step (on the batch) and each epoch (on the validation data). */
  metrics?: Record<string, MetricFn>;
  callbacks?: Callback[];
  /** Record the parameters after every step (default: when the model has at most 10 parameters). */
  recordParams?: boolean;
  /** Record each step's gradient norm (history's gradNorm; default false: it costs a reduction per step). */
  recordGradNorm?: boolean;
  /**
   * Read the loss and metrics back from the device every this many steps (default 32) and at
   * each epoch's end; callbacks see every step, that much later. 1 reads after every step.
   */
  readEvery?: number;
  /** A label for plots and tables (default: the optimizer's name). */
  label?: string;
}

const FIT_OPTIONS = [
  'model', 'loss', 'data', 'optimizer', 'epochs', 'batchSize', 'shuffle', 'seed', 'validation',
  'metrics', 'callbacks', 'recordParams', 'recordGradNorm', 'readEvery', 'label', ...STOP_OPTION_NAMES,
];

/**
 * Trains a model: full-batch, stochastic or mini-batch gradient descent with the
 * given optimizer, stopping rules and callbacks. Updates model.params in place and
 * returns the History.
 */
export async function fit(options: FitOptions): Promise<History> {
  checkOptions('fit', options, FIT_OPTIONS);
  const { model, loss, optimizer } = options;
  if (!model || typeof model.forward !== 'function' || !model.params) {
    throw new DownhillError('fit: `model` must have params and a forward function.', 'use a model from models, e.g. models.linear().');
  }
  if (typeof loss !== 'function') throw new DownhillError('fit: `loss` must be a function (prediction, target) => scalar.', 'use e.g. losses.mse.');
  if (!optimizer || typeof optimizer.update !== 'function') {
    throw new DownhillError('fit: `optimizer` is missing or not a gradient transformation.', 'pass e.g. optim.sgd({ lr: 0.01 }).');
  }
  checkStopOptions('fit', options);
  const epochs = checkInteger('fit', 'epochs', options.epochs ?? 10, 1);
  await ensure();

  const train = dataset(options.data, 'fit: data');
  const validation = options.validation ? dataset(options.validation, 'fit: validation') : undefined;
  const batchSize = resolveBatchSize(train, options.batchSize, 'fit');
  const fullBatch = batchSize === train.size;
  const shuffle = options.shuffle ?? !fullBatch;
  const seed = options.seed ?? 0;
  const metrics = options.metrics ?? {};

  const toLoopBatch = (b: Batch): LoopBatch => ({
    size: b.size,
    objective(params, metricsOut) {
      const prediction = model.forward(params, b.x);
      for (const [name, metric] of Object.entries(metrics)) metricsOut[name] = tf.keep(metric(prediction, b.y));
      return loss(prediction, b.y);
    },
    dispose: () => {
      if (!b.shared) tf.dispose([b.x, b.y]);
    },
  });
  const source = batchSource(train, batchSize);

  try {
    return await runLoop({
      ...options,
      where: 'fit',
      label: options.label ?? optimizer.name ?? 'run',
      params: model.params,
      optimizer,
      epochs,
      recordParams: options.recordParams ?? countElements(model.params) <= 10,
      recordGradNorm: options.recordGradNorm ?? false,
      callbacks: options.callbacks,
      batchesFor: function* (epoch) {
        for (const b of source.epoch(epochOrder(train, shuffle, seed, epoch))) yield toLoopBatch(b);
      },
      evaluate: validation ? () => evaluate(model, validation, { loss, metrics }) : undefined,
    });
  } finally {
    source.dispose();
  }
}
