import { DownhillError } from '../errors';
import { ComparisonRow } from '../train/compare';
import { Figure, FigureOptions, axis, color, makeFigure } from './figure';

export interface ComparisonOptions extends FigureOptions {
  /**
   * Which column of compare's table to draw (default 'finalLoss'); with { name: value },
   * what the values are (e.g. 'GFLOP/s'). Either way it titles the y axis.
   */
  metric?: string;
  logY?: boolean;
}

/** One bar per contender of a comparison (compare's table, or { name: value }); diverged runs are marked. */
export function comparisonBars(rows: ComparisonRow[] | Record<string, number>, options: ComparisonOptions = {}): Figure {
  const where = 'plot.comparisonBars';
  const metric = options.metric ?? (Array.isArray(rows) ? 'finalLoss' : undefined);
  const table: { name: string; value: number; stopped?: string }[] = Array.isArray(rows)
    ? rows.map((r) => ({ name: r.name, value: Number(r[metric ?? 'finalLoss']), stopped: r.stopped }))
    : Object.entries(rows ?? {}).map(([name, value]) => ({ name, value }));
  if (table.length === 0) throw new DownhillError(`${where}: nothing to compare.`, 'pass the table returned by compare(), or { name: value }.');
  if (Array.isArray(rows) && metric !== undefined && !(metric in rows[0])) {
    throw new DownhillError(`${where}: the table has no column '${metric}'.`, `use one of: ${Object.keys(rows[0]).filter((k) => typeof rows[0][k] === 'number').join(', ')}.`);
  }
  const bad = table.filter((r) => !Number.isFinite(r.value) || r.stopped === 'diverged');
  const warnings = bad.length ? [`${bad.map((r) => r.name).join(', ')} diverged or has no finite ${metric ?? 'value'}: shown as an empty bar.`] : [];
  return makeFigure(
    [{
      type: 'bar', x: table.map((r) => r.name), y: table.map((r) => (Number.isFinite(r.value) && r.stopped !== 'diverged' ? r.value : null)),
      marker: { color: table.map((r, i) => (r.stopped === 'diverged' ? '#B00020' : color(i))) },
      text: table.map((r) => (r.stopped === 'diverged' ? 'diverged' : Number.isFinite(r.value) ? r.value.toPrecision(3) : 'n/a')),
      textposition: 'outside', cliponaxis: false,
    }],
    {
      title: { text: metric === undefined ? 'Comparison' : `Comparison: ${metric}` }, xaxis: axis(''), yaxis: axis(metric ?? '', options.logY ? { type: 'log' } : { rangemode: 'tozero' }),
      showlegend: false,
    },
    options,
    warnings,
  );
}
