import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { Landscape } from './landscape';

export interface BasinOptions {
  /** Learning rate of the plain gradient descent run from every grid point. */
  lr: number;
  /** Steps per run (default 300). */
  steps?: number;
  /** Grid points per axis (default 60). */
  resolution?: number;
  /** [[xmin, xmax], [ymin, ymax]] of the starting points (default: the landscape's domain). */
  range?: [[number, number], [number, number]];
  /** A run "lands" in a minimum when it ends within this distance of it (default 1e-2). */
  tolerance?: number;
}

/** Which known minimum plain gradient descent reaches from each start of a grid. */
export interface BasinMap {
  landscape: Landscape;
  xs: number[];
  ys: number[];
  /** basin[j][i]: index into landscape.minima reached from (xs[i], ys[j]); −1 when the run ends elsewhere (or diverges). */
  basin: number[][];
  /** How many starts land in each minimum (same order as landscape.minima). */
  counts: number[];
  /** How many starts end in no known minimum. */
  elsewhere: number;
  lr: number;
  steps: number;
}

function linspace(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

/**
 * The basin map of a two-parameter landscape: plain gradient descent,
 * p ← p − lr·∇f(p), run from every point of a grid at once (one batched tensor,
 * the same update as optim.sgd without momentum), and the known minimum each run ends in.
 */
export async function basinsOf(landscape: Landscape, options: BasinOptions): Promise<BasinMap> {
  if (!landscape || landscape.dims !== 2) {
    throw new DownhillError('landscapes.basinsOf: needs a two-dimensional landscape.', 'pass e.g. landscapes.himmelblau().');
  }
  if (!landscape.minima.length) {
    throw new DownhillError(`landscapes.basinsOf: ${landscape.name} lists no minima to land in.`, 'give the landscape its minima (defineLandscape({ minima: [...] })).');
  }
  const lr = options?.lr;
  if (typeof lr !== 'number' || !(lr > 0) || !Number.isFinite(lr)) {
    throw new DownhillError(`landscapes.basinsOf: lr must be a positive number, got ${String(lr)}.`, 'pass e.g. { lr: 0.01 }.');
  }
  const steps = options.steps ?? 300;
  const resolution = options.resolution ?? 60;
  if (!Number.isInteger(steps) || steps < 1 || !Number.isInteger(resolution) || resolution < 2) {
    throw new DownhillError(`landscapes.basinsOf: steps (${steps}) and resolution (${resolution}) must be whole numbers ≥ 1 and ≥ 2.`, 'pass e.g. { steps: 300, resolution: 60 }.');
  }
  const [[x0, x1], [y0, y1]] = options.range ?? (landscape.domain as [[number, number], [number, number]]);
  const tolerance = options.tolerance ?? 1e-2;
  const xs = linspace(x0, x1, resolution);
  const ys = linspace(y0, y1, resolution);
  const starts: number[][] = [];
  for (const y of ys) for (const x of xs) starts.push([x, y]);

  const gradient = tf.grad((p: tf.Tensor) => tf.sum(landscape.f(p)));
  let points = tf.tensor2d(starts);
  for (let t = 0; t < steps; t++) {
    const next = tf.tidy(() => tf.sub(points, tf.mul(gradient(points), lr)));
    points.dispose();
    points = next as tf.Tensor2D;
  }
  const ends = (await points.array()) as number[][];
  points.dispose();

  const landed = ends.map((p) => landscape.minima.findIndex((m) => Math.hypot(m.point[0] - p[0], m.point[1] - p[1]) <= tolerance));
  const counts = landscape.minima.map((_, k) => landed.filter((i) => i === k).length);
  return {
    landscape, xs, ys, lr, steps, counts,
    elsewhere: landed.filter((i) => i < 0).length,
    basin: ys.map((_, j) => landed.slice(j * xs.length, (j + 1) * xs.length)),
  };
}
