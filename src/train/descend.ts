import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { Landscape } from '../landscapes/landscape';
import { GradientTransformation } from '../optim/transformation';
import { ensure } from '../runtime/runtime';
import { checkFiniteNumber, checkInteger, checkOptions } from '../validate';
import { Callback } from './callbacks';
import { History } from './history';
import { STOP_OPTION_NAMES, StopOptions, checkStopOptions, runLoop } from './loop';

export interface DescendOptions extends StopOptions {
  /** The function to minimise: a landscape, or a function of a point tensor returning a scalar. */
  f: Landscape | ((point: tf.Tensor1D) => tf.Tensor);
  /** Where to start: a number (one parameter) or a list of coordinates. */
  start: number | number[];
  optimizer: GradientTransformation;
  /** How many updates (default 100). */
  steps?: number;
  callbacks?: Callback[];
  label?: string;
}

/**
 * Gradient descent on a function of a few numbers (a landscape, or the 1-D curve of
 * the first lesson). Every step is recorded with the point it reached, so the path
 * can be drawn. One "epoch" is one step.
 */
export async function descend(options: DescendOptions): Promise<History> {
  checkOptions('descend', options, ['f', 'start', 'optimizer', 'steps', 'callbacks', 'label', ...STOP_OPTION_NAMES]);
  const f = typeof options.f === 'function' ? options.f : options.f?.f;
  if (typeof f !== 'function') throw new DownhillError('descend: `f` must be a landscape or a function.', 'pass e.g. landscapes.rosenbrock().');
  if (!options.optimizer || typeof options.optimizer.update !== 'function') {
    throw new DownhillError('descend: `optimizer` is missing or not a gradient transformation.', 'pass e.g. optim.sgd({ lr: 0.1 }).');
  }
  const start = typeof options.start === 'number' ? [options.start] : options.start;
  if (!Array.isArray(start) || start.length === 0) {
    throw new DownhillError('descend: `start` must be a number or a list of numbers.', 'pass e.g. start: [-1.5, 2].');
  }
  start.forEach((v, i) => checkFiniteNumber('descend', `start[${i}]`, v));
  const steps = checkInteger('descend', 'steps', options.steps ?? 100, 1);
  checkStopOptions('descend', options);
  await ensure();

  const point = tf.tidy(() => tf.variable(tf.tensor1d(start)));
  const names = start.length === 1 ? ['w'] : start.length === 2 ? ['x', 'y'] : start.map((_, i) => `x${i + 1}`);
  try {
    return await runLoop({
      ...options,
      where: 'descend',
      label: options.label ?? options.optimizer.name ?? 'descent',
      params: { point },
      optimizer: options.optimizer,
      epochs: steps,
      recordParams: true,
      recordGradNorm: true,
      paramNames: names,
      batchesFor: () => [{ size: 1, objective: (p) => f(p.point as tf.Tensor1D), dispose() {} }],
    });
  } finally {
    point.dispose();
  }
}
