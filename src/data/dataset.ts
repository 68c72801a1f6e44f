import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { Random } from '../random';
import { describe } from '../validate';
import { checkNoNegativeLabels } from './labels';

/**
 * A dataset kept in host memory as flat typed arrays. Batches are copied out of it
 * and uploaded one at a time, so a large dataset never becomes one huge tensor
 * (slicing such a tensor is slow on WASM and breaks WebGPU's 128 MiB binding limit).
 */
export interface Dataset {
  readonly size: number;
  /** Features, row-major: size × prod(xShape). */
  readonly x: Float32Array;
  /** The shape of one sample's features, e.g. [784]. */
  readonly xShape: number[];
  /** Targets: float32 for regression (yShape [k]), int32 class labels (yShape []). */
  readonly y: Float32Array | Int32Array;
  readonly yShape: number[];
}

type Nested = number | Nested[];
/** Arrays, typed arrays or tensors. */
export type ArrayInput = tf.Tensor | Nested[] | Float32Array | Int32Array | Uint8Array | Float64Array;

export type DataInput = Dataset | { x: ArrayInput; y: ArrayInput };

export function isDataset(d: unknown): d is Dataset {
  return (
    typeof d === 'object' && d !== null && 'size' in d && 'xShape' in d && (d as Dataset).x instanceof Float32Array
  );
}

/**
 * Makes a Dataset from arrays or tensors. `x` is [n] (one feature) or [n, ...];
 * `y` is [n] or [n, k] numbers for regression, or an Int32Array / int32 tensor of
 * class labels. A 1-D regression target becomes [n, 1], matching a model with one output.
 */
export function dataset(input: DataInput, where = 'dataset'): Dataset {
  if (isDataset(input)) return input;
  if (!input || typeof input !== 'object' || !('x' in input) || !('y' in input)) {
    throw new DownhillError(`${where}: data must be { x, y }, got ${describe(input)}.`, `pass { x: [...inputs], y: [...targets] }.`);
  }
  const x = toFlat(input.x, `${where}: x`);
  const y = toFlat(input.y, `${where}: y`);
  const n = x.shape[0];
  if (n === 0) {
    throw new DownhillError(`${where}: the dataset is empty (x has no rows).`, `pass at least one sample.`);
  }
  if (y.shape[0] !== n) {
    throw new DownhillError(
      `${where}: x has ${n} samples but y has ${y.shape[0]}.`,
      `give one target per input row (x is [${x.shape.join(', ')}], y is [${y.shape.join(', ')}]).`,
    );
  }
  const labels = y.values instanceof Int32Array;
  const xShape = x.shape.length === 1 ? [1] : x.shape.slice(1);
  const yShape = labels ? y.shape.slice(1) : y.shape.length === 1 ? [1] : y.shape.slice(1);
  if (labels && yShape.length !== 0) {
    throw new DownhillError(
      `${where}: integer labels must be one per sample ([n]), got shape [${y.shape.join(', ')}].`,
      `pass class indices as an Int32Array of length n, or one-hot rows as float numbers.`,
    );
  }
  const xv = x.values instanceof Float32Array ? x.values : Float32Array.from(x.values);
  checkFinite(xv, xShape, `${where}: x`);
  if (!labels) checkFinite(y.values, yShape, `${where}: y`);
  else checkNoNegativeLabels(`${where}: y`, y.values as Int32Array);
  return { size: n, x: xv, xShape, y: labels ? (y.values as Int32Array) : Float32Array.from(y.values), yShape };
}

