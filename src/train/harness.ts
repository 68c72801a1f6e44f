import { DownhillError } from '../errors';
import { GradientTransformation } from '../optim/transformation';
import { Random } from '../random';
import { compare } from './compare';
import { History } from './history';

/**
 * A fair comparison of optimizers (DeepOBS, Schneider et al. 2019; MLCommons
 * AlgoPerf, Dahl et al. 2023): every optimizer gets the same tuning budget — the
 * same number of configurations from a grid of its own hyperparameters (log-spaced
 * learning rates, …) — each configuration is trained with several seeds, the best
 * configuration is chosen on VALIDATION loss only (mean over seeds), and the chosen
 * configuration is reported with the mean and spread over seeds of its validation
 * loss, and the steps and seconds it took to reach a target validation loss.
 *
 *   const result = await benchmarkOptimizers({
 *     optimizers: {
 *       sgd:  { make: ({ lr }) => optim.sgd({ lr, momentum: 0.9 }), grid: { lr: logGrid(1e-3, 1, 7) } },
 *       adam: { make: ({ lr }) => optim.adam({ lr }),               grid: { lr: logGrid(1e-4, 1e-1, 7) } },
 *     },
 *     seeds: [0, 1, 2],
 *     run: (optimizer, { seed, label }) => fit({ model: models.mlp({ sizes, seed }), data, validation, optimizer, seed, label, ... }),
 *     targetLoss: 0.3,
 *   });
 *   table(result.table); show(plot.tuningCurves(result));
 *
 * Each run goes through `compare`, so its model is disposed after it and a diverging
 * run counts as a failed configuration (validation loss Infinity) instead of ending
 * the benchmark.
 */
export interface Contender {
  /** The optimizer for one configuration of hyperparameters. */
  make(config: Record<string, number>): GradientTransformation;
  /** The values to try for each named hyperparameter (the grid is their product). */
  grid: Record<string, number[]>;
}

export interface Trial {
  /** The seed of this run: use it for the model's initialisation and the data order. */
  seed: number;
  config: Record<string, number>;
  label: string;
}

export interface BenchmarkOptions {
  optimizers: Record<string, Contender>;
  /**
   * Trains once and returns the history; its epochs must carry `valLoss` (train
   * with `validation`), on which configurations are chosen.
   */
  run(optimizer: GradientTransformation, trial: Trial): Promise<History>;
  /** Seeds per configuration (default [0, 1, 2]). */
  seeds?: number[];
  /**
   * Configurations per optimizer (default: the size of the smallest grid). A grid
   * larger than the budget is sampled without replacement with `searchSeed` (random
   * search, as AlgoPerf's external tuning); a grid smaller than the budget is refused.
   */
  budget?: number;
  searchSeed?: number;
  /** A validation loss to reach: steps and seconds to reach it are reported. */
  targetLoss?: number;
}

export interface TrialResult extends Trial {
  optimizer: string;
  /** The validation loss after the last epoch (Infinity if the run diverged or has none). */
  valLoss: number;
  /** The first epoch's step count and time at which valLoss ≤ targetLoss, if reached. */
  stepsToTarget?: number;
  secondsToTarget?: number;
  diverged: boolean;
  history: History;
}

export type BenchmarkRow = {
  optimizer: string;
  /** The chosen configuration, e.g. "lr=0.01". */
  best: string;
  /** Mean and sample standard deviation over seeds of the chosen configuration's final validation loss. */
  valLossMean: number;
  valLossStd: number;
  /** Seeds of the chosen configuration that reached targetLoss, e.g. "3/3". */
  reached?: string;
  /** Means over the seeds that reached the target. */
  stepsToTarget?: number;
  secondsToTarget?: number;
  /** Runs made for this optimizer (budget × seeds), and how many diverged. */
  runs: number;
  diverged: number;
};

export interface BenchmarkResult {
  table: BenchmarkRow[];
  trials: TrialResult[];
  /** Per optimizer: the chosen configuration. */
  best: Record<string, Record<string, number>>;
  budget: number;
  seeds: number[];
  targetLoss?: number;
}

/** n values from lo to hi, evenly spaced on a log scale (lo and hi included). */
export function logGrid(lo: number, hi: number, n: number): number[] {
  if (!(lo > 0 && hi > lo) || !Number.isInteger(n) || n < 2) {
    throw new DownhillError(`logGrid: need 0 < lo < hi and a whole n >= 2, got (${lo}, ${hi}, ${n}).`, 'use e.g. logGrid(1e-4, 1, 9).');
  }
  return Array.from({ length: n }, (_, i) => Number((lo * (hi / lo) ** (i / (n - 1))).toPrecision(6)));
}

