import { DataInput, dataset } from '../data/dataset';
import { DownhillError } from '../errors';
import { History } from '../train/history';
import { frameSteps, playControls } from './animation';
import { Figure, FigureOptions, Frame, Layout, Trace, axis, color, makeFigure } from './figure';

export interface RegressionOptions extends FigureOptions {
  /** With a History: replay the fitted line across training (play button and slider). */
  animate?: boolean;
  /** How many frames at most when animating (default 60): every step of a short run, log-spaced steps of a long one. */
  frames?: number;
}

type Line = { w: number; b: number };

/**
 * Data points with fitted lines y = w·x + b: lines by name ({ sgd: { w, b } }), or a
 * History of a one-feature linear model (its last line, or the line moving across
 * training with `animate`: its equation in the legend and the step in the title follow it).
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
  const last = path[path.length - 1];
  if (!options.animate) {
    return makeFigure([points, lineTrace(fits.label, { w: last[0], b: last[1] }, 0)], { ...layout, title: { text: `Fitted line after ${fits.epochs.length} epochs` } }, options);
  }
  // Log-spaced steps: each early step (where the line moves most) gets a frame.
  const shown = frameSteps(path.length - 1, options.frames ?? 60);
  const labelOf = (step: number) => (step === 0 ? 'start' : `step ${step} (epoch ${fits.steps[step - 1]?.epoch ?? '?'})`);
  // Keep every frame's line in view (within reason: a diverging line may leave it).
  const yLo = Math.min(...ys);
  const yHi = Math.max(...ys);
  const span = yHi - yLo || 1;
  const lineYs = shown.flatMap((step) => ends.map((x) => path[step][0] * x + path[step][1])).filter((v) => Math.abs(v - (yLo + yHi) / 2) < 5 * span);
  const yRange = [Math.min(yLo, ...lineYs) - 0.05 * span, Math.max(yHi, ...lineYs) + 0.05 * span];
  const titleAt = (step: number) => ({ title: { text: `The fitted line during training: ${labelOf(step)}` } });
  // The legend names the line's equation, so each frame redraws (cheap: two traces).
  const frames: Frame[] = shown.map((step) => {
    const { name, y } = lineTrace(fits.label, { w: path[step][0], b: path[step][1] }, 0);
    return { name: labelOf(step), data: [{ name, y }], traces: [1], layout: titleAt(step) }; // only what changes
  });
  return makeFigure(
    [points, lineTrace(fits.label, { w: path[0][0], b: path[0][1] }, 0)],
    {
      ...layout,
      ...titleAt(0),
      legend: { orientation: 'h', y: 1.02, yanchor: 'bottom' },
      height: 520,
      yaxis: axis('y', { range: yRange }),
      ...playControls(frames, { buttonsY: -0.12, sliderY: -0.1, sliderX: 0.18 }, 120, true),
    },
    options,
    [],
    frames,
  );
}
