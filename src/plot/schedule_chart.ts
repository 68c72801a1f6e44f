import { DownhillError } from '../errors';
import { Schedule } from '../schedules/schedule';
import { checkInteger } from '../validate';
import { Figure, FigureOptions, Trace, axis, color, makeFigure, panelGrid } from './figure';

export interface ScheduleChartOptions extends FigureOptions {
  /** One panel per schedule instead of overlaid lines. */
  grid?: boolean;
  logY?: boolean;
}

/** Learning-rate schedules over `steps` updates, overlaid or side by side. */
export function scheduleChart(schedules: Record<string, Schedule>, steps: number, options: ScheduleChartOptions = {}): Figure {
  const entries = Object.entries(schedules ?? {});
  if (entries.length === 0) throw new DownhillError('plot.scheduleChart: no schedules given.', "pass { name: schedule }, e.g. { cosine: schedules.cosine({ lr: 0.1, tMax: 100 }) }.");
  checkInteger('plot.scheduleChart', 'steps', steps, 2);
  const xs = Array.from({ length: steps }, (_, t) => t);
  entries.forEach(([name, s]) => {
    if (typeof s !== 'function') throw new DownhillError(`plot.scheduleChart: '${name}' is not a schedule.`, 'pass functions from dh.schedules.');
  });
  const yType = options.logY ? { type: 'log' } : {};
  if (!options.grid) {
    const data: Trace[] = entries.map(([name, s], i) => ({
      type: 'scatter', mode: 'lines', name, x: xs, y: xs.map((t) => s(t)), line: { color: color(i), width: 2 },
    }));
    return makeFigure(data, {
      title: { text: 'Learning-rate schedules' }, xaxis: axis('step'), yaxis: axis('learning rate', yType),
    }, options);
  }
  const grid = panelGrid(entries.length, entries.map(([n]) => n));
  const layout: Record<string, unknown> = {
    title: { text: 'Learning-rate schedules' }, showlegend: false, annotations: grid.annotations,
    height: 260 * grid.rows + 80,
  };
  const data: Trace[] = entries.map(([name, s], i) => {
    const p = grid.panels[i];
    layout[p.xaxis] = axis(i >= entries.length - grid.columns ? 'step' : '', { domain: p.domainX, anchor: p.y });
    layout[p.yaxis] = axis(i % grid.columns === 0 ? 'lr' : '', { domain: p.domainY, anchor: p.x, rangemode: 'tozero', ...yType });
    return { type: 'scatter', mode: 'lines', name, x: xs, y: xs.map((t) => s(t)), xaxis: p.x, yaxis: p.y, line: { color: color(i), width: 2 } };
  });
  return makeFigure(data, layout, options);
}
