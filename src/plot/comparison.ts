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

/**
 * Each contender's values over several seeds as dots, with their mean as a dash: the
 * spread shows whether a gap between contenders is larger than the noise. The y axis
 * starts at 0 (or pass logY), so differences are not magnified by a truncated axis.
 */
export function comparisonDots(values: Record<string, number[]>, options: ComparisonOptions = {}): Figure {
  const where = 'plot.comparisonDots';
  const entries = Object.entries(values ?? {});
  if (entries.length === 0) throw new DownhillError(`${where}: nothing to compare.`, 'pass { name: [value per seed] }.');
  const empty = entries.filter(([, v]) => !Array.isArray(v) || !v.some(Number.isFinite));
  if (empty.length) throw new DownhillError(`${where}: ${empty.map(([n]) => `'${n}'`).join(', ')} has no finite value.`, 'pass at least one finite number per contender.');
  const data = entries.flatMap(([name, v], i) => {
    const finite = v.filter(Number.isFinite);
    const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
    return [
      { type: 'scatter', mode: 'markers', name, x: finite.map(() => name), y: finite, marker: { color: color(i), size: 9, opacity: 0.8 }, showlegend: false },
      {
        type: 'scatter', mode: 'markers+text', name: `${name}: mean`, x: [name], y: [mean], text: [mean.toPrecision(3)], textposition: 'middle right',
        marker: { color: color(i), symbol: 'line-ew-open', size: 28, line: { width: 3, color: color(i) } }, showlegend: false, cliponaxis: false,
      },
    ];
  });
  const metric = options.metric ?? 'value';
  return makeFigure(
    data,
    { title: { text: `${metric}: each seed (dots) and the mean (dash)` }, xaxis: axis(''), yaxis: axis(metric, options.logY ? { type: 'log' } : { rangemode: 'tozero' }), showlegend: false },
    options,
  );
}
