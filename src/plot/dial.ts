import { DownhillError } from '../errors';
import { frameMotion } from './animation';
import { Figure, Frame, Layout, Trace, mergeDeep } from './figure';

export interface DialOptions {
  /** What the dial sets, shown by the slider: 'learning rate'. */
  label: string;
  /** The stop the figure opens at (an index into `values`; default 0). The still image shows it too. */
  active?: number;
  /** How a value is written on the slider (default: up to 4 significant digits). */
  format?: (value: number) => string;
}

/** Stops a dial may have: every position is stored in the page. */
const MAX_STOPS = 40;
/** Pixels under the plot for the slider. */
const SLIDER_ROOM = 90;

/**
 * An explorable: one figure with a slider whose stops are `values`, each showing
 * `figureFor(value)`. Every position is computed now and stored in the figure, so
 * the exported page answers "what if the learning rate were 0.3?" offline, with
 * no kernel. Traces that are the same at every stop (a landscape's contour) are
 * stored once; the others go into one frame per stop.
 *
 *   show(plot.dial([0.01, 0.1, 0.5, 0.9, 1.05], (lr) => plot.descent1d(curve, descend1d(lr)), { label: 'learning rate', active: 1 }));
 */
export function dial(values: readonly number[], figureFor: (value: number) => Figure, options: DialOptions): Figure {
  const where = 'plot.dial';
  if (!Array.isArray(values) || values.length < 2 || values.length > MAX_STOPS || !values.every(Number.isFinite)) {
    throw new DownhillError(`${where}: needs 2 to ${MAX_STOPS} finite values for the dial's stops, got ${Array.isArray(values) ? `${values.length} (${values.slice(0, 5).join(', ')}…)` : typeof values}.`, 'pass e.g. [0.01, 0.03, 0.1, 0.3, 1].');
  }
  if (typeof figureFor !== 'function') throw new DownhillError(`${where}: the second argument must be a function value => Figure.`, 'pass e.g. (lr) => plot.contour(landscape, runs(lr)).');
  if (!options?.label) throw new DownhillError(`${where}: the dial has no label.`, "pass { label: 'learning rate' }.");
  const active = options.active ?? 0;
  if (!Number.isInteger(active) || active < 0 || active >= values.length) {
    throw new DownhillError(`${where}: active must be the index of a stop (0 to ${values.length - 1}), got ${active}.`, `pass active: ${Math.floor(values.length / 2)} for the middle stop.`);
  }
  const format = options.format ?? ((v: number) => String(Number(v.toPrecision(4))));
  const figures = values.map((v) => figureFor(v));
  const traceCount = figures[0].data.length;
  figures.forEach((f, i) => {
    if (!f?.data || f.data.length !== traceCount) {
      throw new DownhillError(`${where}: the figure for ${values[i]} has ${f?.data?.length ?? 0} traces, the one for ${values[0]} has ${traceCount}.`, 'return the same traces at every stop (an empty trace where there is nothing to draw), so the slider can swap them.');
    }
    if (f.frames?.length) throw new DownhillError(`${where}: the figure for ${values[i]} is animated.`, 'return still figures: the dial itself is the animation.');
  });
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const changing = Array.from({ length: traceCount }, (_, t) => t).filter((t) => figures.some((f) => !same(f.data[t], figures[0].data[t])));
  const layoutKeys = Object.keys(figures[active].layout).filter((k) => figures.some((f) => !same(f.layout[k], figures[0].layout[k])));
  const redraw = layoutKeys.length > 0;
  const names = values.map(format);
  if (new Set(names).size !== names.length) throw new DownhillError(`${where}: two stops are written the same (${names.join(', ')}).`, 'pass distinct values, or a format that tells them apart.');
  const frames: Frame[] = figures.map((f, i) => ({
    name: names[i],
    data: changing.map((t) => f.data[t]),
    traces: changing,
    ...(redraw ? { layout: Object.fromEntries(layoutKeys.map((k) => [k, f.layout[k]])) } : {}),
  }));
  const base = figures[active];
  const margin = (base.layout.margin as Layout | undefined) ?? {};
  const height = base.layout.height === undefined ? undefined : Number(base.layout.height) + SLIDER_ROOM;
  const layout = mergeDeep(base.layout, {
    margin: { b: Number(margin.b ?? 60) + SLIDER_ROOM },
    ...(height ? { height } : {}),
    sliders: [
      {
        active, x: 0, len: 1, y: 0, yanchor: 'top', pad: { t: 60 },
        currentvalue: { prefix: `${options.label}: `, visible: true, font: { size: 14 } },
        steps: names.map((name) => ({ label: name, method: 'animate', args: [[name], frameMotion(0, redraw)] })),
      },
    ],
  });
  const fig: Figure = { data: base.data.map((t) => ({ ...t }) as Trace), layout, frames };
  const warnings = [...new Set(figures.flatMap((f) => f.warnings ?? []))];
  if (warnings.length) fig.warnings = warnings;
  return fig;
}

