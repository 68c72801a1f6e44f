import { Landscape } from '../landscapes/landscape';
import { Figure, FigureOptions, Frame, Layout, Trace, axis, color, decimalsResolving, makeFigure } from './figure';
import { frameSteps, pathSoFar, playControls } from './animation';
import { LandscapeGrid, landscapeGrid } from './landscape_grid';
import { Runs, namedRuns, pathOf } from './runs';

export interface ContourOptions extends FigureOptions {
  /** [[xmin, xmax], [ymin, ymax]] (default: the landscape's domain). */
  range?: [[number, number], [number, number]];
  /** Grid points per axis (default 120). */
  resolution?: number;
  /** Colour by log10 of the height: true, false, or 'auto' (when values span orders of magnitude). */
  log?: boolean | 'auto';
  /** Mark the known minima and saddles (default true). */
  markMinima?: boolean;
  /**
   * Colour each path by its run (default) or by the known minimum it ends in ('end':
   * one colour and one legend entry per minimum, grey for runs that end elsewhere).
   */
  colorBy?: 'run' | 'end';
}

/** How one path is drawn: its colour and the legend entry it belongs to. */
interface PathStyle {
  color: string;
  legend: string;
  showlegend: boolean;
}

/** A path ends in a known minimum when its last point lies within this distance of it. */
const LANDED = 1e-2;

/** Index into landscape.minima of the minimum the path ends in, or −1. */
export function minimumReached(landscape: Landscape, path: number[][]): number {
  const end = path[path.length - 1];
  return landscape.minima.findIndex((m) => Math.hypot(m.point[0] - end[0], m.point[1] - end[1]) <= LANDED);
}

/** The colour of minimum k (grey for "elsewhere", k = −1), shared by paths and basin maps. */
export function minimumColor(k: number): string {
  return k < 0 ? '#7F7F7F' : color(k);
}

/** "minimum (3, 2)", or "no minimum" for k = −1. */
export function minimumName(landscape: Landscape, k: number): string {
  return k < 0 ? 'no known minimum' : `minimum (${landscape.minima[k].point.map((v) => Number(v.toPrecision(3))).join(', ')})`;
}

function pathStyles(landscape: Landscape, paths: { name: string; path: number[][] }[], colorBy: 'run' | 'end'): PathStyle[] {
  if (colorBy === 'run') return paths.map(({ name }, i) => ({ color: color(i), legend: name, showlegend: true }));
  const seen = new Set<number>();
  return paths.map(({ path }) => {
    const k = minimumReached(landscape, path);
    const first = !seen.has(k);
    seen.add(k);
    return { color: minimumColor(k), legend: `ends at ${minimumName(landscape, k)}`, showlegend: first };
  });
}

interface Prepared {
  grid: LandscapeGrid;
  range: [[number, number], [number, number]];
  /** The known minima and saddles. */
  markers: Trace[];
  layout: Layout;
  /** Height of the plotting area in pixels (to place controls below it). */
  plotHeight: number;
  paths: { name: string; path: number[][] }[];
  warnings: string[];
}

function colorbar(grid: LandscapeGrid): Layout {
  return { title: { text: grid.log ? 'log₁₀ height' : 'height' }, thickness: 14 };
}

const CONTOUR_LINES = { width: 0.5, color: 'rgba(255,255,255,0.35)' };

/** The landscape as a Plotly contour trace (colours shaded smoothly, with hover). */
function contourTrace(landscape: Landscape, grid: LandscapeGrid): Trace {
  return {
    type: 'contour', name: landscape.name, x: grid.xs, y: grid.ys, z: grid.shown, ncontours: 30,
    colorscale: 'Viridis', reversescale: false, contours: { coloring: 'heatmap', showlines: true },
    line: CONTOUR_LINES, colorbar: colorbar(grid),
    hovertemplate: `${landscape.axes[0]} = %{x:.3g}<br>${landscape.axes[1]} = %{y:.3g}<extra></extra>`, showscale: true,
  };
}

/**
 * The landscape for an animated figure: a contourcarpet on a flat, invisible carpet
 * spanning the range. Plotly's animate (redraw: false) re-plots only the traces a
 * frame names and removes every other layer of the subplot — a plain contour trace
 * vanishes on Play — except traces bound to a carpet, which it always re-plots.
 */
