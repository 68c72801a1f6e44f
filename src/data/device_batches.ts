import * as tf from '@tensorflow/tfjs';
import { largestResidentDatasetBytes } from '../runtime/binding_limit';
import { Batch, batches, targetRows } from './batches';
import { Dataset, toTensors } from './dataset';
import { rangeOf, rememberLabelRange } from './labels';

/** Batches of one dataset for a whole run: `epoch(order)` yields one epoch's batches; dispose() frees the upload. */
export interface BatchSource {
  epoch(order?: Int32Array): Iterable<Batch>;
  /** Whether the dataset lives on the device (else each batch is uploaded on its own). */
  readonly resident: boolean;
  dispose(): void;
}

/**
 * A dataset uploaded to the device once, each batch's features gathered there by
 * index (one kernel and a small upload of the indices) instead of copied on the host
 * and uploaded whole every step; its targets, a few bytes a sample, are copied on
 * the host and uploaded (an upload costs less than a kernel). A dataset larger than the backend can use in one
 * kernel (largestResidentDatasetBytes) stays on the host and is uploaded batch by batch.
 * Each batch's tensors belong to the caller, as with `batches`, except a `shared`
 * one (the whole dataset unshuffled), which the source frees.
 */
export function batchSource(d: Dataset, batchSize: number, limitBytes = largestResidentDatasetBytes()): BatchSource {
  if (d.x.byteLength > limitBytes || d.y.byteLength > limitBytes) {
    return { resident: false, epoch: (order) => batches(d, batchSize, order), dispose() {} };
  }
  const all = toTensors(d);
  // Every batch's labels lie within the dataset's: known without reading a batch back.
  const range = d.y instanceof Int32Array ? rangeOf(d.y) : undefined;
  const withRange = (b: Batch): Batch => {
    if (range) rememberLabelRange(b.y, range);
    return b;
  };
  return {
    resident: true,
    *epoch(order) {
      for (let start = 0; start < d.size; start += batchSize) {
        const size = Math.min(batchSize, d.size - start);
        if (!order && size === d.size) {
          yield withRange({ x: all.x, y: all.y, size, shared: true });
        } else if (!order) {
          yield withRange({ x: tf.slice(all.x, start, size), y: tf.slice(all.y, start, size), size });
        } else {
          yield withRange(
            tf.tidy(() => {
              const rows = tf.tensor1d(order.subarray(start, start + size), 'int32');
              return { x: tf.gather(all.x, rows), y: targetRows(d, start, size, order), size };
            }),
          );
        }
      }
    },
    dispose: () => tf.dispose([all.x, all.y]),
  };
}

