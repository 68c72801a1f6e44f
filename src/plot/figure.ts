import { DownhillError } from '../errors';

/** A Plotly trace: `{ type: 'scatter', x: [...], y: [...], ... }`. */
export interface Trace {
  type?: string;
  name?: string;
  [key: string]: unknown;
}
export type Layout = Record<string, unknown>;
export interface Frame {
  name?: string;
  data: Trace[];
  traces?: number[];
  layout?: Layout;
}

/**
 * A Plotly figure as plain data: what every builder in `plot` returns and what
 * `show`, `toHTML` and `toPNG` take. `warnings` says what could not be drawn
 * (also written on the chart).
 */
export interface Figure {
  data: Trace[];
  layout: Layout;
  frames?: Frame[];
  warnings?: string[];
}

/** Options every builder accepts. */
export interface FigureOptions {
  title?: string;
  /** Merged into the layout last, so anything can be overridden (deeply, arrays replaced). */
  layout?: Layout;
}

/** A colour-blind-safe palette (Okabe–Ito, without the yellow that vanishes on white). */
export const COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#7F7F7F', '#000000'];

export function color(i: number): string {
  return COLORS[i % COLORS.length];
}

const BASE_LAYOUT: Layout = {
  font: { family: 'Helvetica, Arial, sans-serif', size: 13, color: '#222' },
  paper_bgcolor: 'white',
  plot_bgcolor: 'white',
  margin: { l: 70, r: 30, t: 70, b: 60 },
  hovermode: 'closest',
  legend: { bgcolor: 'rgba(255,255,255,0.8)' },
};

/** Axis defaults: light grid, a visible zero line, the title. */
export function axis(title: string, extra: Layout = {}): Layout {
  return { title: { text: title }, gridcolor: '#e6e6e6', zerolinecolor: '#bbbbbb', linecolor: '#888', ...extra };
}

/** Objects merge key by key; arrays and other values in `override` replace those in `base`. */
export function mergeDeep(base: Layout, override: Layout | undefined): Layout {
  if (!override) return base;
  const out: Layout = { ...base };
  for (const [k, v] of Object.entries(override)) {
    const b = out[k];
    out[k] = isPlainObject(v) && isPlainObject(b) ? mergeDeep(b as Layout, v as Layout) : v;
  }
  return out;
}

