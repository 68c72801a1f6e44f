import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { GradientTransformation } from '../optim/transformation';
import { DivergenceError } from './divergence';
import { History } from './history';

export interface CompareOptions {
  /** The contenders, by label: optimizers, or one optimizer at several learning rates. */
  optimizers: Record<string, GradientTransformation>;
  /**
   * Trains once with the given optimizer and returns the history. For a fair
   * comparison, build a fresh model here with a fixed seed, so every contender
   * starts from the same weights and sees the batches in the same order.
   */
  run: (optimizer: GradientTransformation, label: string) => Promise<History>;
  /**
   * Keep the variables (models) that `run` created. By default compare disposes
   * them after each run, so a comparison does not leave its models in memory.
   */
  keepModels?: boolean;
}

export interface ComparisonRow {
  name: string;
  /** The mean training loss of the last epoch (for descend, the loss of the last step). */
  finalLoss: number;
  /** The loss of the last step (on its batch). */
  lastLoss: number;
  /** The lowest epoch-mean training loss. */
  bestLoss: number;
  valLoss?: number;
  steps: number;
  seconds: number;
  stopped: string;
  [metric: string]: string | number | undefined;
}

/**
 * Runs the same task with each optimizer in turn and tabulates the results. A run
 * that diverges is recorded as such instead of ending the comparison. The
 * variables each run creates (its model) are disposed after it unless keepModels.
 * For tuning budgets, seeds and spread, see `tune` (the fair comparison harness).
 */
export async function compare(options: CompareOptions): Promise<{ histories: Record<string, History>; table: ComparisonRow[] }> {
  const entries = Object.entries(options?.optimizers ?? {});
  if (entries.length === 0) throw new DownhillError('compare: no optimizers to compare.', 'pass optimizers: { sgd: optim.sgd({ lr: 0.1 }), adam: optim.adam() }.');
  if (typeof options.run !== 'function') {
    throw new DownhillError('compare: `run` must be a function (optimizer, label) => Promise<History>.', 'e.g. run: (optimizer, label) => fit({ model: makeModel(), optimizer, label, ... }).');
  }
  const histories: Record<string, History> = {};
  const table: ComparisonRow[] = [];
  for (const [name, optimizer] of entries) {
    let history: History;
    const before = new Set(Object.keys(tf.engine().registeredVariables));
    try {
      history = await options.run(optimizer, name);
    } catch (e) {
      if (!(e instanceof DivergenceError)) throw e;
      history = e.history;
    } finally {
      if (!options.keepModels) disposeVariablesSince(before);
    }
    histories[name] = history;
    table.push(summarize(name, history));
  }
  return { histories, table };
}

/** One row of a comparison table. */
export function summarize(name: string, h: History): ComparisonRow {
  const last = h.epochs[h.epochs.length - 1];
  const epochLosses = h.epochs.map((e) => e.loss).filter(Number.isFinite);
  const row: ComparisonRow = {
    name,
    finalLoss: last?.loss ?? h.finalLoss,
    lastLoss: h.steps[h.steps.length - 1]?.loss ?? NaN,
    bestLoss: epochLosses.length ? Math.min(...epochLosses) : NaN,
    steps: h.steps.length,
    seconds: h.seconds,
    stopped: h.stopped?.reason ?? 'unknown',
  };
  if (last?.valLoss !== undefined) row.valLoss = last.valLoss;
  for (const [k, v] of Object.entries(last?.valMetrics ?? {})) row[`val ${k}`] = v;
  return row;
}

/** Disposes the variables registered since `before` (the names tf.engine() knew then). */
export function disposeVariablesSince(before: Set<string>): void {
  for (const [name, v] of Object.entries(tf.engine().registeredVariables)) if (!before.has(name)) v.dispose();
}
