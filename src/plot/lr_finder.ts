import { DownhillError } from '../errors';
import { LrRangeTestResult } from '../train/lr_range_test';
import { Figure, FigureOptions, axis, gapWarning, makeFigure, withGaps } from './figure';

/**
 * The learning-rate range test: the raw loss against learning rate (log axis), its centred
 * average (no lag, what the suggestion reads) and the running average that decided when to stop.
 */
export function lrRangeTestChart(result: LrRangeTestResult, options: FigureOptions = {}): Figure {
  if (!result || !Array.isArray(result.lrs) || result.lrs.length === 0) {
    throw new DownhillError('plot.lrRangeTestChart: the result has no recorded learning rates.', 'pass what lrRangeTest() returned.');
  }
  const raw = withGaps(result.losses);
  const smooth = withGaps(result.smoothed);
  const centred = withGaps(result.centred);
  const finite = result.centred.filter(Number.isFinite);
  const top = Math.min(Math.max(...finite), 4 * Math.min(...finite)) * 1.1;
  return makeFigure(
    [
      { type: 'scatter', mode: 'lines', name: 'loss of each batch', x: result.lrs, y: raw.values, line: { color: '#999', width: 1 } },
      { type: 'scatter', mode: 'lines', name: 'centred average', x: result.lrs, y: centred.values, line: { color: '#0072B2', width: 2.5 } },
      { type: 'scatter', mode: 'lines', name: 'running average (lags; decides when to stop)', x: result.lrs, y: smooth.values, line: { color: '#CC79A7', width: 1.5, dash: 'dot' } },
    ],
    {
      title: { text: `Learning-rate range test: suggested lr ≈ ${result.suggestion.toPrecision(2)}` },
      xaxis: axis('learning rate (log scale)', { type: 'log' }),
      yaxis: axis('loss', { range: [0, top] }),
      shapes: [
        { type: 'line', x0: result.suggestion, x1: result.suggestion, yref: 'paper', y0: 0, y1: 1, line: { color: '#009E73', width: 2, dash: 'dash' } },
        { type: 'line', x0: result.minLossLr, x1: result.minLossLr, yref: 'paper', y0: 0, y1: 1, line: { color: '#D55E00', width: 1.5, dash: 'dot' } },
      ],
      annotations: [
        { x: Math.log10(result.suggestion), y: 1, yref: 'paper', text: 'suggested (steepest fall)', showarrow: false, yanchor: 'bottom', font: { color: '#009E73' } },
        { x: Math.log10(result.minLossLr), y: 0.92, yref: 'paper', text: 'lowest loss', showarrow: false, yanchor: 'bottom', font: { color: '#D55E00' } },
      ],
      legend: { orientation: 'h', y: -0.2 },
    },
    options,
    gapWarning(raw.gaps, 'loss'),
  );
}
