import * as tf from '@tensorflow/tfjs';
import { EpochRecord, History, StepRecord, StopReason } from './history';

/** What a callback can see and do during a run. */
export interface RunContext {
  history: History;
  params: Record<string, tf.Variable>;
  /** Ends the run: no more steps are taken, and no more callbacks see this step or epoch. */
  stop(message?: string, reason?: StopReason): void;
}

/**
 * Hooks called during training; each may be async (e.g. to update a live chart).
 * The loop keeps the loss and metrics on the device and reads them in one batch
 * every `readEvery` steps and at the end of each epoch; onStep then sees each of
 * those steps in order. A callback that must act on fresher values sets readEvery.
 */
export interface Callback {
  /** The most steps this callback lets pass between two reads (default: the run's readEvery). */
  readEvery?: number;
  onStep?(step: StepRecord, run: RunContext): void | Promise<void>;
  onEpoch?(epoch: EpochRecord, run: RunContext): void | Promise<void>;
  onEnd?(history: History, run: RunContext): void | Promise<void>;
}

const format = (v: number | undefined) => (v === undefined ? '' : Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4));

/** Prints one line every `every` epochs: loss, validation loss and metrics. */
export function printEpochs(every = 1, log: (line: string) => void = console.log): Callback {
  return {
    onEpoch(e) {
      if (e.epoch % every !== 0) return;
      const parts = [`epoch ${e.epoch}`, `loss ${format(e.loss)}`];
      for (const [k, v] of Object.entries(e.metrics)) parts.push(`${k} ${format(v)}`);
      if (e.valLoss !== undefined) parts.push(`val loss ${format(e.valLoss)}`);
      for (const [k, v] of Object.entries(e.valMetrics ?? {})) parts.push(`val ${k} ${format(v)}`);
      parts.push(`${e.time.toFixed(2)} s`);
      log(parts.join('  '));
    },
  };
}

/** Prints one line every `every` steps: loss, learning rate, gradient norm and parameters (when recorded). */
export function printSteps(every = 1, log: (line: string) => void = console.log): Callback {
  return {
    onStep(s, run) {
      if (s.step % every !== 0) return;
      const parts = [`step ${s.step}`, `loss ${format(s.loss)}`];
      if (s.lr !== undefined) parts.push(`lr ${format(s.lr)}`);
      if (!Number.isNaN(s.gradNorm)) parts.push(`|g| ${format(s.gradNorm)}`);
      if (s.params && run.history.paramNames) {
        run.history.paramNames.forEach((name, i) => parts.push(`${name} ${format(s.params![i])}`));
      }
      log(parts.join('  '));
    },
  };
}
