import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { NamedTensors, disposeAll } from '../named_tensors';
import { checkInteger, checkNonNegative, checkPositive } from '../validate';
import { Callback } from './callbacks';
import { DivergenceError, DivergenceMonitor } from './divergence';

/** When to stop before the last epoch: sugar for the stopping callbacks below, accepted by fit and descend. */
export interface StopOptions {
  /** Stop when the epoch loss changes by less than this (e.g. 1e-5): converged. */
  tolerance?: number;
  /** Early stopping: stop after this many epochs without improvement of the validation loss (or the loss). */
  patience?: number;
  /** The improvement that counts for early stopping (default 0). */
  minDelta?: number;
  /** With patience: put back the best parameters when stopping (default true). */
  restoreBest?: boolean;
  /** The loss counts as exploding past this multiple of its early value (default 1000). */
  divergenceFactor?: number;
  /** 'throw' (default) raises a DivergenceError carrying the history; 'stop' ends the run and returns it. */
  onDivergence?: 'throw' | 'stop';
}

export const STOP_OPTION_NAMES = ['tolerance', 'patience', 'minDelta', 'restoreBest', 'divergenceFactor', 'onDivergence'];

export function checkStopOptions(where: string, o: StopOptions): void {
  if (o.tolerance !== undefined) checkPositive(where, 'tolerance', o.tolerance, '1e-5');
  if (o.patience !== undefined) checkInteger(where, 'patience', o.patience, 1);
  if (o.minDelta !== undefined) checkNonNegative(where, 'minDelta', o.minDelta);
  if (o.divergenceFactor !== undefined) checkPositive(where, 'divergenceFactor', o.divergenceFactor, '1000');
  if (o.onDivergence !== undefined && o.onDivergence !== 'throw' && o.onDivergence !== 'stop') {
    throw new DownhillError(`${where}: onDivergence must be 'throw' or 'stop', got '${String(o.onDivergence)}'.`, `use onDivergence: 'stop' to keep the history of a diverging run.`);
  }
}

/**
 * Stops a run whose loss becomes NaN / Infinity or explodes (see DivergenceMonitor),
 * naming the step and suggesting a smaller learning rate. Steps are seen when the
 * loop reads them (every `readEvery` steps), so a run stops at most that many steps
 * after the loss went bad; the message names the step where it did.
 */
export function stopOnDivergence(where: string, factor = 1000, mode: 'throw' | 'stop' = 'throw'): Callback {
  const monitor = new DivergenceMonitor(factor);
  return {
    onStep(s, run) {
      const problem = monitor.observe(s.loss);
      if (!problem) return;
      const message = `${where}: training diverged at step ${s.step} (epoch ${s.epoch}): ${problem}.`;
      const fix =
        `lower the learning rate${s.lr !== undefined ? ` (this step used ${s.lr}; try ${Number((s.lr / 10).toPrecision(2))})` : ''}, ` +
        `or clip the gradients with optim.clipByGlobalNorm(1.0), or check the data for very large values.`;
      run.stop(`${message} Fix: ${fix}`, 'diverged');
      if (mode === 'throw') throw new DivergenceError(message, fix, run.history);
      console.warn(`${message}\nFix: ${fix}`);
    },
  };
}

/** Stops when the epoch loss changes by less than `tolerance` from the epoch before: converged. */
export function stopOnConvergence(tolerance: number): Callback {
  return {
    onEpoch(e, run) {
      const previous = run.history.epochs[run.history.epochs.length - 2];
      if (!previous || Math.abs(e.loss - previous.loss) >= tolerance) return;
      run.stop(`converged: the loss changed by ${Math.abs(e.loss - previous.loss).toExponential(2)} (< tolerance ${tolerance}) in epoch ${e.epoch}.`, 'tolerance');
    },
  };
}

export interface EarlyStoppingOptions {
  /** Epochs without improvement before stopping (default: never stop, only record the best epoch). */
  patience?: number;
  minDelta?: number;
  /** Put back the parameters of the best epoch when stopping (default true). */
  restoreBest?: boolean;
}

/**
 * Records the best epoch in history.best (by the validation loss when there is
 * one, else the training loss) and, with `patience`, stops after that many epochs
 * without an improvement of more than `minDelta`, restoring the best parameters.
 */
export function earlyStopping(o: EarlyStoppingOptions = {}): Callback {
  const patience = o.patience ?? Infinity;
  const restore = Number.isFinite(patience) && (o.restoreBest ?? true);
  let snapshot: NamedTensors | undefined;
  let sinceBest = 0;
  return {
    onEpoch(e, run) {
      const value = e.valLoss ?? e.loss;
      const monitor = e.valLoss !== undefined ? 'valLoss' : 'loss';
      const best = run.history.best;
      if (!best || value < best.value - (o.minDelta ?? 0)) {
        run.history.best = { epoch: e.epoch, value, monitor };
        sinceBest = 0;
        if (restore) {
          disposeAll(snapshot);
          snapshot = Object.fromEntries(Object.entries(run.params).map(([k, v]) => [k, tf.clone(v)]));
        }
        return;
      }
      if (++sinceBest < patience) return;
      if (snapshot) for (const [k, v] of Object.entries(snapshot)) run.params[k].assign(v);
      run.stop(
        `early stopping: ${best.monitor} has not improved for ${patience} epochs; ${snapshot ? `restored the parameters of epoch ${best.epoch}` : `kept the last parameters`} (${best.monitor} ${best.value.toPrecision(4)}).`,
        'earlyStopping',
      );
    },
    onEnd() {
      disposeAll(snapshot);
      snapshot = undefined;
    },
  };
}

/**
 * The stopping callbacks that StopOptions ask for, in the order they act:
 * divergence on each step before the user's callbacks, the epoch rules after them.
 */
export function stoppingRules(where: string, o: StopOptions): { beforeUser: Callback[]; afterUser: Callback[] } {
  const afterUser = [earlyStopping({ patience: o.patience, minDelta: o.minDelta, restoreBest: o.restoreBest })];
  if (o.tolerance !== undefined) afterUser.push(stopOnConvergence(o.tolerance));
  return { beforeUser: [stopOnDivergence(where, o.divergenceFactor ?? 1000, o.onDivergence ?? 'throw')], afterUser };
}
