import { History } from '../train/history';
import { numericalGradient, relativeError } from './gradient';

export { numericalGradient, relativeError } from './gradient';

/**
 * Checks for notebooks and coursework: each states a claim, throws a CheckError
 * that says what was expected and what came out when the claim fails, and prints
 * "✓ claim (value)" when it holds, so a notebook's last cell reads as a list of
 * verified facts. They return nothing, so that a cell ending with one prints
 * nothing more.
 */
export class CheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckError';
  }
}

/** Set to false to check silently. */
export const settings = { print: true };

const show = (v: number) => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : String(Number(v.toPrecision(5))));

function pass(claim: string, detail: string): void {
  if (settings.print) console.log(`✓ ${claim}${detail ? ` (${detail})` : ''}`);
}

function fail(claim: string, detail: string): never {
  throw new CheckError(`check failed: ${claim}\n  ${detail}`);
}

function number(name: string, value: unknown): number {
  if (typeof value !== 'number') fail(`${name} is a number`, `got ${typeof value}: ${String(value)}`);
  if (Number.isNaN(value)) fail(`${name} is a number`, 'got NaN (a computation went wrong: look for a division by zero or a diverging run)');
  return value as number;
}

/** |actual − expected| ≤ tolerance. */
export function close(name: string, actual: number, expected: number, tolerance = 1e-6): void {
  const v = number(name, actual);
  const claim = `${name} ≈ ${show(expected)} (±${show(tolerance)})`;
  const error = Math.abs(v - expected);
  if (!(error <= tolerance)) fail(claim, `got ${show(v)}, off by ${show(error)}`);
  return pass(claim, `got ${show(v)}`);
}

/** actual ≥ minimum. */
export function atLeast(name: string, actual: number, minimum: number): void {
  const v = number(name, actual);
  const claim = `${name} ≥ ${show(minimum)}`;
  if (!(v >= minimum)) fail(claim, `got ${show(v)}, short by ${show(minimum - v)}`);
  return pass(claim, `got ${show(v)}`);
}

/** actual ≤ maximum. */
export function atMost(name: string, actual: number, maximum: number): void {
  const v = number(name, actual);
  const claim = `${name} ≤ ${show(maximum)}`;
  if (!(v <= maximum)) fail(claim, `got ${show(v)}, over by ${show(v - maximum)}`);
  return pass(claim, `got ${show(v)}`);
}

/** Any claim: `isTrue('the run diverged', h.stopped?.reason === 'diverged', h.stopped?.message)`. */
export function isTrue(claim: string, condition: boolean, detail = ''): void {
  if (!condition) fail(claim, detail || 'it did not hold');
  return pass(claim, '');
}

/** Two arrays of numbers agree element by element within a tolerance. */
export function allClose(name: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-6): void {
  const claim = `${name} ≈ [${Array.from(expected, show).join(', ')}] (±${show(tolerance)})`;
  if (actual.length !== expected.length) fail(claim, `got ${actual.length} values, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tolerance)) fail(claim, `element ${i}: got ${show(actual[i])}, expected ${show(expected[i])}`);
  }
  return pass(claim, `got [${Array.from(actual, show).join(', ')}]`);
}

/** The values fall overall: the mean of the last tenth is at most `ratio` times the mean of the first tenth. */
export function decreasing(name: string, values: number[], ratio = 1): void {
  const claim = `${name} decreases${ratio < 1 ? ` to at most ${show(ratio)}× its start` : ''}`;
  if (values.length < 2) fail(claim, `only ${values.length} value(s) recorded`);
  const k = Math.max(1, Math.floor(values.length / 10));
  const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
  const [first, last] = [mean(values.slice(0, k)), mean(values.slice(-k))];
  if (!Number.isFinite(last)) fail(claim, `the last values are not finite (${show(last)}): the run diverged`);
  if (!(last < first && last <= ratio * first)) fail(claim, `it went from ${show(first)} to ${show(last)}`);
  return pass(claim, `${show(first)} → ${show(last)}`);
}

/** A run converged: it did not diverge and its last loss is at most `maxLoss` (and finite). */
export function converged(history: History, maxLoss = Infinity): void {
  const claim = `${history.label} converged${Number.isFinite(maxLoss) ? ` to a loss ≤ ${show(maxLoss)}` : ''}`;
  if (history.stopped?.reason === 'diverged') fail(claim, history.stopped.message);
  const last = history.epochs.length ? history.epochs[history.epochs.length - 1].loss : history.finalLoss;
  if (!Number.isFinite(last)) fail(claim, `the last loss is ${last}`);
  if (!(last <= maxLoss)) fail(claim, `the last loss is ${show(last)}`);
  return pass(claim, `last loss ${show(last)}`);
}

/** A run diverged (stopped for it, or ended with a loss larger than it started with). */
export function diverged(history: History): void {
  const claim = `${history.label} diverged`;
  const losses = history.stepValues('loss');
  const grew = losses.length > 1 && !(losses[losses.length - 1] <= losses[0]);
  if (history.stopped?.reason !== 'diverged' && !grew) fail(claim, `its loss went from ${show(losses[0])} to ${show(losses[losses.length - 1])}`);
  return pass(claim, history.stopped?.reason === 'diverged' ? 'stopped for divergence' : `loss ${show(losses[0])} → ${show(losses[losses.length - 1])}`);
}

/**
 * A gradient (derived by hand, or from autodiff) agrees with central differences of
 * the loss `f` at `at`: their relative error (check.relativeError) is at most
 * `tolerance` (default 1e-6; use ~1e-3 when `f` computes in float32). A wrong
 * derivative fails, and the message shows both gradients.
 */
export function gradient(name: string, f: (p: number[]) => number, gradientAt: ArrayLike<number>, at: number[], options: { tolerance?: number; h?: number } = {}): void {
  const numerical = numericalGradient(f, at, options.h);
  const tolerance = options.tolerance ?? 1e-6;
  const claim = `${name} matches central differences (relative error ≤ ${show(tolerance)})`;
  if (gradientAt.length !== numerical.length) fail(claim, `got ${gradientAt.length} values for a point with ${numerical.length} coordinates`);
  const error = relativeError(gradientAt, numerical);
  const list = (v: ArrayLike<number>) => `[${Array.from(v, show).join(', ')}]`;
  if (!(error <= tolerance)) fail(claim, `relative error ${show(error)}: gradient ${list(gradientAt)}, central differences ${list(numerical)}`);
  return pass(claim, `relative error ${show(error)}`);
}
