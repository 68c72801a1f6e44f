import { DownhillError } from '../errors';
import { BenchmarkResult } from '../train/harness';
import { Figure, FigureOptions, axis, color, makeFigure } from './figure';

export interface TuningCurvesOptions extends FigureOptions {
  /** The hyperparameter on the x axis (default 'lr', drawn on a log scale). */
  hyperparameter?: string;
}

/**
 * How sensitive each optimizer is to a hyperparameter: the final validation loss
 * (mean over seeds, bars: ± one standard deviation) against its value, the chosen
 * configuration circled. With several hyperparameters, each point is the best over the others.
 */
export function tuningCurves(result: BenchmarkResult, options: TuningCurvesOptions = {}): Figure {
  const h = options.hyperparameter ?? 'lr';
  if (!result?.trials?.length) throw new DownhillError('plot.tuningCurves: no trials.', 'pass the result of benchmarkOptimizers.');
  const names = [...new Set(result.trials.map((t) => t.optimizer))];
  const failed: string[] = [];
  const data = names.flatMap((name, i) => {
    const mine = result.trials.filter((t) => t.optimizer === name);
    if (!mine.every((t) => h in t.config)) {
      throw new DownhillError(`plot.tuningCurves: '${name}' has no hyperparameter '${h}'.`, `pass hyperparameter: one of ${Object.keys(mine[0].config).join(', ')}.`);
    }
    const values = [...new Set(mine.map((t) => t.config[h]))].sort((a, b) => a - b);
    const points = values.map((v) => {
      const configs = [...new Set(mine.filter((t) => t.config[h] === v).map((t) => t.config))];
      const stats = configs.map((c) => {
        const losses = mine.filter((t) => t.config === c).map((t) => t.valLoss);
        const m = losses.reduce((a, b) => a + b, 0) / losses.length;
        const sd = Math.sqrt(losses.reduce((a, x) => a + (x - m) ** 2, 0) / Math.max(1, losses.length - 1));
        return { m, sd };
      });
      return stats.reduce((a, b) => (b.m < a.m ? b : a));
    });
    if (points.some((p) => !Number.isFinite(p.m))) failed.push(name);
    const best = result.best[name][h];
    return [
      {
        type: 'scatter', mode: 'lines+markers', name, x: values, y: points.map((p) => (Number.isFinite(p.m) ? p.m : null)),
        error_y: { type: 'data', array: points.map((p) => (Number.isFinite(p.sd) ? p.sd : 0)), visible: true },
        line: { color: color(i) }, marker: { color: color(i) },
      },
      {
        type: 'scatter', mode: 'markers', name: `${name}: chosen`, showlegend: false, x: [best],
        y: [points[values.indexOf(best)]?.m ?? null], marker: { symbol: 'circle-open', size: 16, color: color(i), line: { width: 2 } },
      },
    ];
  });
  const warnings = failed.length ? [`${failed.join(', ')}: some values diverged for every seed (gaps)`] : [];
  return makeFigure(
    data,
    {
      title: { text: `Final validation loss against ${h} (${result.budget} configurations × ${result.seeds.length} seeds each)` },
      xaxis: axis(h, { type: 'log' }),
      yaxis: axis('validation loss (mean ± sd over seeds)', { type: 'log' }),
    },
    options,
    warnings,
  );
}
