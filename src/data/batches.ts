import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { Random } from '../random';
import { rowsToTensor } from '../runtime/rows_to_tensor';
import { Dataset, widths } from './dataset';
import { rememberLabelRange } from './labels';

export interface Batch {
  x: tf.Tensor;
  y: tf.Tensor;
  size: number;
  /** The tensors belong to the batch source (do not dispose them). */
  shared?: boolean;
}

/**
 * Batches of a dataset, each copied out of host memory and uploaded on its own
 * (on wasm the features go straight into the WebAssembly heap: rowsToTensor); the
 * caller disposes each batch. `order` is a permutation of the samples, or
 * undefined for the dataset's order.
 */
export function* batches(d: Dataset, batchSize: number, order?: Int32Array): Generator<Batch> {
  if (order) checkOrder(order, d.size);
  const w = widths(d);
  for (let start = 0; start < d.size; start += batchSize) {
    const n = Math.min(batchSize, d.size - start);
    yield { x: rowsToTensor(d.x, w.x, [n, ...d.xShape], start, n, order), y: targetRows(d, start, n, order), size: n };
  }
}

/**
 * The targets of `count` samples from `start` (or of those `order` lists from `start`),
 * copied on the host into a new tensor; class labels remember their range, so that the
 * label check reads nothing back.
 */
export function targetRows(d: Dataset, start: number, count: number, order?: Int32Array): tf.Tensor {
  const width = widths(d).y;
  const labels = d.y instanceof Int32Array;
  // A fresh buffer per batch: the cpu and webgpu backends keep a reference to it.
  const y = labels ? new Int32Array(count * width) : new Float32Array(count * width);
  if (order && width === 1) {
    for (let j = 0; j < count; j++) y[j] = d.y[order[start + j]];
  } else if (order) {
    for (let j = 0; j < count; j++) {
      const i = order[start + j];
      y.set(d.y.subarray(i * width, (i + 1) * width), j * width);
    }
  } else {
    y.set(d.y.subarray(start * width, (start + count) * width));
  }
  const tensor = tf.tensor(y, [count, ...d.yShape], labels ? 'int32' : 'float32');
  if (labels) rememberLabelRange(tensor, y as Int32Array);
  return tensor;
}

/** An order must list every sample once: a permutation of 0 … size − 1 (as epochOrder makes). */
function checkOrder(order: Int32Array, size: number): void {
  const seen = new Uint8Array(size);
  const bad = order.findIndex((i) => !(i >= 0 && i < size) || seen[i]++ > 0);
  if (order.length !== size || bad !== -1) {
    throw new DownhillError(
      order.length !== size
        ? `batches: the order has ${order.length} indices for ${size} samples.`
        : `batches: the order's entry ${bad} is ${order[bad]}, ${order[bad] >= 0 && order[bad] < size ? 'which comes twice' : `outside 0 … ${size - 1}`}.`,
      `pass a permutation of the sample indices, e.g. new dh.Random(seed).permutation(${size}), or no order for the dataset's own.`,
    );
  }
}

/** The batch size to use for a dataset: 'full' means all samples at once. */
export function resolveBatchSize(d: Dataset, batchSize: number | 'full' | undefined, where: string): number {
  if (batchSize === undefined) return Math.min(32, d.size);
  if (batchSize === 'full') return d.size;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new DownhillError(
      `${where}: batchSize must be a whole number >= 1 or 'full', got ${String(batchSize)}.`,
      `use 'full' for batch gradient descent, 1 for stochastic, or e.g. 32 for mini-batches.`,
    );
  }
  if (batchSize > d.size) {
    throw new DownhillError(
      `${where}: batchSize ${batchSize} is larger than the dataset (${d.size} samples).`,
      `use batchSize: 'full' (or ${d.size}) for batch gradient descent, or a smaller batch.`,
    );
  }
  return batchSize;
}

/** The visiting order for one epoch: a seeded shuffle, or undefined for the natural order. */
export function epochOrder(d: Dataset, shuffle: boolean, seed: number, epoch: number): Int32Array | undefined {
  return shuffle ? new Random(seed * 1000003 + epoch).permutation(d.size) : undefined;
}
