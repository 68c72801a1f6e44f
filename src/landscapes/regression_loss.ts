import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { checkOptions } from '../validate';
import { Landscape, defineLandscape } from './landscape';

/**
 * The loss of the line y = w·x + b on some data, as a landscape over (w, b): the
 * bowl that linear regression descends. `halfMse` uses the 1/(2N) convention.
 */
export function linearRegressionLoss(options: { x: number[]; y: number[]; loss?: 'mse' | 'halfMse' }): Landscape {
  checkOptions('landscapes.linearRegressionLoss', options, ['x', 'y', 'loss']);
  const { x, y } = options;
  if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length || x.length < 2) {
    throw new DownhillError(
      `landscapes.linearRegressionLoss: x and y must be arrays of the same length (at least 2), got ${Array.isArray(x) ? x.length : typeof x} and ${Array.isArray(y) ? y.length : typeof y}.`,
      'pass the data the line is fitted to: { x: [1, 2, 3, 4], y: [3, 5, 7, 9] }.',
    );
  }
  const half = options.loss === 'halfMse';
  const n = x.length;
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / n;
  const [mx, my] = [mean(x), mean(y)];
  const sxx = x.reduce((a, xi) => a + (xi - mx) ** 2, 0);
  const sxy = x.reduce((a, xi, i) => a + (xi - mx) * (y[i] - my), 0);
  if (sxx === 0) throw new DownhillError('landscapes.linearRegressionLoss: every x is the same, so the slope is undetermined.', 'use inputs with at least two different values.');
  const w = sxy / sxx;
  const b = my - w * mx;
  const residual = x.reduce((a, xi, i) => a + (w * xi + b - y[i]) ** 2, 0) / n;
  const value = half ? residual / 2 : residual;
  return defineLandscape({
    name: `${half ? 'half ' : ''}MSE of y = w·x + b`,
    formula: `J(w, b) = \\frac{1}{${half ? '2' : ''}N}\\sum_i (w x_i + b - y_i)^2`,
    dims: 2,
    expr: (wt, bt) => {
      // wt and bt may be batches of points: compare every (w, b) with every sample.
      const prediction = tf.add(tf.mul(tf.expandDims(wt, -1), tf.tensor1d(x)), tf.expandDims(bt, -1));
      const mse = tf.mean(tf.square(tf.sub(prediction, tf.tensor1d(y))), -1);
      return half ? tf.mul(mse, 0.5) : mse;
    },
    minima: [{ point: [w, b], value, global: true }],
    domain: [
      [Math.min(0, w) - 1.5, Math.max(0, w) + 1.5],
      [Math.min(0, b) - 1.5, Math.max(0, b) + 1.5],
    ],
    start: [0, 0],
    axes: ['w', 'b'],
  });
}
