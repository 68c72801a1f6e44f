import { DownhillError } from '../errors';
import { History } from './history';

/** Thrown when a run's loss becomes NaN / Infinity or explodes; carries the history up to that point. */
export class DivergenceError extends DownhillError {
  declare readonly history: History;

  constructor(problem: string, fix: string, history: History) {
    super(problem, fix);
    this.name = 'DivergenceError';
    // Not enumerable, so that printing the error shows the message, not every step.
    Object.defineProperty(this, 'history', { value: history, enumerable: false });
  }
}

/**
 * Watches the loss for divergence: NaN or ±Infinity at once, or a smoothed loss
 * (EMA, β = 0.9) that climbs past `factor` times its largest value during the
 * first 10 steps. Using the early maximum as the reference keeps noisy
 * single-sample losses from raising false alarms.
 */
export class DivergenceMonitor {
  private ema = 0;
  private steps = 0;
  private reference = 0;

  constructor(private readonly factor: number) {}

  /** A description of the problem when the loss diverges, else undefined. */
  observe(loss: number): string | undefined {
    if (!Number.isFinite(loss)) return `the loss became ${loss}`;
    this.steps++;
    this.ema = 0.9 * this.ema + 0.1 * loss;
    const smoothed = this.ema / (1 - 0.9 ** this.steps);
    if (this.steps <= 10) {
      this.reference = Math.max(this.reference, smoothed);
      return undefined;
    }
    if (this.reference > 0 && smoothed > this.factor * this.reference) {
      return `the loss exploded: its running average reached ${smoothed.toExponential(3)}, more than ${this.factor}× the early value ${this.reference.toExponential(3)}`;
    }
    return undefined;
  }
}
