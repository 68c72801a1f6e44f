import { DownhillError } from '../errors';
import { Figure, FigureOptions, Layout, axis, makeFigure } from './figure';

export interface ConfusionOptions extends FigureOptions {
  /** Class names (default 0..k−1). */
  classes?: string[];
  /** Show each row as fractions of the true class instead of counts. */
  normalize?: boolean;
  /**
   * The colour scale (default 'log'): on a linear scale the diagonal's thousands
   * wash out every confusion of a few dozen; on a log scale both are readable.
   * Empty cells stay blank either way.
   */
  scale?: 'log' | 'linear';
}

/** The confusion matrix: rows are true classes, columns predicted ones, the diagonal is right. */
export function confusionMatrix(predicted: ArrayLike<number>, actual: ArrayLike<number>, options: ConfusionOptions = {}): Figure {
  const where = 'plot.confusionMatrix';
  if (!predicted || !actual || predicted.length !== actual.length) {
    throw new DownhillError(
      `${where}: ${predicted?.length ?? 0} predictions but ${actual?.length ?? 0} true labels.`,
      'pass one prediction per labelled sample (predictClasses returns both, aligned).',
    );
  }
  if (predicted.length === 0) throw new DownhillError(`${where}: no predictions.`, 'predict at least one sample.');
  let k = options.classes?.length ?? 0;
  for (let i = 0; i < actual.length; i++) k = Math.max(k, actual[i] + 1, predicted[i] + 1);
  const names = options.classes ?? Array.from({ length: k }, (_, i) => String(i));
  const counts = Array.from({ length: k }, () => new Array(k).fill(0));
  for (let i = 0; i < actual.length; i++) counts[actual[i]][predicted[i]]++;
  const shown = options.normalize ? counts.map((row) => row.map((c) => c / Math.max(1, row.reduce((a, b) => a + b, 0)))) : counts;
  const log = (options.scale ?? 'log') === 'log';
  const positive = shown.flat().filter((v) => v > 0);
  const lo = Math.min(...positive);
  const hi = Math.max(...positive);
  // On the log scale the colour is log10 of the value (empty cells blank); the hover and the labels keep the values.
  const z = shown.map((row) => row.map((v) => (log ? (v > 0 ? Math.log10(v) : null) : v)));
  const top = log ? Math.log10(hi) : hi;
  const bottom = log ? Math.log10(lo) : 0;
  const dark = (v: number) => (log ? Math.log10(v) : v) > bottom + (top - bottom) * 0.6;
  const annotations: Layout[] = [];
  shown.forEach((row, r) =>
    row.forEach((v, c) => {
      if (v === 0) return;
      annotations.push({
        x: names[c], y: names[r], text: options.normalize ? v.toFixed(2) : String(v), showarrow: false,
        font: { size: 11, color: dark(v) ? 'white' : '#222' },
      });
    }),
  );
  const ticks = log ? logTicks(lo, hi) : undefined;
  const correct = counts.reduce((a, row, i) => a + row[i], 0);
  return makeFigure(
    [{
      type: 'heatmap', x: names, y: names, z, customdata: shown, colorscale: [[0, '#deebf7'], [0.5, '#6baed6'], [1, '#08306b']], showscale: true,
      zmin: bottom, zmax: top,
      colorbar: {
        title: { text: `${options.normalize ? 'fraction' : 'count'}${log ? ' (log scale)' : ''}` }, thickness: 12,
        ...(ticks ? { tickvals: ticks.map((t) => Math.log10(t)), ticktext: ticks.map((t) => String(Number(t.toPrecision(3)))) } : {}),
      },
      hovertemplate: 'true %{y}, predicted %{x}: %{customdata}<extra></extra>',
    }],
    {
      title: { text: `Confusion matrix: ${correct} of ${actual.length} right (${((100 * correct) / actual.length).toFixed(1)}%)` },
      annotations,
      xaxis: axis('predicted class', { type: 'category', side: 'bottom', constrain: 'domain' }),
      yaxis: axis('true class', { type: 'category', autorange: 'reversed', scaleanchor: 'x', constrain: 'domain' }),
      width: 620, height: 600,
    },
    options,
  );
}

/** Colour-bar ticks for a log scale from lo to hi: 1, 2, 5, 10, 20, … within the range (both ends included). */
function logTicks(lo: number, hi: number): number[] {
  const ticks = new Set<number>([lo, hi]);
  for (let decade = Math.floor(Math.log10(lo)); decade <= Math.ceil(Math.log10(hi)); decade++) {
    for (const m of [1, 2, 5]) {
      const t = Number((m * 10 ** decade).toPrecision(2));
      if (t > lo * 1.3 && t < hi / 1.3) ticks.add(t);
    }
  }
  return [...ticks].sort((a, b) => a - b);
}
