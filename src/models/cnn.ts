import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { Random } from '../random';
import { checkInteger, checkOptions } from '../validate';
import { dense } from './linear';
import { Model } from './model';

export interface CnnOptions {
  /** Height, width and channels of one image (default [28, 28, 1], MNIST). Rows of x are flattened images. */
  imageShape?: [number, number, number];
  /** Filters of each convolution (default [8, 16]); each is followed by ReLU and 2×2 max pooling. */
  filters?: number[];
  /** The side of the square convolution kernels (default 3; 'same' padding). */
  kernelSize?: number;
  /** Outputs of the last (dense) layer: the classes (default 10). */
  classes?: number;
  seed?: number;
}

/**
 * A small convolutional network (LeNet's shape): [conv k×k → ReLU → max-pool 2×2] per
 * entry of `filters`, then one dense layer to the class logits. Input rows are
 * flattened images (as data.mnist gives them) and are reshaped to [n, h, w, c].
 * Weights start with He initialisation, drawn on the host from `seed`.
 *
 * With the defaults (8 and 16 filters, 3×3): 1,248 convolution + 7,850 dense parameters.
 * Its documented run is Adam (lr 1e-3, batch 64) for 2 epochs, aiming at ≥ 98% test accuracy
 * on MNIST; `npm run bench -- --cnn` measures it (not yet measured on the shared machine).
 */
export function cnn(options: CnnOptions = {}): Model {
  const where = 'models.cnn';
  checkOptions(where, options, ['imageShape', 'filters', 'kernelSize', 'classes', 'seed']);
  const [h, w, c] = options.imageShape ?? [28, 28, 1];
  [h, w, c].forEach((v, i) => checkInteger(where, `imageShape[${i}]`, v, 1));
  const filters = options.filters ?? [8, 16];
  if (!Array.isArray(filters) || filters.length === 0) {
    throw new DownhillError(`${where}: 'filters' must list at least one convolution's filter count.`, 'use e.g. filters: [8, 16].');
  }
  filters.forEach((f, i) => checkInteger(where, `filters[${i}]`, f, 1));
  const k = checkInteger(where, 'kernelSize', options.kernelSize ?? 3, 1);
  const classes = checkInteger(where, 'classes', options.classes ?? 10, 1);
  const rng = new Random(options.seed ?? 0);

  let side = [h, w];
  let channels = c;
  const params = tf.tidy(() => {
    const p: Record<string, tf.Variable> = {};
    filters.forEach((f, i) => {
      const fanIn = k * k * channels;
      p[`conv${i + 1}`] = tf.variable(tf.tensor4d(rng.normalArray(k * k * channels * f, 0, Math.sqrt(2 / fanIn)), [k, k, channels, f]));
      p[`convBias${i + 1}`] = tf.variable(tf.zeros([f]));
      channels = f;
      side = side.map((s) => Math.ceil(s / 2));
    });
    const flat = side[0] * side[1] * channels;
    p.dense = tf.variable(tf.tensor2d(rng.normalArray(flat * classes, 0, Math.sqrt(2 / flat)), [flat, classes]));
    p.denseBias = tf.variable(tf.zeros([classes]));
    return p;
  });
  return {
    name: `cnn ${h}×${w}×${c} → conv ${filters.join(', ')} (${k}×${k}) → ${classes}`,
    params,
    forward(p, x) {
      if (x.rank !== 2 || x.shape[1] !== h * w * c) {
        throw new DownhillError(`${where}: the input has shape [${x.shape.join(', ')}], expected [n, ${h * w * c}] (flattened ${h}×${w}×${c} images).`, `pass images as rows of ${h * w * c} values, as data.mnist gives them.`);
      }
      let a: tf.Tensor4D = tf.reshape(x, [-1, h, w, c]);
      filters.forEach((_, i) => {
        const z = tf.add(convolve(a, p[`conv${i + 1}`] as tf.Tensor4D), p[`convBias${i + 1}`]);
        a = tf.maxPool(tf.relu(z) as tf.Tensor4D, 2, 2, 'same');
      });
      return dense(tf.reshape(a, [a.shape[0], -1]), p.dense, p.denseBias, where);
    },
  };
}

/**
 * A 'same'-padded, stride-1 convolution of x [n, h, w, c] with kernels [k, k, c, f].
 * Where the backend can differentiate tf.conv2d it is used; otherwise (the WASM
 * backend has no Conv2DBackpropFilter kernel) the convolution is written as a matrix
 * product of image patches (im2col): the k² shifted copies of the padded image, side
 * by side, times the kernels as a [k²·c, f] matrix, which every backend differentiates.
 */
export function convolve(x: tf.Tensor4D, kernels: tf.Tensor4D, usePatches = !tf.getKernel('Conv2DBackpropFilter', tf.getBackend())): tf.Tensor4D {
  if (!usePatches) return tf.conv2d(x, kernels, 1, 'same');
  const [n, h, w, c] = x.shape;
  const [k, , , f] = kernels.shape;
  const before = Math.floor((k - 1) / 2);
  const padded = tf.pad(x, [[0, 0], [before, k - 1 - before], [before, k - 1 - before], [0, 0]]);
  const shifts: tf.Tensor[] = [];
  for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) shifts.push(tf.slice(padded, [0, dy, dx, 0], [n, h, w, c]));
  const patches = tf.reshape(tf.concat(shifts, 3), [n * h * w, k * k * c]);
  return tf.reshape(tf.matMul(patches, tf.reshape(kernels, [k * k * c, f])), [n, h, w, f]);
}