function carpetContourTraces(landscape: Landscape, grid: LandscapeGrid, range: [[number, number], [number, number]]): Trace[] {
  const [[x0, x1], [y0, y1]] = range;
  const hidden = { showgrid: false, showline: false, showticklabels: 'none', startline: false, endline: false, minorgridcount: 0, gridwidth: 0 };
  return [
    {
      type: 'carpet', carpet: 'landscape', name: `${landscape.name} (grid)`, a: [x0, x1], b: [y0, y1],
      x: [[x0, x1], [x0, x1]], y: [[y0, y0], [y1, y1]], aaxis: hidden, baxis: hidden, hoverinfo: 'skip', showlegend: false,
    },
    {
      type: 'contourcarpet', carpet: 'landscape', name: landscape.name, a: grid.xs, b: grid.ys, z: grid.shown, ncontours: 30,
      colorscale: 'Viridis', reversescale: false, contours: { coloring: 'fill', showlines: true },
      line: CONTOUR_LINES, colorbar: colorbar(grid), showscale: true, hoverinfo: 'skip',
    },
  ];
}

function prepare(where: string, landscape: Landscape, runs: Runs | undefined, options: ContourOptions): Prepared {
  const range = options.range ?? (landscape.domain as [[number, number], [number, number]]);
  const grid = landscapeGrid(where, landscape, range, options.resolution ?? 120, options.log ?? 'auto');
  const warnings: string[] = [];
  if (grid.gaps) warnings.push(`${grid.gaps} grid points where ${landscape.name} is not finite are left blank.`);
  const markers: Trace[] = [];
  if (options.markMinima ?? true) {
    if (landscape.minima.length) {
      markers.push({
        type: 'scatter', mode: 'markers', name: 'minimum', x: landscape.minima.map((m) => m.point[0]), y: landscape.minima.map((m) => m.point[1]),
        marker: { symbol: 'star', size: 16, color: '#FFD700', line: { color: 'black', width: 1 } },
        hovertemplate: 'minimum (%{x:.4g}, %{y:.4g})<extra></extra>',
      });
    }
    if (landscape.saddles.length) {
      markers.push({
        type: 'scatter', mode: 'markers', name: 'saddle point', x: landscape.saddles.map((s) => s[0]), y: landscape.saddles.map((s) => s[1]),
        marker: { symbol: 'x', size: 12, color: 'white', line: { color: 'black', width: 1 } },
      });
    }
  }
  // Points rounded to 1/10000 of the drawn range: exact to the eye, a few characters each.
  const decimals = [0, 1].map((axisIndex) => decimalsResolving(range[axisIndex][1] - range[axisIndex][0], 1e4));
  const rounded = (path: number[][]) => path.map((q) => q.map((v, k) => (Number.isFinite(v) ? Number(v.toFixed(decimals[k])) : v)));
  const paths = runs === undefined ? [] : namedRuns(where, runs).map(({ name, history }) => ({ name, path: rounded(pathOf(where, name, history, 2)) }));
  for (const { name, path } of paths) {
    const outside = path.filter(([x, y]) => !(x >= range[0][0] && x <= range[0][1] && y >= range[1][0] && y <= range[1][1])).length;
    if (outside) warnings.push(`${name}: ${outside} of ${path.length} points lie outside the drawn range.`);
  }
  // Size the plot so that one unit is about as long on both axes (gradients then
  // look perpendicular to the contour lines, as they are), within sensible bounds.
  const plotWidth = 520;
  const aspect = (range[1][1] - range[1][0]) / (range[0][1] - range[0][0]);
  const plotHeight = Math.min(620, Math.max(300, plotWidth * aspect));
  const layout: Layout = {
    title: { text: paths.length ? `${paths.map((p) => p.name).join(' vs ')} on ${landscape.name}` : landscape.name },
    xaxis: axis(landscape.axes[0], { range: range[0], showgrid: false }),
    yaxis: axis(landscape.axes[1], { range: range[1], showgrid: false }),
    legend: { orientation: 'h', y: -60 / plotHeight, yanchor: 'top' },
    width: plotWidth + 190,
    height: plotHeight + 200,
    margin: { b: 120 },
  };
  return { grid, range, markers, layout, paths, warnings, plotHeight };
}

function pathTraces(name: string, path: number[][], style: PathStyle): Trace[] {
  const p = pathSoFar(path, path.length - 1, 1500); // at most 1500 points, to keep figures light
  return [
    {
      type: 'scatter', mode: p.length <= 200 ? 'lines+markers' : 'lines', name: style.legend, legendgroup: style.legend, showlegend: style.showlegend,
      x: p.map((q) => q[0]), y: p.map((q) => q[1]),
      line: { color: style.color, width: 2.5 }, marker: { size: 4, color: style.color },
      hovertemplate: `${name}<br>(%{x:.4g}, %{y:.4g})<extra></extra>`,
    },
    {
      type: 'scatter', mode: 'markers', name: `${name}: start / end`, showlegend: false, legendgroup: style.legend,
      x: [p[0][0], p[p.length - 1][0]], y: [p[0][1], p[p.length - 1][1]],
      marker: { size: [12, 12], symbol: ['circle', 'x'], color: style.color, line: { color: 'white', width: 1.5 } },
      hoverinfo: 'skip',
    },
  ];
}

