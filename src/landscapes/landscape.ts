import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { computeOnCpu } from '../runtime/sync_reads';

export interface Minimum {
  point: number[];
  value: number;
  global: boolean;
}

/**
 * A test function with known minima, for watching optimizers move. `f` takes a
 * point of shape [dims] (or a batch [..., dims]) and is differentiable; `value`
 * and `grid` evaluate it on plain numbers for plots.
 */
export interface Landscape {
  name: string;
  /** The formula in LaTeX. */
  formula: string;
  dims: 1 | 2;
  f(point: tf.Tensor): tf.Tensor;
  value(point: number[]): number;
  /** f at many points in one batched call. */
  values(points: number[][]): number[];
  /** f on a grid: z[j][i] = f(xs[i], ys[j]) (Plotly's contour layout). Two-dimensional landscapes only. */
  grid(xs: number[], ys: number[]): number[][];
  /** f at each of xs (one-dimensional landscapes). */
  curve(xs: number[]): number[];
  minima: Minimum[];
  saddles: number[][];
  /** A range per dimension that shows the interesting part. */
  domain: [number, number][];
  /** A classic starting point. */
  start: number[];
  /** Names of the coordinates, for axis titles (default w; or x, y). */
  axes: string[];
}

export interface LandscapeSpec {
  name: string;
  formula: string;
  dims: 1 | 2;
  /** The formula on coordinate tensors (elementwise). */
  expr: (...coords: tf.Tensor[]) => tf.Tensor;
  minima: Minimum[];
  saddles?: number[][];
  domain: [number, number][];
  start: number[];
  axes?: string[];
}

/** Builds a Landscape from one elementwise formula, used both for gradients and for plotting grids. */
export function defineLandscape(spec: LandscapeSpec): Landscape {
  const f = (point: tf.Tensor): tf.Tensor => {
    const last = point.shape[point.rank - 1];
    if (point.rank === 0 || last !== spec.dims) {
      throw new DownhillError(
        `${spec.name}: expected a point with ${spec.dims} coordinate${spec.dims > 1 ? 's' : ''}, got shape [${point.shape.join(', ')}].`,
        `pass a tensor of shape [${spec.dims}], e.g. tf.tensor1d([${spec.start.join(', ')}]).`,
      );
    }
    return tf.tidy(() => {
      const axis = point.rank - 1;
      // tf.unstack's gradient breaks for a single slice, so one coordinate is squeezed out instead.
      const coords = spec.dims === 1 ? [tf.squeeze(point, [axis])] : tf.unstack(point, axis);
      return spec.expr(...coords);
    });
  };
  // Values for plots and checks are read at once: on a backend that cannot read
  // synchronously (WebGPU in Node) they are computed on the CPU backend.
  const evaluate = (points: number[][]): number[] =>
    computeOnCpu(() => {
      // Read outside tf.tidy: tidy walks every element of a returned array looking for tensors.
      const values = tf.tidy(() => f(tf.tensor2d(points, [points.length, spec.dims])));
      const out = Array.from(values.dataSync());
      values.dispose();
      return out;
    });
  return {
    name: spec.name,
    formula: spec.formula,
    dims: spec.dims,
    f,
    value: (point) => evaluate([point])[0],
    values: (points) => (points.length ? evaluate(points) : []),
    grid(xs, ys) {
      if (spec.dims !== 2) throw new DownhillError(`${spec.name} is one-dimensional; grid needs two.`, `use curve(xs).`);
      const points: number[][] = [];
      for (const y of ys) for (const x of xs) points.push([x, y]);
      const values = evaluate(points);
      return ys.map((_, j) => values.slice(j * xs.length, (j + 1) * xs.length));
    },
    curve(xs) {
      if (spec.dims !== 1) throw new DownhillError(`${spec.name} is two-dimensional; curve needs one.`, `use grid(xs, ys).`);
      return evaluate(xs.map((x) => [x]));
    },
    minima: spec.minima,
    saddles: spec.saddles ?? [],
    domain: spec.domain,
    start: spec.start,
    axes: spec.axes ?? (spec.dims === 1 ? ['w'] : ['x', 'y']),
  };
}
