import { Landscape } from '../landscapes/landscape';
import { Figure, Trace, axis, color, makeFigure } from './figure';
import { ContourOptions } from './contour';
import { landscapeGrid } from './landscape_grid';
import { Runs, namedRuns, pathOf } from './runs';

/** A 3-D surface of a two-parameter landscape, with the runs' paths drawn on it. */
export function surface(landscape: Landscape, runs?: Runs, options: ContourOptions = {}): Figure {
  const range = options.range ?? (landscape.domain as [[number, number], [number, number]]);
  const grid = landscapeGrid('plot.surface', landscape, range, options.resolution ?? 80, options.log ?? 'auto');
  const warnings = grid.gaps ? [`${grid.gaps} grid points where ${landscape.name} is not finite are left blank.`] : [];
  const data: Trace[] = [
    {
      type: 'surface', name: landscape.name, x: grid.xs, y: grid.ys, z: grid.shown, colorscale: 'Viridis', opacity: 0.92,
      colorbar: { title: { text: grid.log ? 'log₁₀ height' : 'height' }, thickness: 14 },
      contours: { z: { show: true, usecolormap: true, project: { z: true } } },
    },
  ];
  if (runs !== undefined) {
    namedRuns('plot.surface', runs).forEach(({ name, history }, i) => {
      const path = pathOf('plot.surface', name, history, 2).filter(
        ([x, y]) => x >= range[0][0] && x <= range[0][1] && y >= range[1][0] && y <= range[1][1],
      );
      const z = landscape.values(path).map((v) => grid.transform(v));
      data.push({
        type: 'scatter3d', mode: 'lines+markers', name, x: path.map((p) => p[0]), y: path.map((p) => p[1]), z,
        line: { color: color(i), width: 6 }, marker: { size: 3, color: color(i) },
      });
    });
  }
  return makeFigure(
    data,
    {
      title: { text: `${landscape.name} as a surface` },
      height: 600,
      scene: {
        xaxis: axis(landscape.axes[0]), yaxis: axis(landscape.axes[1]), zaxis: axis(grid.log ? 'log₁₀ height' : 'height'),
        camera: { eye: { x: 1.5, y: -1.5, z: 1.1 } },
      },
      legend: { orientation: 'h', y: -0.05 },
    },
    options,
    warnings,
  );
}
