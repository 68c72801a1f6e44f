import { DownhillError } from '../errors';
import { Figure, FigureOptions, axis, color, gapWarning, makeFigure, withGaps, withLogGaps } from './figure';

export interface LineChartOptions extends FigureOptions {
  /** Shared x values (default 0, 1, 2, ...); every series must then have as many points. */
  x?: number[];
  xTitle?: string;
  yTitle?: string;
  logY?: boolean;
  markers?: boolean;
}

/** Named series of numbers as lines: for anything a notebook computes itself. */
export function lineChart(series: Record<string, number[]>, options: LineChartOptions = {}): Figure {
  const entries = Object.entries(series ?? {});
  if (entries.length === 0) throw new DownhillError('plot.lineChart: no series given.', 'pass { name: [numbers] }.');
  let gaps = 0;
  const data = entries.map(([name, ys], i) => {
    if (!Array.isArray(ys) || ys.length === 0) throw new DownhillError(`plot.lineChart: series '${name}' is empty.`, 'pass at least one number.');
    if (options.x && options.x.length !== ys.length) {
      throw new DownhillError(
        `plot.lineChart: series '${name}' has ${ys.length} values but x has ${options.x.length}.`,
        'give every series one value per x, or leave x out to number the points 0, 1, 2, ...',
      );
    }
    const clean = options.logY ? withLogGaps(ys) : withGaps(ys);
    gaps += clean.gaps;
    return {
      type: 'scatter', mode: options.markers ?? ys.length <= 60 ? 'lines+markers' : 'lines', name,
      x: options.x ?? ys.map((_, k) => k), y: clean.values, line: { color: color(i), width: 2 },
    };
  });
  return makeFigure(
    data,
    { xaxis: axis(options.xTitle ?? 'step'), yaxis: axis(options.yTitle ?? 'value', options.logY ? { type: 'log' } : {}), showlegend: entries.length > 1 },
    options,
    gapWarning(gaps, options.yTitle ?? 'series', options.logY),
  );
}