export async function benchmarkOptimizers(options: BenchmarkOptions): Promise<BenchmarkResult> {
  const where = 'benchmarkOptimizers';
  const contenders = Object.entries(options?.optimizers ?? {});
  if (contenders.length === 0) throw new DownhillError(`${where}: no optimizers.`, `pass optimizers: { adam: { make: ({ lr }) => optim.adam({ lr }), grid: { lr: logGrid(1e-4, 1e-1, 7) } } }.`);
  if (typeof options.run !== 'function') throw new DownhillError(`${where}: \`run\` must be a function (optimizer, trial) => Promise<History>.`, 'train with fit({ ..., validation }) inside it.');
  const seeds = options.seeds ?? [0, 1, 2];
  const grids = Object.fromEntries(contenders.map(([name, c]) => [name, gridPoints(where, name, c.grid)]));
  const budget = options.budget ?? Math.min(...Object.values(grids).map((g) => g.length));
  const configs: Record<string, Record<string, number>[]> = {};
  for (const [name, points] of Object.entries(grids)) {
    if (points.length < budget) {
      throw new DownhillError(
        `${where}: the grid of '${name}' has ${points.length} configurations, fewer than the budget of ${budget}: the comparison would not be fair.`,
        `give '${name}' at least ${budget} configurations, or lower budget.`,
      );
    }
    configs[name] = points.length === budget ? points : sample(points, budget, options.searchSeed ?? 0);
  }

  const trials: TrialResult[] = [];
  for (const [name, contender] of contenders) {
    for (const config of configs[name]) {
      for (const seed of seeds) {
        const label = `${name} ${describeConfig(config)} seed ${seed}`;
        const trial: Trial = { seed, config, label };
        const optimizer = contender.make(config);
        const { histories } = await compare({ optimizers: { [label]: optimizer }, run: (o) => options.run(o, trial) });
        trials.push(scoreTrial(name, trial, histories[label], options.targetLoss, where));
      }
    }
  }

  const table: BenchmarkRow[] = [];
  const best: Record<string, Record<string, number>> = {};
  for (const [name] of contenders) {
    const mine = trials.filter((t) => t.optimizer === name);
    const byConfig = configs[name].map((config) => mine.filter((t) => t.config === config));
    // Chosen on validation only: the lowest mean final validation loss over seeds.
    const chosen = byConfig.reduce((a, b) => (mean(b.map((t) => t.valLoss)) < mean(a.map((t) => t.valLoss)) ? b : a));
    best[name] = chosen[0].config;
    const losses = chosen.map((t) => t.valLoss);
    const row: BenchmarkRow = {
      optimizer: name,
      best: describeConfig(chosen[0].config),
      valLossMean: mean(losses),
      valLossStd: std(losses),
      runs: mine.length,
      diverged: mine.filter((t) => t.diverged).length,
    };
    if (options.targetLoss !== undefined) {
      const reached = chosen.filter((t) => t.stepsToTarget !== undefined);
      row.reached = `${reached.length}/${chosen.length}`;
      if (reached.length) {
        row.stepsToTarget = mean(reached.map((t) => t.stepsToTarget!));
        row.secondsToTarget = mean(reached.map((t) => t.secondsToTarget!));
      }
    }
    table.push(row);
  }
  return { table, trials, best, budget, seeds, targetLoss: options.targetLoss };
}

function scoreTrial(optimizer: string, trial: Trial, history: History, target: number | undefined, where: string): TrialResult {
  const diverged = history.stopped?.reason === 'diverged';
  const last = history.epochs[history.epochs.length - 1];
  if (!diverged && last && last.valLoss === undefined) {
    throw new DownhillError(`${where}: the run '${trial.label}' has no validation loss, and configurations are chosen on validation data only.`, 'train with fit({ ..., validation: heldOutData }) in run.');
  }
  const valLoss = !diverged && last?.valLoss !== undefined && Number.isFinite(last.valLoss) ? last.valLoss : Infinity;
  const result: TrialResult = { ...trial, optimizer, valLoss, diverged, history };
  if (target !== undefined) {
    const hit = history.epochs.find((e) => e.valLoss !== undefined && e.valLoss <= target);
    if (hit) {
      result.stepsToTarget = hit.steps;
      result.secondsToTarget = hit.time;
    }
  }
  return result;
}

function gridPoints(where: string, name: string, grid: Record<string, number[]>): Record<string, number>[] {
  const entries = Object.entries(grid ?? {});
  if (entries.length === 0 || entries.some(([, v]) => !Array.isArray(v) || v.length === 0)) {
    throw new DownhillError(`${where}: '${name}' needs a grid with at least one value per hyperparameter.`, `e.g. grid: { lr: logGrid(1e-4, 1e-1, 7) }.`);
  }
  let points: Record<string, number>[] = [{}];
  for (const [key, values] of entries) points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  return points;
}

function sample<T>(items: T[], k: number, seed: number): T[] {
  const rng = new Random(seed);
  const pool = [...items];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, k);
}

export function describeConfig(config: Record<string, number>): string {
  return Object.entries(config).map(([k, v]) => `${k}=${v}`).join(', ');
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
function std(xs: number[]): number {
  if (xs.length < 2 || !xs.every(Number.isFinite)) return xs.every(Number.isFinite) ? 0 : NaN;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}
