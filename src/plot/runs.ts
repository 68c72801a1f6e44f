import { DownhillError } from '../errors';
import { History } from '../train/history';

/** One history, a list, or histories by name (as `compare` returns them). */
export type Runs = History | History[] | Record<string, History>;

/** Histories with the names to show in legends. */
export function namedRuns(where: string, runs: Runs): { name: string; history: History }[] {
  let list: { name: string; history: History }[];
  if (runs instanceof History) list = [{ name: runs.label, history: runs }];
  else if (Array.isArray(runs)) list = runs.map((h) => ({ name: h?.label, history: h }));
  else if (runs && typeof runs === 'object') list = Object.entries(runs).map(([name, history]) => ({ name, history }));
  else list = [];
  if (list.length === 0) {
    throw new DownhillError(`${where}: no training history given.`, 'pass the History returned by fit() or descend() (or several of them).');
  }
  for (const { name, history } of list) {
    if (!(history instanceof History)) {
      throw new DownhillError(`${where}: '${name}' is not a History.`, 'pass what fit() or descend() returned.');
    }
    if (history.steps.length === 0) {
      throw new DownhillError(`${where}: the history '${name}' is empty (no step was recorded).`, 'train first: the history fills in as fit() or descend() runs.');
    }
  }
  return list;
}

/** The points a run visited (start included), checked to have the expected dimension. */
export function pathOf(where: string, name: string, history: History, dims: number): number[][] {
  const path = history.trajectory();
  if (path.length === 0) {
    throw new DownhillError(
      `${where}: the history '${name}' has no recorded parameters, so its path cannot be drawn.`,
      'parameters are recorded for models with at most 10 of them, and always by descend(); pass recordParams: true to fit().',
    );
  }
  if (path[0].length !== dims) {
    throw new DownhillError(
      `${where}: the history '${name}' has ${path[0].length} parameters but the plot needs ${dims}.`,
      dims === 2 ? 'draw runs of a two-parameter problem (e.g. a landscape or w and b of a line).' : 'draw runs of a one-parameter problem.',
    );
  }
  return path;
}
