import { DownhillError } from '../errors';
import { History } from '../train/history';
import { centredAverage } from '../train/centred_average';
import { checkInteger } from '../validate';
import { FigureOptions, Figure, Trace, axis, color, gapWarning, makeFigure, withGaps, withLogGaps } from './figure';
import { Runs, namedRuns } from './runs';

export interface LossCurveOptions extends FigureOptions {
  /** The horizontal axis: update count, epoch, or seconds of wall time (default 'step'). */
  x?: 'step' | 'epoch' | 'time';
  /** What to plot (default 'loss'): 'gradNorm', 'lr', or with x 'epoch' also 'valLoss' or a metric such as 'valAccuracy'. */
  y?: string;
  /** Per epoch, draw the validation loss too (dashed), when recorded (default true). */
  validation?: boolean;
  logY?: boolean;
  /** A second quantity on a right-hand axis: the learning rate or the gradient norm. */
  secondary?: 'lr' | 'gradNorm';
  /**
   * Draw each line twice: the raw values faint, and their centred moving average over
   * `smooth` points either side bold (no lag: both turn at the same place). Default 0: raw only.
   */
  smooth?: number;
}

const LABELS: Record<string, string> = {
  loss: 'loss', valLoss: 'validation loss', gradNorm: 'gradient norm', lr: 'learning rate',
  step: 'step (update)', epoch: 'epoch', time: 'seconds',
};

function series(h: History, x: 'step' | 'epoch' | 'time', key: string): { xs: number[]; ys: number[] } {
  if (x === 'epoch') return { xs: h.epochs.map((e) => e.epoch), ys: h.epochValues(key) };
  // Validation values exist once per epoch: against time, plot them at the end of each epoch.
  if (key.startsWith('val')) return { xs: h.epochs.map((e) => e.time), ys: h.epochValues(key) };
  if (!['loss', 'gradNorm', 'lr', 'time'].includes(key)) {
    const metric = h.steps.map((s) => s.metrics?.[key] ?? NaN);
    return { xs: h.steps.map((s) => (x === 'time' ? s.time : s.step)), ys: metric };
  }
  return { xs: h.steps.map((s) => (x === 'time' ? s.time : s.step)), ys: h.stepValues(key as 'loss') };
}

/**
 * The loss (or another recorded quantity) of one or several runs, overlaid: per
 * step, per epoch or against wall time; validation dashed; optionally the learning
 * rate or gradient norm on a second axis.
 */
export function lossCurve(runs: Runs, options: LossCurveOptions = {}): Figure {
  const list = namedRuns('plot.lossCurve', runs);
  const x = options.x ?? 'step';
  if (!['step', 'epoch', 'time'].includes(x)) {
    throw new DownhillError(`plot.lossCurve: x must be 'step', 'epoch' or 'time', got '${x}'.`, "use x: 'epoch' for one point per pass over the data.");
  }
  const y = options.y ?? 'loss';
  const log = options.logY ?? false;
  const smooth = checkInteger('plot.lossCurve', 'smooth', options.smooth ?? 0, 0);
  const data: Trace[] = [];
  let gaps = 0;
  let empty = 0;
  list.forEach(({ name, history }, i) => {
    const lines: [string, string, string][] = [[y, name, 'solid']];
    const hasVal = history.epochs.some((e) => e.valLoss !== undefined);
    if (x === 'epoch' && y === 'loss' && hasVal && (options.validation ?? true)) lines.push(['valLoss', `${name} (validation)`, 'dash']);
    for (const [key, label, dash] of lines) {
      const s = series(history, x, key);
      const clean = log ? withLogGaps(s.ys) : withGaps(s.ys);
      if (clean.values.every((v) => v === null)) empty += smooth > 0 ? 2 : 1;
      gaps += clean.gaps;
      if (smooth > 0) {
        data.push({
          type: 'scatter', mode: 'lines', name: `${label} (raw)`, x: s.xs, y: clean.values, legendgroup: label, showlegend: false,
          line: { color: color(i), dash, width: 1 }, opacity: 0.35, connectgaps: false,
        });
        const averaged = centredAverage(s.ys, smooth);
        data.push({
          type: 'scatter', mode: 'lines', name: `${label} (average of ${2 * smooth + 1})`, x: s.xs, y: (log ? withLogGaps(averaged) : withGaps(averaged)).values,
          legendgroup: label, line: { color: color(i), dash, width: 2.5 }, connectgaps: false,
        });
        continue;
      }
      data.push({
        type: 'scatter', mode: s.xs.length <= 60 ? 'lines+markers' : 'lines', name: label, x: s.xs, y: clean.values,
        line: { color: color(i), dash, width: 2 }, marker: { size: 5 }, connectgaps: false,
      });
    }
    if (options.secondary) {
      const s = series(history, x, options.secondary);
      data.push({
        type: 'scatter', mode: 'lines', name: `${name} ${LABELS[options.secondary]}`, x: s.xs, y: withGaps(s.ys).values,
        yaxis: 'y2', line: { color: color(i), dash: 'dot', width: 1.5 }, opacity: 0.8,
      });
    }
  });
  if (empty === data.filter((t) => t.yaxis !== 'y2').length) {
    throw new DownhillError(
      `plot.lossCurve: no run has a finite '${y}' to draw${x === 'epoch' ? ' per epoch' : ' per step'}.`,
      y.startsWith('val') ? 'train with validation data (fit({ validation }))' : y === 'gradNorm' ? 'record it: fit({ ..., recordGradNorm: true }) (descend always records it).' : `check the name: recorded are loss, gradNorm, lr, valLoss and the metrics you passed.`,
    );
  }
  const yLabel = LABELS[y] ?? (y.startsWith('val') && y.length > 3 ? `validation ${y[3].toLowerCase()}${y.slice(4)}` : y);
  if (options.secondary === 'gradNorm' && list.every((r) => r.history.steps.every((st) => Number.isNaN(st.gradNorm)))) {
    throw new DownhillError('plot.lossCurve: the gradient norm was not recorded for these runs.', 'record it: fit({ ..., recordGradNorm: true }) (descend always records it).');
  }
  const layout: Record<string, unknown> = {
    title: { text: `${yLabel[0].toUpperCase()}${yLabel.slice(1)} per ${x === 'time' ? 'second' : x}${list.length > 1 ? ': ' + list.map((r) => r.name).join(' vs ') : ''}` },
    xaxis: axis(LABELS[x], x !== 'time' && Math.max(...list.map((r) => (x === 'epoch' ? r.history.epochs : r.history.steps).length)) <= 20 ? { dtick: 1 } : {}),
    yaxis: axis(log ? `${yLabel} (log scale)` : yLabel, log ? { type: 'log' } : {}),
    showlegend: data.length > 1,
  };
  if (options.secondary) {
    layout.yaxis2 = axis(`${LABELS[options.secondary]} (dotted)`, { overlaying: 'y', side: 'right', showgrid: false, rangemode: 'tozero' });
    layout.legend = { orientation: 'h', y: -0.2 };
    layout.margin = { r: 80 };
  }
  return makeFigure(data, layout, options, gapWarning(gaps, yLabel, log));
}
