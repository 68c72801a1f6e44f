import * as tf from '@tensorflow/tfjs';
import { DataInput, dataset } from '../data/dataset';
import { Batch, epochOrder, resolveBatchSize } from '../data/batches';
import { batchSource } from '../data/device_batches';
import { DownhillError } from '../errors';
import { LossFn, MetricFn } from '../losses/loss';
import { Model } from '../models/model';
import { fromLayersModel, isLayersModel } from '../models/layers_model';
import { checkNotDisposed, countElements, disposeAll } from '../named_tensors';
import { checkLabelsFitModel } from './class_labels';
import { checkCheckpointFits, disposeCheckpoint, loadCheckpoint, saveCheckpoint } from '../checkpoint/checkpoint';
import { trainableParams } from '../optim/step';
import { GradientTransformation } from '../optim/transformation';
import { ensure } from '../runtime/runtime';
import { checkInteger, checkOptions } from '../validate';
import { Callback } from './callbacks';
import { evaluate } from './evaluate';
import { History } from './history';
import { LoopBatch, LoopPosition, STOP_OPTION_NAMES, StopOptions, checkStopOptions, runLoop } from './loop';

export interface FitOptions extends StopOptions {
  /** A downhill model, or a tf.LayersModel / tf.Sequential (trained through fromLayersModel). */
  model: Model | tf.LayersModel;
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
  /** A folder to save a checkpoint to after every epoch (parameters, optimizer state, step and epoch). */
  checkpoint?: string;
  /**
   * A checkpoint folder to continue from: the parameters, optimizer state, step and
   * epoch are restored, and `epochs` counts from the start of the run (as Keras's
   * initialEpoch): a checkpoint saved after epoch 1, resumed with epochs: 3, trains
   * epochs 2 and 3 with the same data order, so 1 + 2 epochs equal 3 epochs.
   */
  resumeFrom?: string;
}

const FIT_OPTIONS = [
  'model', 'loss', 'data', 'optimizer', 'epochs', 'batchSize', 'shuffle', 'seed', 'validation',
  'metrics', 'callbacks', 'recordParams', 'recordGradNorm', 'readEvery', 'label', 'checkpoint', 'resumeFrom', ...STOP_OPTION_NAMES,
];

/**
 * Trains a model: full-batch, stochastic or mini-batch gradient descent with the
 * given optimizer, stopping rules and callbacks. Updates model.params in place and
 * returns the History.
 */
export async function fit(options: FitOptions): Promise<History> {
  checkOptions('fit', options, FIT_OPTIONS);
  const { loss, optimizer } = options;
  const model = isLayersModel(options.model) ? fromLayersModel(options.model) : options.model;
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
  checkNotDisposed('fit', model.params);
  checkLabelsFitModel('fit', model, train);
  if (validation) checkLabelsFitModel('fit: validation', model, validation);
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
  const resume = options.resumeFrom ? await resumePosition(options.resumeFrom, model, optimizer, epochs) : undefined;
  const checkpointFolder = options.checkpoint;
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
      resume,
      onEpochEnd: checkpointFolder
        ? ({ state, step, epoch }) => saveCheckpoint(checkpointFolder, { params: model.params, optimizerState: state, step, epoch, optimizer: optimizer.name })
        : undefined,
    });
  } finally {
    source.dispose();
  }
}

/** Loads a checkpoint into the model and hands the loop its optimizer state, step and epoch. */
async function resumePosition(folder: string, model: Model, optimizer: GradientTransformation, epochs: number): Promise<LoopPosition> {
  const saved = await loadCheckpoint(folder);
  try {
    const fresh = tf.tidy(() => optimizer.init(trainableParams(model.params)) as tf.TensorContainer);
    try {
      checkCheckpointFits(saved, model.params, fresh, 'fit: resumeFrom');
    } finally {
      disposeAll(fresh);
    }
    if (saved.epoch >= epochs) {
      throw new DownhillError(
        `fit: the checkpoint in '${folder}' was saved after epoch ${saved.epoch}, and epochs: ${epochs} counts from the start of the run, so there is nothing left to train.`,
        `pass epochs: ${saved.epoch + 1} or more (epochs counts all epochs, including those before the checkpoint).`,
      );
    }
  } catch (e) {
    disposeCheckpoint(saved);
    throw e;
  }
  for (const [name, p] of Object.entries(model.params)) p.assign(saved.params[name]);
  disposeAll(saved.params);
  return { state: saved.optimizerState, step: saved.step, epoch: saved.epoch };
}