/**
 * A map of a two-parameter landscape (`background` draws the landscape's grid) with
 * the known minima and the runs' paths on top. Shared by contour and basins.
 */
export function landscapeMap(where: string, landscape: Landscape, runs: Runs | undefined, options: ContourOptions, background: (grid: LandscapeGrid) => Trace[], title?: string): Figure {
  const { grid, markers, layout, paths, warnings } = prepare(where, landscape, runs, options);
  const styles = pathStyles(landscape, paths, options.colorBy ?? 'run');
  const data = [...background(grid), ...markers, ...paths.flatMap(({ name, path }, i) => pathTraces(name, path, styles[i]))];
  return makeFigure(data, title ? { ...layout, title: { text: title } } : layout, options, warnings);
}

/** A contour map of a two-parameter landscape with the paths of one or more runs. */
export function contour(landscape: Landscape, runs?: Runs, options: ContourOptions = {}): Figure {
  const title = options.colorBy === 'end' && runs !== undefined ? `${namedRuns('plot.contour', runs).length} runs on ${landscape.name}, coloured by the minimum they end in` : undefined;
  return landscapeMap('plot.contour', landscape, runs, options, (grid) => [contourTrace(landscape, grid)], title);
}

export interface AnimationOptions extends ContourOptions {
  /** How many frames at most (default 80): every step of a short run, log-spaced steps of a long one. */
  frames?: number;
  /** Milliseconds per frame when playing (default 80). */
  frameDuration?: number;
}

/**
 * The contour map with the runs replayed step by step: a play button and a slider.
 * All runs move together; early steps get a frame each, later ones are log-spaced.
 * Frames carry only the moving traces, each path thinned to a few hundred points.
 */
export function animatedContour(landscape: Landscape, runs: Runs, options: AnimationOptions = {}): Figure {
  const { grid, range, markers, layout, paths, warnings, plotHeight } = prepare('plot.animatedContour', landscape, runs, options);
  const landscapeTraces = carpetContourTraces(landscape, grid, range);
  const longest = Math.max(...paths.map((p) => p.path.length));
  const moving = (step: number): Trace[] =>
    paths.flatMap(({ path }) => {
      const soFar = pathSoFar(path, step);
      const here = soFar[soFar.length - 1];
      return [
        { x: soFar.map((q) => q[0]), y: soFar.map((q) => q[1]) },
        { x: [here[0]], y: [here[1]] },
      ];
    });
  const runTraces: Trace[] = paths.flatMap(({ name, path }, i) => [
    { type: 'scatter', mode: 'lines+markers', name, x: [path[0][0]], y: [path[0][1]], line: { color: color(i), width: 2.5 }, marker: { size: 4, color: color(i) } },
    { type: 'scatter', mode: 'markers', name: `${name} (now)`, showlegend: false, x: [path[0][0]], y: [path[0][1]], marker: { size: 13, color: color(i), line: { color: 'white', width: 2 } } },
  ]);
  const first = landscapeTraces.length + markers.length;
  const indices = runTraces.map((_, k) => first + k);
  const frames: Frame[] = frameSteps(longest - 1, options.frames ?? 80).map((step) => ({ name: String(step), data: moving(step), traces: indices }));
  const below = (px: number) => -px / plotHeight; // paper y of a point px pixels under the plot
  const animated: Layout = {
    ...layout,
    height: plotHeight + 290 + STEP_LINE,
    margin: { b: 210 },
    // Redrawn each frame, so that the title's step follows (the landscape is kept: see carpetContourTraces).
    ...playControls(frames, { buttonsY: below(70), sliderY: below(60), sliderX: 0.34, prefix: 'step ' }, options.frameDuration ?? 80, true),
    legend: { orientation: 'h', y: below(175), yanchor: 'top' },
  };
  return withStepInTitle(makeFigure([...landscapeTraces, ...markers, ...runTraces], animated, options, warnings, frames));
}

/** Pixels of the title's second line, which names the frame's step. */
const STEP_LINE = 20;

/** The title (as wrapped, with any warnings) gets a line naming the step, at the start and in each frame. */
function withStepInTitle(fig: Figure): Figure {
  const title = fig.layout.title as { text?: string };
  const text = (step: string) => ({ text: `${title.text ?? ''}<br><span style="font-size:13px;color:#57606a">step ${step}</span>` });
  const margin = (fig.layout.margin as Layout | undefined) ?? {};
  return {
    ...fig,
    layout: { ...fig.layout, title: { ...title, ...text('0') }, margin: { ...margin, t: Number(margin.t ?? 70) + STEP_LINE } },
    frames: fig.frames!.map((f) => ({ ...f, layout: { title: text(f.name ?? '') } })),
  };
}
