import * as tf from '@tensorflow/tfjs';
import { largestResidentDatasetBytes } from '../runtime/binding_limit';
import { Batch, batches } from './batches';
import { Dataset, toTensors, widths } from './dataset';
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
              const rows = order.subarray(start, start + size);
              return { x: tf.gather(all.x, tf.tensor1d(rows, 'int32')), y: hostRows(d, rows), size };
            }),
          );
        }
      }
    },
    dispose: () => tf.dispose([all.x, all.y]),
  };
}

/** The targets of the given samples, copied on the host into a new tensor. */
function hostRows(d: Dataset, rows: Int32Array): tf.Tensor {
  const width = widths(d).y;
  const y = d.y instanceof Int32Array ? new Int32Array(rows.length * width) : new Float32Array(rows.length * width);
  rows.forEach((i, j) => y.set(d.y.subarray(i * width, (i + 1) * width), j * width));
  return tf.tensor(y, [rows.length, ...d.yShape], d.y instanceof Int32Array ? 'int32' : 'float32');
}
