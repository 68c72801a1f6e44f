import { DownhillError } from '../errors';
import { Figure, FigureOptions, Layout, axis, makeFigure } from './figure';

export interface ConfusionOptions extends FigureOptions {
  /** Class names (default 0..k−1). */
  classes?: string[];
  /** Show each row as fractions of the true class instead of counts. */
  normalize?: boolean;
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
  const max = Math.max(...shown.flat());
  const annotations: Layout[] = [];
  shown.forEach((row, r) =>
    row.forEach((v, c) => {
      if (v === 0) return;
      annotations.push({
        x: names[c], y: names[r], text: options.normalize ? v.toFixed(2) : String(v), showarrow: false,
        font: { size: 11, color: v > max * 0.6 ? 'white' : '#222' },
      });
    }),
  );
  const correct = counts.reduce((a, row, i) => a + row[i], 0);
  return makeFigure(
    [{
      type: 'heatmap', x: names, y: names, z: shown, colorscale: [[0, '#f7fbff'], [0.5, '#6baed6'], [1, '#08306b']], showscale: true,
      colorbar: { title: { text: options.normalize ? 'fraction' : 'count' }, thickness: 12 },
      hovertemplate: 'true %{y}, predicted %{x}: %{z}<extra></extra>',
    }],
    {
      title: { text: `Confusion matrix: ${correct} of ${actual.length} right (${((100 * correct) / actual.length).toFixed(1)}%)` },
      annotations,
      xaxis: axis('predicted class', { type: 'category', side: 'bottom' }),
      yaxis: axis('true class', { type: 'category', autorange: 'reversed', scaleanchor: 'x' }),
      width: 620, height: 600,
    },
    options,
  );
}
