import { DownhillError } from '../errors';
import { Landscape } from '../landscapes/landscape';
import { Figure, FigureOptions, Layout, Trace, axis, color, linspace, makeFigure, panelGrid } from './figure';
import { Runs, namedRuns, pathOf } from './runs';

export interface Descent1dOptions extends FigureOptions {
  /** The w range drawn (default: the landscape's domain, widened to the starting points). */
  range?: [number, number];
  /** Arrows for the first this-many steps of each run (default 12). */
  arrows?: number;
}

/**
 * The "ball rolling down" picture: a one-parameter loss curve with each run's steps
 * marked on it and arrows from step to step. Several runs get one panel each.
 */
export function descent1d(landscape: Landscape, runs: Runs, options: Descent1dOptions = {}): Figure {
  if (!landscape || landscape.dims !== 1) {
    throw new DownhillError('plot.descent1d: needs a one-dimensional landscape.', 'use e.g. landscapes.parabola() or landscapes.doubleWell(); for two parameters use plot.contour.');
  }
  const list = namedRuns('plot.descent1d', runs);
  const paths = list.map(({ name, history }) => pathOf('plot.descent1d', name, history, 1).map((p) => p[0]));
  let [lo, hi] = options.range ?? landscape.domain[0];
  if (!options.range) {
    for (const p of paths) {
      lo = Math.min(lo, p[0]);
      hi = Math.max(hi, p[0]);
    }
    const pad = (hi - lo) * 0.05;
    lo -= pad;
    hi += pad;
  }
  const xs = linspace(lo, hi, 300);
  const curve = landscape.curve(xs);
  if (!curve.some(Number.isFinite)) {
    throw new DownhillError(`plot.descent1d: ${landscape.name} has no finite value on [${lo}, ${hi}].`, 'choose a range where the function is defined.');
  }
  const finiteCurve = curve.filter(Number.isFinite);
  const [yMin, yMax] = [Math.min(...finiteCurve), Math.max(...finiteCurve)];
  const yPad = (yMax - yMin) * 0.08 || 1;
  const single = list.length === 1;
  const grid = panelGrid(list.length, list.map((r) => r.name));
  const data: Trace[] = [];
  const annotations: Layout[] = single ? [] : [...grid.annotations];
  const layout: Layout = { showlegend: false, height: single ? 450 : 300 * grid.rows + 100 };
  const warnings: string[] = [];
  const maxArrows = options.arrows ?? 12;
  list.forEach(({ name }, i) => {
    const p = grid.panels[i];
    const where = { xaxis: p.x, yaxis: p.y };
    data.push({ type: 'scatter', mode: 'lines', name: landscape.name, x: xs, y: curve, line: { color: '#999', width: 2 }, hoverinfo: 'skip', ...where });
    const path = paths[i];
    const values = landscape.curve(path);
    const inside = path.map((w, k) => w >= lo && w <= hi && Number.isFinite(values[k]) && values[k] <= yMax + yPad);
    const outside = inside.filter((v) => !v).length;
    if (outside) warnings.push(`${name}: ${outside} of ${path.length} points lie outside the drawn range (the run left the valley).`);
    data.push({
      type: 'scatter', mode: 'lines+markers', name, ...where,
      x: path.map((w, k) => (inside[k] ? w : null)), y: values.map((v, k) => (inside[k] ? v : null)),
      line: { color: color(i), width: 1, dash: 'dot' }, marker: { color: color(i), size: 7 },
      text: path.map((_, k) => `step ${k}`), hovertemplate: '%{text}: w = %{x:.4g}, J = %{y:.4g}<extra></extra>',
    });
    data.push({
      type: 'scatter', mode: 'markers', name: `${name} start`, ...where, x: [path[0]], y: [values[0]],
      marker: { color: color(i), size: 13, symbol: 'circle-open', line: { width: 3 } }, hoverinfo: 'skip',
    });
    for (let k = 0; k < Math.min(maxArrows, path.length - 1); k++) {
      if (!inside[k] || !inside[k + 1]) break;
      annotations.push({
        x: path[k + 1], y: values[k + 1], ax: path[k], ay: values[k], xref: p.x, yref: p.y, axref: p.x, ayref: p.y,
        showarrow: true, arrowhead: 2, arrowsize: 1, arrowwidth: 1.5, arrowcolor: color(i), text: '', opacity: 0.8,
      });
    }
    layout[p.xaxis] = axis(landscape.axes[0], { domain: p.domainX, anchor: p.y, range: [lo, hi] });
    layout[p.yaxis] = axis('J(w)', { domain: p.domainY, anchor: p.x, range: [yMin - yPad, yMax + yPad] });
  });
  layout.annotations = annotations;
  layout.title = { text: single ? `Gradient descent on ${landscape.name}: ${list[0].name}` : `Gradient descent on ${landscape.name}` };
  return makeFigure(data, layout, options, warnings);
}
