import * as tf from '@tensorflow/tfjs';
import { Dataset, DataInput, dataset } from '../data/dataset';
import { DownhillError } from '../errors';
import { batches } from '../data/batches';
import { LossFn, MetricFn } from '../losses/loss';
import { Model } from '../models/model';
import { ensure } from '../runtime/runtime';
import { checkNotDisposed } from '../named_tensors';
import { checkLabelsFitModel } from './class_labels';

export interface EvaluateOptions {
  loss: LossFn;
  metrics?: Record<string, MetricFn>;
  /** Samples per forward pass (default 1024). */
  batchSize?: number;
}

/** The loss and metrics of a model on a dataset, averaged over all samples (no training). */
export async function evaluate(
  model: Model,
  data: DataInput,
  options: EvaluateOptions,
): Promise<{ loss: number; metrics: Record<string, number> }> {
  await ensure();
  checkNotDisposed('evaluate', model.params);
  const d: Dataset = dataset(data, 'evaluate: data');
  checkLabelsFitModel('evaluate: data', model, d);
  const metrics = options.metrics ?? {};
  const names = Object.keys(metrics);
  const sums = new Float64Array(names.length + 1);
  for (const batch of batches(d, Math.min(options.batchSize ?? 1024, d.size))) {
    const packed = tf.tidy(() => {
      const prediction = model.forward(model.params, batch.x);
      return tf.stack([options.loss(prediction, batch.y), ...names.map((k) => metrics[k](prediction, batch.y))]);
    });
    const values = await packed.data();
    values.forEach((v, i) => (sums[i] += v * batch.size));
    tf.dispose([packed, batch.x, batch.y]);
  }
  return {
    loss: sums[0] / d.size,
    metrics: Object.fromEntries(names.map((k, i) => [k, sums[i + 1] / d.size])),
  };
}

/** The predicted class (highest logit) of each of the first `n` samples, with the true labels. */
export async function predictClasses(model: Model, data: DataInput, n?: number): Promise<{ predicted: number[]; actual: number[] }> {
  await ensure();
  const d = dataset(data, 'predictClasses: data');
  const count = Math.min(n ?? d.size, d.size);
  const predicted: number[] = [];
  for (const batch of batches(d, Math.min(1024, count))) {
    const classes = tf.tidy(() => tf.argMax(model.forward(model.params, batch.x), -1));
    predicted.push(...(await classes.data()));
    tf.dispose([classes, batch.x, batch.y]);
    if (predicted.length >= count) break;
  }
  return { predicted: predicted.slice(0, count), actual: Array.from(d.y.subarray(0, count)) };
}

/** Two classes mistaken for each other: how often `a` was predicted as `b`, and `b` as `a`. */
export interface ConfusedPair {
  a: number;
  b: number;
  aAsB: number;
  bAsA: number;
  /** Both directions together. */
  count: number;
}

/** The `n` pairs of classes confused most often (both directions summed), most first; ties by class. */
export function confusedPairs(predicted: ArrayLike<number>, actual: ArrayLike<number>, n = 5): ConfusedPair[] {
  if (!predicted || !actual || predicted.length !== actual.length) {
    throw new DownhillError(
      `confusedPairs: ${predicted?.length ?? 0} predictions but ${actual?.length ?? 0} true labels.`,
      'pass one prediction per labelled sample (predictClasses returns both, aligned).',
    );
  }
  const counts = new Map<string, number>();
  for (let i = 0; i < actual.length; i++) {
    if (predicted[i] !== actual[i]) counts.set(`${actual[i]},${predicted[i]}`, (counts.get(`${actual[i]},${predicted[i]}`) ?? 0) + 1);
  }
  const pairs: ConfusedPair[] = [];
  const classes = [...new Set([...Array.from(actual), ...Array.from(predicted)])].sort((x, y) => x - y);
  for (const a of classes) {
    for (const b of classes) {
      if (b <= a) continue;
      const aAsB = counts.get(`${a},${b}`) ?? 0;
      const bAsA = counts.get(`${b},${a}`) ?? 0;
      if (aAsB + bAsA > 0) pairs.push({ a, b, aAsB, bAsA, count: aAsB + bAsA });
    }
  }
  return pairs.sort((x, y) => y.count - x.count || x.a - y.a || x.b - y.b).slice(0, n);
}
