import { DataInput, dataset } from '../data/dataset';
import { DownhillError } from '../errors';
import { History } from '../train/history';
import { Figure, FigureOptions, Frame, Layout, Trace, axis, color, makeFigure } from './figure';

export interface RegressionOptions extends FigureOptions {
  /** With a History: replay the fitted line across training (play button and slider). */
  animate?: boolean;
  /** How many frames at most when animating (default 60). */
  frames?: number;
}

type Line = { w: number; b: number };

/**
 * Data points with fitted lines y = w·x + b: lines by name ({ sgd: { w, b } }), or a
 * History of a one-feature linear model (its last line, or the line moving across
 * training with `animate`).
 */
export function regression(data: DataInput, fits: Record<string, Line> | History, options: RegressionOptions = {}): Figure {
  const d = dataset(data, 'plot.regression: data');
  if (d.xShape[0] !== 1 || d.yShape[0] !== 1) {
    throw new DownhillError(`plot.regression: draws one input against one target, got samples of shape [${d.xShape}] → [${d.yShape}].`, 'pass data with one feature and one target.');
  }
  const xs = Array.from(d.x);
  const ys = Array.from(d.y);
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const pad = (hi - lo) * 0.05 || 1;
  const ends = [lo - pad, hi + pad];
  const points: Trace = { type: 'scatter', mode: 'markers', name: 'data', x: xs, y: ys, marker: { color: '#444', size: xs.length > 200 ? 4 : 8, opacity: 0.7 } };
  const lineTrace = (name: string, l: Line, i: number): Trace => ({
    type: 'scatter', mode: 'lines', name: `${name}: y = ${l.w.toFixed(3)}x ${l.b < 0 ? '−' : '+'} ${Math.abs(l.b).toFixed(3)}`,
    x: ends, y: ends.map((x) => l.w * x + l.b), line: { color: color(i), width: 3 },
  });
  const layout: Layout = { xaxis: axis('x'), yaxis: axis('y'), legend: { orientation: 'h', y: -0.18 } };

  if (!(fits instanceof History)) {
    const entries = Object.entries(fits ?? {});
    if (!entries.length) throw new DownhillError('plot.regression: no fitted line given.', 'pass { name: { w, b } } or the History of fit().');
    return makeFigure([points, ...entries.map(([n, l], i) => lineTrace(n, l, i))], { ...layout, title: { text: 'Data and fitted line' } }, options);
  }
  const path = fits.trajectory();
  if (path.length === 0 || path[0].length !== 2) {
    throw new DownhillError(
      `plot.regression: the history must record two parameters (w, b) per step; it has ${path[0]?.length ?? 0}.`,
      'train models.linear() (one input, one output) with fit(): its w and b are recorded.',
    );
  }
  // One line per epoch: the parameters after that epoch's last step.
  const byEpoch = [{ label: 'start', p: path[0] }, ...fits.epochs.map((e) => ({ label: `epoch ${e.epoch}`, p: path[e.steps] }))];
  const last = byEpoch[byEpoch.length - 1];
  if (!options.animate) {
    return makeFigure([points, lineTrace(fits.label, { w: last.p[0], b: last.p[1] }, 0)], { ...layout, title: { text: `Fitted line after ${fits.epochs.length} epochs` } }, options);
  }
  const count = Math.min(options.frames ?? 60, byEpoch.length);
  const chosen = Array.from({ length: count }, (_, k) => byEpoch[Math.round((k * (byEpoch.length - 1)) / Math.max(1, count - 1))]);
  // Keep every frame's line in view (within reason: a diverging line may leave it).
  const yLo = Math.min(...ys);
  const yHi = Math.max(...ys);
  const span = yHi - yLo || 1;
  const lineYs = chosen.flatMap(({ p }) => ends.map((x) => p[0] * x + p[1])).filter((v) => Math.abs(v - (yLo + yHi) / 2) < 5 * span);
  const yRange = [Math.min(yLo, ...lineYs) - 0.05 * span, Math.max(yHi, ...lineYs) + 0.05 * span];
  const frames: Frame[] = chosen.map(({ label, p }) => ({ name: label, data: [lineTrace(fits.label, { w: p[0], b: p[1] }, 0)], traces: [1] }));
  const still = { mode: 'immediate', frame: { duration: 0, redraw: false }, transition: { duration: 0 } };
  return makeFigure(
    [points, lineTrace(fits.label, { w: chosen[0].p[0], b: chosen[0].p[1] }, 0)],
    {
      ...layout,
      title: { text: 'The fitted line during training' },
      legend: { orientation: 'h', y: 1.02, yanchor: 'bottom' },
      height: 520,
      yaxis: axis('y', { range: yRange }),
      updatemenus: [{
        type: 'buttons', showactive: false, direction: 'left', x: 0, y: -0.12, xanchor: 'left', yanchor: 'top',
        buttons: [
          { label: '▶ Play', method: 'animate', args: [null, { frame: { duration: 120, redraw: false }, fromcurrent: true, transition: { duration: 0 } }] },
          { label: '❚❚ Pause', method: 'animate', args: [[null], still] },
        ],
      }],
      sliders: [{
        active: 0, x: 0.18, len: 0.82, y: -0.1, yanchor: 'top', currentvalue: { visible: true },
        steps: frames.map((f) => ({ label: f.name, method: 'animate', args: [[f.name], still] })),
      }],
    },
    options,
    [],
    frames,
  );
}
