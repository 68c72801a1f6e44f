import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { canReadSync } from '../runtime/sync_reads';

/**
 * The smallest and largest class label of each int32 label tensor, known without
 * reading the tensor back: batches record it as they copy labels out of host memory,
 * so a loss can check its labels against the number of classes at no cost. A label
 * tensor made elsewhere is read once (where the backend reads synchronously) and remembered.
 */
const ranges = new WeakMap<tf.Tensor, { min: number; max: number }>();

export function rememberLabelRange(labels: tf.Tensor, values: Int32Array | LabelRange): void {
  ranges.set(labels, values instanceof Int32Array ? rangeOf(values) : values);
}

export interface LabelRange {
  min: number;
  max: number;
}

/** Labels must be class indices 0 … classes − 1 (torch's CrossEntropyLoss raises otherwise; a one-hot of a bad label is all zeros, and training would go on silently). */
export function checkLabelRange(where: string, labels: tf.Tensor, classes: number): void {
  let range = ranges.get(labels);
  if (!range && canReadSync()) {
    range = rangeOf(labels.dataSync() as Int32Array);
    ranges.set(labels, range);
  }
  if (range) checkRange(where, range, classes);
}

/** The labels of a dataset (host memory) against the number of classes a model outputs. */
export function checkDatasetLabels(where: string, labels: Int32Array, classes: number): void {
  checkRange(where, rangeOf(labels), classes);
}

function checkRange(where: string, range: { min: number; max: number }, classes: number): void {
  if (range.min < 0 || range.max >= classes) {
    const bad = range.min < 0 ? range.min : range.max;
    throw new DownhillError(
      `${where}: label ${bad} is not a class index: the model outputs ${classes} classes, so labels must be 0 … ${classes - 1}.`,
      range.min < 0
        ? `remove or fix the negative labels (e.g. labels counted from 1 need 1 subtracted).`
        : `give the model's last layer ${range.max + 1} outputs, or fix the labels (labels counted from 1 need 1 subtracted).`,
    );
  }
}

/** Negative labels are never class indices: refused where a dataset is made. */
export function checkNoNegativeLabels(where: string, labels: Int32Array): void {
  const i = labels.findIndex((v) => v < 0);
  if (i >= 0) {
    throw new DownhillError(`${where}: label ${labels[i]} of sample ${i} is negative; class labels are 0, 1, 2, ….`, `fix the labels (e.g. labels counted from 1 need 1 subtracted).`);
  }
}

/** The smallest and largest label. */
export function rangeOf(values: Int32Array): LabelRange {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}
