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

/** Histograms of named values, e.g. a model's weights or its gradients: { w1: tensor, w2: tensor }. */
export function histogram(values: Record<string, tf.Tensor | ArrayLike<number>>, options: HistogramOptions = {}): Figure {
  const entries = Object.entries(values ?? {});
  if (entries.length === 0) throw new DownhillError('plot.histogram: no values given.', 'pass { name: tensor or numbers }, e.g. model.params.');
  const density = (options.norm ?? 'density') === 'density';
  let gaps = 0;
  const data = entries.map(([name, v], i) => {
    const flat = Array.from(v instanceof tf.Tensor ? v.dataSync() : v);
    if (flat.length === 0) throw new DownhillError(`plot.histogram: '${name}' is empty.`, 'pass at least one value.');
    const clean = withGaps(flat);
    gaps += clean.gaps;
    return {
      type: 'histogram', name, x: clean.values.filter((q) => q !== null), opacity: entries.length > 1 ? 0.6 : 0.85,
      marker: { color: color(i) }, nbinsx: options.bins ?? 50,
      ...(density ? { histnorm: 'probability density' } : {}),
    };
  });
  return makeFigure(
    data,
    {
      title: { text: `Distribution of ${entries.map(([n]) => n).join(', ')}` }, barmode: options.mode ?? 'overlay',
      xaxis: axis(options.xTitle ?? 'value'), yaxis: axis(density ? 'density' : 'count'),
    },
    options,
    gapWarning(gaps, 'input'),
  );
}
