import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { Figure, FigureOptions, axis, color, gapWarning, makeFigure, withGaps } from './figure';

export interface HistogramOptions extends FigureOptions {
  bins?: number;
  /** 'overlay' (default) draws all series on one axis; 'stack' piles them. */
  mode?: 'overlay' | 'stack';
  xTitle?: string;
  /**
   * 'density' (default): each series integrates to one, so series of different sizes
   * (a 784×128 layer next to a 128×10 one) are comparable; 'count': raw counts per bin.
   */
  norm?: 'density' | 'count';
}

/**
 * Histograms of named values, e.g. a model's weights or its gradients: { w1: tensor, w2: tensor }.
 * Binned here, so the figure carries a few numbers per bin rather than every value (a
 * 784×128 layer would be 100 352 numbers in the notebook). Overlaid series get bins of
 * their own (a narrow layer is not squeezed into a wide one's bins); stacked ones share them.
 */
export function histogram(values: Record<string, tf.Tensor | ArrayLike<number>>, options: HistogramOptions = {}): Figure {
  const entries = Object.entries(values ?? {});
  if (entries.length === 0) throw new DownhillError('plot.histogram: no values given.', 'pass { name: tensor or numbers }, e.g. model.params.');
  const density = (options.norm ?? 'density') === 'density';
  const bins = options.bins ?? 50;
  if (!Number.isInteger(bins) || bins < 1) throw new DownhillError(`plot.histogram: bins must be a whole number ≥ 1, got ${bins}.`, 'pass e.g. { bins: 50 }.');
  let gaps = 0;
  const series = entries.map(([name, v]) => {
    const flat = Array.from(v instanceof tf.Tensor ? v.dataSync() : v);
    if (flat.length === 0) throw new DownhillError(`plot.histogram: '${name}' is empty.`, 'pass at least one value.');
    const clean = withGaps(flat);
    gaps += clean.gaps;
    return { name, values: clean.values.filter((q): q is number => q !== null) };
  });
  const shared = options.mode === 'stack' ? rangeOf(series.flatMap((s) => s.values)) : undefined;
  const data = series.map(({ name, values: xs }, i) => {
    const { lo, width, counts } = binned(xs, shared ?? rangeOf(xs), bins);
    const heights = counts.map((c) => (density ? c / (xs.length * width) : c));
    return {
      type: 'bar', name, x: counts.map((_, k) => lo + (k + 0.5) * width), y: heights, width: counts.map(() => width), customdata: counts,
      hovertemplate: `${name}: %{customdata} values in [%{x}±${Number((width / 2).toPrecision(3))}]<extra></extra>`,
      opacity: series.length > 1 && options.mode !== 'stack' ? 0.6 : 0.85, marker: { color: color(i), line: { width: 0 } },
    };
  });
  return makeFigure(
    data,
    {
      title: { text: `Distribution of ${entries.map(([n]) => n).join(', ')}` }, barmode: options.mode ?? 'overlay', bargap: 0,
      xaxis: axis(options.xTitle ?? 'value'), yaxis: axis(density ? 'density' : 'count'),
    },
    options,
    gapWarning(gaps, 'input'),
  );
}

function rangeOf(xs: number[]): { lo: number; hi: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of xs) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return { lo, hi };
}

/** Counts in `bins` equal bins over [lo, hi] (the top edge in the last bin); one value, or all equal: one bin of width 1. */
function binned(xs: number[], { lo, hi }: { lo: number; hi: number }, bins: number): { lo: number; width: number; counts: number[] } {
  if (!(hi > lo)) return { lo: lo - 0.5, width: 1, counts: [xs.length] };
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const x of xs) counts[Math.min(bins - 1, Math.floor((x - lo) / width))]++;
  return { lo, width, counts };
}
