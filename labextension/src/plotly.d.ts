/** The part of plotly.js (the npm package plotly.js-dist-min, which ships no types) that the renderer calls. */
declare module 'plotly.js-dist-min' {
  export interface PlotlyFigure {
    data: unknown[];
    layout: Record<string, unknown>;
    frames?: unknown[];
    config?: Record<string, unknown>;
  }
  export function newPlot(root: HTMLElement, figure: PlotlyFigure): Promise<HTMLElement>;
  export function react(root: HTMLElement, figure: PlotlyFigure): Promise<HTMLElement>;
  export function purge(root: HTMLElement): void;
  export const Plots: { resize(root: HTMLElement): Promise<void> | void };
}
