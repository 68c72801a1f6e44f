import { DownhillError } from '../errors';
import { Landscape } from '../landscapes/landscape';
import { decimalsResolving, linspace } from './figure';

export interface LandscapeGrid {
  xs: number[];
  ys: number[];
  /** f on the grid, non-finite values as null. */
  z: (number | null)[][];
  /**
   * What is coloured: z, or log10(z − min + δ) when the values span many orders of
   * magnitude; rounded to 1/100000 of its range (far finer than any colour or contour
   * line shows), so that a chart's data stays a few digits per grid point.
   */
  shown: (number | null)[][];
  log: boolean;
  /** How many grid points had no finite value. */
  gaps: number;
  /** Maps a height to the coloured value (identity, or the log transform). */
  transform(v: number): number | null;
}

/**
 * Evaluates a two-parameter landscape on a grid in one batched call. A range in which
 * f has no finite value is an error, never a blank chart.
 */
export function landscapeGrid(
  where: string,
  landscape: Landscape,
  range: [[number, number], [number, number]],
  resolution: number,
  log: boolean | 'auto',
): LandscapeGrid {
  if (!landscape || landscape.dims !== 2) {
    throw new DownhillError(`${where}: needs a two-dimensional landscape.`, 'use e.g. landscapes.rosenbrock(); for one parameter use plot.descent1d.');
  }
  const xs = linspace(range[0][0], range[0][1], resolution);
  const ys = linspace(range[1][0], range[1][1], resolution);
  const raw = landscape.grid(xs, ys);
  let gaps = 0;
  const finite: number[] = [];
  const z = raw.map((row) =>
    row.map((v) => {
      if (Number.isFinite(v)) {
        finite.push(v);
        return v;
      }
      gaps++;
      return null;
    }),
  );
  if (finite.length === 0) {
    throw new DownhillError(
      `${where}: ${landscape.name} has no finite value on x ∈ [${range[0].join(', ')}], y ∈ [${range[1].join(', ')}].`,
      'choose a range where the function is defined (see landscape.domain).',
    );
  }
  finite.sort((a, b) => a - b);
  const min = finite[0];
  const max = finite[finite.length - 1];
  const median = finite[Math.floor(finite.length / 2)];
  const quartile = finite[Math.floor(finite.length / 4)];
  const useLog = log === 'auto' ? max > min && max - min > 20 * (quartile - min) : log;
  const delta = Math.max((median - min) * 1e-3, 1e-12);
  const transform = (v: number) => (!Number.isFinite(v) ? null : useLog ? Math.log10(Math.max(v - min, 0) + delta) : v);
  const exact = useLog ? z.map((row) => row.map((v) => (v === null ? null : transform(v)))) : z;
  const shown = roundedToRange(exact);
  return { xs, ys, z, shown, log: useLog, gaps, transform };
}

/** Values rounded to the decimal place that resolves 1/100000 of their range. */
function roundedToRange(values: (number | null)[][]): (number | null)[][] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of values) for (const v of row) if (v !== null) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  const decimals = decimalsResolving(hi - lo || hi, 1e5);
  return values.map((row) => row.map((v) => (v === null ? null : Number(v.toFixed(decimals)))));
}