function toFlat(a: ArrayInput, what: string): { values: Float32Array | Int32Array; shape: number[] } {
  if (a instanceof tf.Tensor) {
    if (a.isDisposed) throw new DownhillError(`${what} is a disposed tensor.`, `keep the tensor alive until training is done.`);
    if (a.rank === 0) throw new DownhillError(`${what} is a scalar; it needs one entry per sample.`, `pass an array.`);
    const values = a.dtype === 'int32' ? (a.dataSync() as Int32Array) : Float32Array.from(a.dataSync() as Float32Array);
    return { values, shape: a.shape };
  }
  if (a instanceof Int32Array) return { values: a, shape: [a.length] };
  if (a instanceof Float32Array || a instanceof Float64Array || a instanceof Uint8Array) {
    return { values: Float32Array.from(a), shape: [a.length] };
  }
  if (!Array.isArray(a)) throw new DownhillError(`${what} must be an array or a tensor, got ${describe(a)}.`, `pass an array of numbers.`);
  const shape: number[] = [];
  let probe: Nested = a;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const size = shape.reduce((p, s) => p * s, 1);
  const values = new Float32Array(size);
  let k = 0;
  const walk = (v: Nested, depth: number, index: string): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number') throw new DownhillError(`${what}${index} is ${describe(v)}, not a number.`, `use numbers only.`);
      values[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new DownhillError(
        `${what}${index} has ${Array.isArray(v) ? v.length : 'no'} entries where ${shape[depth]} were expected (rows of different lengths).`,
        `make every row the same length.`,
      );
    }
    v.forEach((w, i) => walk(w, depth + 1, `${index}[${i}]`));
  };
  walk(a, 0, '');
  return { values, shape };
}

function checkFinite(values: Float32Array | Int32Array, rowShape: number[], what: string): void {
  const width = rowShape.reduce((p, s) => p * s, 1);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      const row = Math.floor(i / width);
      throw new DownhillError(
        `${what} contains ${values[i]} at sample ${row}${width > 1 ? `, column ${i % width}` : ''}.`,
        `remove or fill the missing values before training (a single NaN turns every weight into NaN).`,
      );
    }
  }
}

/** Per-sample width of features / targets. */
export function widths(d: Dataset): { x: number; y: number } {
  return { x: d.xShape.reduce((p, s) => p * s, 1), y: d.yShape.reduce((p, s) => p * s, 1) };
}

/** The samples at the given indices, as a new Dataset. */
export function subset(d: Dataset, indices: ArrayLike<number>): Dataset {
  const w = widths(d);
  const n = indices.length;
  const x = new Float32Array(n * w.x);
  const y = d.y instanceof Int32Array ? new Int32Array(n * w.y) : new Float32Array(n * w.y);
  for (let j = 0; j < n; j++) {
    const i = indices[j];
    x.set(d.x.subarray(i * w.x, (i + 1) * w.x), j * w.x);
    y.set(d.y.subarray(i * w.y, (i + 1) * w.y), j * w.y);
  }
  return { size: n, x, xShape: d.xShape, y, yShape: d.yShape };
}

/** The first n samples. */
export function take(d: Dataset, n: number): Dataset {
  return subset(d, Int32Array.from({ length: Math.min(n, d.size) }, (_, i) => i));
}

/** A seeded random split into { train, validation }; `fraction` goes to validation. */
export function split(d: Dataset, fraction: number, seed = 0): { train: Dataset; validation: Dataset } {
  if (!(fraction > 0 && fraction < 1)) {
    throw new DownhillError(`split: fraction must be between 0 and 1, got ${fraction}.`, `use e.g. 0.1 to hold out 10%.`);
  }
  const order = new Random(seed).permutation(d.size);
  const nVal = Math.round(d.size * fraction);
  if (nVal === 0 || nVal === d.size) {
    throw new DownhillError(`split: ${d.size} samples cannot be split ${fraction} / ${1 - fraction}.`, `use more data or another fraction.`);
  }
  return { validation: subset(d, order.subarray(0, nVal)), train: subset(d, order.subarray(nVal)) };
}

/** Features and targets as tensors (the caller disposes them). */
export function toTensors(d: Dataset): { x: tf.Tensor; y: tf.Tensor } {
  return {
    x: tf.tensor(d.x, [d.size, ...d.xShape], 'float32'),
    y: tf.tensor(d.y, [d.size, ...d.yShape], d.y instanceof Int32Array ? 'int32' : 'float32'),
  };
}
