import { DownhillError } from '../errors';
import { BasinMap } from '../landscapes/basins';
import { Figure, Trace } from './figure';
import { ContourOptions, landscapeMap, minimumColor, minimumName } from './contour';
import { Runs } from './runs';

export type BasinsOptions = Omit<ContourOptions, 'range' | 'colorBy'>;

/**
 * A basin map: each start of `map`'s grid shaded by the minimum that plain gradient
 * descent reaches from it (landscapes.basinsOf), the landscape's contour lines on top,
 * and optional runs drawn in the colour of the minimum they end in.
 */
export function basins(map: BasinMap, runs?: Runs, options: BasinsOptions = {}): Figure {
  if (!map || !Array.isArray(map.basin) || !map.landscape) {
    throw new DownhillError('plot.basins: expected a basin map.', 'compute one with `await landscapes.basinsOf(landscape, { lr: 0.01 })`.');
  }
  const { landscape, xs, ys, basin } = map;
  const n = landscape.minima.length;
  // Category c = k + 1 for minimum k, 0 for "elsewhere": a stepwise colour scale over −0.5 … n + 0.5.
  const colorscale: [number, string][] = [];
  for (let c = 0; c <= n; c++) {
    colorscale.push([c / (n + 1), minimumColor(c - 1)], [(c + 1) / (n + 1), minimumColor(c - 1)]);
  }
  const names = basin.map((row) => row.map((k) => minimumName(landscape, k)));
  const range: [[number, number], [number, number]] = [[xs[0], xs[xs.length - 1]], [ys[0], ys[ys.length - 1]]];
  const title = `Basins of ${landscape.name}: the minimum plain descent (lr ${map.lr}, ${map.steps} steps) reaches from each start`;
  return landscapeMap('plot.basins', landscape, runs, { ...options, range, colorBy: 'end', log: options.log ?? true }, (grid): Trace[] => [
    {
      type: 'heatmap', name: 'basins', x: xs, y: ys, z: basin.map((row) => row.map((k) => k + 1)), text: names,
      zmin: -0.5, zmax: n + 0.5, colorscale, opacity: 0.45, showscale: false,
      hovertemplate: 'start (%{x:.3g}, %{y:.3g}) → %{text}<extra></extra>',
    },
    {
      type: 'contour', name: `${landscape.name} (contours)`, x: grid.xs, y: grid.ys, z: grid.shown, ncontours: 20,
      contours: { coloring: 'none' }, line: { color: 'rgba(0,0,0,0.3)', width: 0.8 }, showscale: false, showlegend: false, hoverinfo: 'skip',
    },
  ], title);
}
