import { DownhillError } from './errors';

/** Checks user-facing arguments and throws a DownhillError naming the problem and the fix. */

export function checkFiniteNumber(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new DownhillError(
      `${where}: '${name}' must be a number, got ${describe(value)}.`,
      `pass a number, e.g. ${name}: 0.01.`,
    );
  }
  if (!Number.isFinite(value)) {
    throw new DownhillError(`${where}: '${name}' must be finite, got ${value}.`, `pass a finite number.`);
  }
  return value;
}

export function checkPositive(where: string, name: string, value: unknown, example = '0.01'): number {
  const v = checkFiniteNumber(where, name, value);
  if (v <= 0) {
    throw new DownhillError(
      `${where}: '${name}' must be greater than 0, got ${v}.`,
      `use a positive value, e.g. ${name}: ${example}.`,
    );
  }
  return v;
}

export function checkNonNegative(where: string, name: string, value: unknown): number {
  const v = checkFiniteNumber(where, name, value);
  if (v < 0) {
    throw new DownhillError(`${where}: '${name}' must be 0 or more, got ${v}.`, `use ${name}: 0 to turn it off.`);
  }
  return v;
}

/** A value in [lo, hi) (or [lo, hi] when `closed`). */
export function checkInRange(
  where: string,
  name: string,
  value: unknown,
  lo: number,
  hi: number,
  closed = false,
): number {
  const v = checkFiniteNumber(where, name, value);
  const ok = v >= lo && (closed ? v <= hi : v < hi);
  if (!ok) {
    throw new DownhillError(
      `${where}: '${name}' must be in [${lo}, ${hi}${closed ? ']' : ')'}, got ${v}.`,
      `pick a value in that range (PyTorch uses the same rule).`,
    );
  }
  return v;
}

export function checkInteger(where: string, name: string, value: unknown, min = 0): number {
  const v = checkFiniteNumber(where, name, value);
  if (!Number.isInteger(v) || v < min) {
    throw new DownhillError(
      `${where}: '${name}' must be a whole number >= ${min}, got ${v}.`,
      `pass an integer, e.g. ${name}: ${Math.max(min, 10)}.`,
    );
  }
  return v;
}

/** Common spellings from PyTorch / Python mapped to downhill's option names. */
const ALIASES: Record<string, string> = {
  learning_rate: 'lr',
  learningRate: 'lr',
  weight_decay: 'weightDecay',
  step_size: 'stepSize',
  t_max: 'tMax',
  T_max: 'tMax',
  eta_min: 'etaMin',
  start_factor: 'startFactor',
  end_factor: 'endFactor',
  total_iters: 'totalIters',
  max_lr: 'maxLr',
  total_steps: 'totalSteps',
  pct_start: 'pctStart',
  div_factor: 'divFactor',
  final_div_factor: 'finalDivFactor',
  anneal_strategy: 'anneal',
  lr_decay: 'lrDecay',
  initial_accumulator_value: 'initialAccumulatorValue',
  max_norm: 'maxNorm',
  batch_size: 'batchSize',
  beta1: 'betas',
  beta2: 'betas',
  b1: 'betas',
  b2: 'betas',
  momentum_decay: 'momentumDecay',
  decoupled_weight_decay: 'decoupledWeightDecay',
  step_sizes: 'stepSizes',
  T_0: 't0',
  T_mult: 'tMult',
  base_lr: 'baseLr',
  step_size_up: 'stepSizeUp',
  step_size_down: 'stepSizeDown',
  scale_mode: 'mode',
  cycle_momentum: 'cycleMomentum',
  base_momentum: 'baseMomentum',
  max_momentum: 'maxMomentum',
  three_phase: 'threePhase',
  threshold_mode: 'thresholdMode',
  min_lr: 'minLr',
};

/**
 * Refuses option names that the function does not know (a typo would otherwise be
 * silently ignored and the default used).
 */
export function checkOptions(where: string, options: object | undefined, known: readonly string[]): void {
  if (options === undefined || options === null) return;
  if (typeof options !== 'object') {
    throw new DownhillError(`${where}: options must be an object, got ${describe(options)}.`, `pass { ${known.join(', ')} }.`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const alias = ALIASES[key];
    const guess = alias && known.includes(alias) ? alias : closest(key, known);
    throw new DownhillError(
      `${where}: unknown option '${key}'. Known options: ${known.join(', ')}.`,
      guess ? `did you mean '${guess}'?` : `remove '${key}' or use one of the known options.`,
    );
  }
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return `the string "${value}"`;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value;
}