function isPlainObject(v: unknown): v is Layout {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The width assumed for a chart that fills its container (a notebook output is about this wide). */
const RESPONSIVE_WIDTH = 700;

/**
 * Plotly never wraps a title: a long one is cut at the figure's edge. Breaks a plain
 * title (no markup other than <br>) into lines that fit `width` pixels, at spaces,
 * and makes room above the plot for the extra lines.
 */
export function withWrappedTitle(layout: Layout, width: number): Layout {
  const title = layout.title as { text?: unknown; font?: { size?: number } } | undefined;
  if (!isPlainObject(title) || typeof title.text !== 'string' || /<(?!br\s*\/?>)/i.test(title.text)) return layout;
  const fontSize = Number(title.font?.size ?? 1.4 * Number((layout.font as { size?: number } | undefined)?.size ?? 13));
  const margin = (layout.margin as Layout | undefined) ?? {};
  const room = width - 0.02 * width - Number(margin.r ?? 30);
  const perLine = Math.max(12, Math.floor(room / (0.56 * fontSize)));
  const lines: string[] = [];
  for (const given of title.text.split(/<br\s*\/?>/i)) {
    let line = '';
    for (const word of given.split(' ')) {
      if (line && line.length + 1 + word.length > perLine) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(line);
  }
  const added = lines.length - title.text.split(/<br\s*\/?>/i).length;
  if (added === 0) return layout;
  return mergeDeep(layout, { title: { text: lines.join('<br>') }, margin: { t: Number(margin.t ?? 70) + Math.ceil(1.3 * fontSize) * added } });
}

/**
 * Assembles a figure: base styling, the builder's layout, the title (wrapped to the
 * figure's width), the caller's overrides, and any warnings written in a red note
 * above the plot.
 */
export function makeFigure(data: Trace[], layout: Layout, options: FigureOptions, warnings: string[] = [], frames?: Frame[]): Figure {
  let merged = mergeDeep(BASE_LAYOUT, layout);
  if (options.title !== undefined) merged = mergeDeep(merged, { title: { text: options.title } });
  merged = withWrappedTitle(merged, Number(options.layout?.width ?? merged.width ?? RESPONSIVE_WIDTH));
  if (warnings.length) {
    // Written under the title in red, so the warning is seen with the chart.
    const title = (merged.title as { text?: string } | undefined)?.text ?? '';
    const note = warnings.map((w) => `<span style="font-size:12px;color:#B00020">⚠ ${w}</span>`).join('<br>');
    const margin = (merged.margin as Layout) ?? {};
    merged = mergeDeep(merged, { title: { text: `${title}<br>${note}` }, margin: { t: Number(margin.t ?? 70) + 18 * warnings.length } });
  }
  if (isPlainObject(merged.title)) merged = mergeDeep({ title: { x: 0.02, xanchor: 'left', y: 0.97, yanchor: 'top', yref: 'container', pad: { t: 4 } } }, merged);
  merged = mergeDeep(merged, options.layout);
  const fig: Figure = { data, layout: merged };
  if (frames) fig.frames = frames;
  if (warnings.length) fig.warnings = warnings;
  return fig;
}

/**
 * Non-finite values become null (Plotly draws a gap there); the count is returned so
 * that the builder can say so on the chart.
 */
export function withGaps(values: readonly number[]): { values: (number | null)[]; gaps: number } {
  let gaps = 0;
  const out = values.map((v) => {
    if (Number.isFinite(v)) return v;
    gaps++;
    return null;
  });
  return { values: out, gaps };
}

/** Like withGaps, for a log axis: zero and negative values cannot be drawn either. */
export function withLogGaps(values: readonly number[]): { values: (number | null)[]; gaps: number } {
  let gaps = 0;
  const out = values.map((v) => {
    if (Number.isFinite(v) && v > 0) return v;
    gaps++;
    return null;
  });
  return { values: out, gaps };
}

export function gapWarning(gaps: number, what: string, log = false): string[] {
  if (gaps === 0) return [];
  return [`${gaps} ${what} value${gaps > 1 ? 's are' : ' is'} ${log ? 'NaN, infinite or ≤ 0 (log axis)' : 'NaN or infinite'} and not drawn: look for gaps.`];
}

/** Subplot axes for n panels in a grid: axis names, domains, and title annotations. */
export function panelGrid(n: number, titles: string[], columns = Math.min(n, n === 4 ? 2 : 3)) {
  const rows = Math.ceil(n / columns);
  const gapX = 0.08;
  const gapY = rows > 1 ? 0.2 : 0;
  const panels = Array.from({ length: n }, (_, i) => {
    const r = Math.floor(i / columns);
    const c = i % columns;
    const x0 = c / columns + (c > 0 ? gapX / 2 : 0);
    const x1 = (c + 1) / columns - (c < columns - 1 ? gapX / 2 : 0);
    const y1 = 1 - r / rows - (r > 0 ? gapY / 2 : 0);
    const y0 = 1 - (r + 1) / rows + (r < rows - 1 ? gapY / 2 : 0);
    const suffix = i === 0 ? '' : String(i + 1);
    return { x: `x${suffix}`, y: `y${suffix}`, xaxis: `xaxis${suffix}`, yaxis: `yaxis${suffix}`, domainX: [x0, x1], domainY: [y0, y1] };
  });
  const annotations = panels.map((p, i) => ({
    text: `<b>${titles[i] ?? ''}</b>`,
    xref: 'paper', yref: 'paper', x: (p.domainX[0] + p.domainX[1]) / 2, y: p.domainY[1], xanchor: 'center', yanchor: 'bottom',
    showarrow: false, font: { size: 13 },
  }));
  return { panels, annotations, rows, columns };
}

/** Refuses empty input with a message that says what to pass. */
export function requireNonEmpty<T>(where: string, what: string, items: readonly T[], fix: string): void {
  if (items.length === 0) throw new DownhillError(`${where}: ${what} is empty, so there is nothing to draw.`, fix);
}

/** Evenly spaced numbers from lo to hi (inclusive). */
export function linspace(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

/**
 * How many decimals resolve 1/`parts` of `span`: numbers rounded to that many stay
 * exact to the eye and cost a few characters each in a notebook instead of seventeen.
 */
export function decimalsResolving(span: number, parts: number): number {
  const width = Math.abs(span) || 1;
  return Math.min(20, Math.max(0, Math.ceil(-Math.log10(width / parts))));
}
