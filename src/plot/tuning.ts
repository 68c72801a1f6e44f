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

/** One contender's sweep: the values tried and the score of each (lower is better; not finite = failed). */
export interface SweepCurve {
  values: number[];
  scores: number[];
}

export interface SweepCurvesOptions extends FigureOptions {
  /** What was swept, on a log x axis (default 'learning rate'). */
  hyperparameter?: string;
  /** What the score is, on a log y axis (default 'final loss'). */
  score?: string;
}

/**
 * A sweep a notebook ran itself (e.g. on a landscape, in plain numbers): the score
 * of each contender against the swept value, its best value circled, failed values
 * (a score that is not finite: the run diverged) left as gaps and named in a warning.
 */
export function sweepCurves(curves: Record<string, SweepCurve>, options: SweepCurvesOptions = {}): Figure {
  const where = 'plot.sweepCurves';
  const entries = Object.entries(curves ?? {});
  if (entries.length === 0) throw new DownhillError(`${where}: no sweeps given.`, 'pass { name: { values: [...], scores: [...] } }.');
  const failed: string[] = [];
  const data = entries.flatMap(([name, { values, scores }], i) => {
    if (!Array.isArray(values) || !Array.isArray(scores) || values.length === 0 || values.length !== scores.length) {
      throw new DownhillError(`${where}: '${name}' needs as many scores as values (got ${values?.length} values, ${scores?.length} scores).`, 'give one score per value tried.');
    }
    const shown = scores.map((s) => (Number.isFinite(s) && s > 0 ? s : null));
    if (shown.some((s) => s === null)) failed.push(name);
    const best = scores.reduce((b, s, k) => (Number.isFinite(s) && (b < 0 || s < scores[b]) ? k : b), -1);
    return [
      { type: 'scatter', mode: 'lines+markers', name, x: values, y: shown, line: { color: color(i), width: 2 }, marker: { color: color(i) } },
      {
        type: 'scatter', mode: 'markers', name: `${name}: best`, showlegend: false, x: best < 0 ? [] : [values[best]], y: best < 0 ? [] : [shown[best]],
        marker: { symbol: 'circle-open', size: 16, color: color(i), line: { width: 2 } },
      },
    ];
  });
  const h = options.hyperparameter ?? 'learning rate';
  const score = options.score ?? 'final loss';
  return makeFigure(
    data,
    { title: { text: `${score} against ${h} (best circled)` }, xaxis: axis(h, { type: 'log' }), yaxis: axis(score, { type: 'log', exponentformat: 'power' }) },
    options,
    failed.length ? [`${failed.join(', ')}: diverged at some values, left as gaps`] : [],
  );
}
