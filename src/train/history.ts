/** One optimizer update. */
export interface StepRecord {
  /** 1-based update count. */
  step: number;
  /** 1-based epoch. */
  epoch: number;
  /** The loss at which this step's gradient was taken (before the update). */
  loss: number;
  /** The learning rate this step used (when the optimizer has one). */
  lr?: number;
  /** The norm of the raw gradient, before any clipping (NaN unless recorded: fit's recordGradNorm). */
  gradNorm: number;
  /** Seconds since training started, after this step. */
  time: number;
  /** Parameter values after this step, flattened (small models only). */
  params?: number[];
  /** Training metrics on this step's batch. */
  metrics?: Record<string, number>;
}

/** One pass over the data. */
export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's batches (weighted by batch size). */
  loss: number;
  metrics: Record<string, number>;
  valLoss?: number;
  valMetrics?: Record<string, number>;
  /** The learning rate of the epoch's last step. */
  lr?: number;
  /** Seconds since training started, at the end of the epoch. */
  time: number;
  steps: number;
}

export type StopReason = 'maxEpochs' | 'tolerance' | 'earlyStopping' | 'diverged' | 'callback';

export interface StopInfo {
  reason: StopReason;
  message: string;
  epoch: number;
  step: number;
}

/** Everything a run recorded: per step, per epoch, and why it stopped. */
export class History {
  readonly label: string;
  readonly steps: StepRecord[] = [];
  readonly epochs: EpochRecord[] = [];
  /** Names of the flattened parameters when they are recorded (e.g. ['w', 'b']). */
  paramNames?: string[];
  /** Parameter values before the first step, when recorded. */
  initialParams?: number[];
  stopped?: StopInfo;
  /** The best epoch by the monitored loss (early stopping restores it). */
  best?: { epoch: number; value: number; monitor: 'valLoss' | 'loss' };

  constructor(label = 'run') {
    this.label = label;
  }

  /** A one-line summary where a notebook shows a cell's value (`Out[n]`) or console.log prints it. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const last = this.steps[this.steps.length - 1];
    const parts = [`${this.steps.length} step${this.steps.length === 1 ? '' : 's'}`, `${this.epochs.length} epoch${this.epochs.length === 1 ? '' : 's'}`];
    if (last) parts.push(`last loss ${last.loss.toPrecision(4)}`);
    if (this.stopped) parts.push(`stopped: ${this.stopped.reason}`);
    return `History '${this.label}': ${parts.join(', ')}`;
  }

  /** One column of the step records, e.g. stepValues('loss'). */
  stepValues(key: 'loss' | 'lr' | 'gradNorm' | 'time'): number[] {
    return this.steps.map((s) => (s[key] ?? NaN) as number);
  }

  /** One column of the epoch records, e.g. epochValues('valLoss'), or a metric name. */
  epochValues(key: string): number[] {
    return this.epochs.map((e) => {
      const direct = (e as unknown as Record<string, unknown>)[key];
      if (typeof direct === 'number') return direct;
      if (key.startsWith('val') && e.valMetrics) {
        const name = key[3].toLowerCase() + key.slice(4);
        if (name in e.valMetrics) return e.valMetrics[name];
      }
      return e.metrics[key] ?? NaN;
    });
  }

  /** The path through parameter space: the start, then the parameters after each step. */
  trajectory(): number[][] {
    if (!this.initialParams) return [];
    return [this.initialParams, ...this.steps.map((s) => s.params ?? [])];
  }

  /** The last step's loss (NaN before any step). */
  get finalLoss(): number {
    return this.steps.length ? this.steps[this.steps.length - 1].loss : NaN;
  }

  /** Seconds the run took. */
  get seconds(): number {
    return this.steps.length ? this.steps[this.steps.length - 1].time : 0;
  }

  /**
   * A History from points computed by hand (a from-scratch loop), so that it can be
   * drawn like a library run: `points[0]` is the start, `points[i]` the parameters
   * after step i; `losses[i]`, when given, the loss before step i + 1.
   */
  static fromTrajectory(label: string, points: number[][], losses: number[] = [], paramNames?: string[]): History {
    const h = new History(label);
    h.initialParams = points[0];
    h.paramNames = paramNames ?? (points[0]?.length === 1 ? ['w'] : points[0]?.length === 2 ? ['x', 'y'] : points[0]?.map((_, i) => `p${i}`));
    points.slice(1).forEach((params, i) => {
      const step = i + 1;
      h.steps.push({ step, epoch: step, loss: losses[i] ?? NaN, gradNorm: NaN, time: 0, params });
      h.epochs.push({ epoch: step, loss: losses[i] ?? NaN, metrics: {}, time: 0, steps: step });
    });
    return h;
  }

  toJSON(): object {
    return {
      label: this.label,
      paramNames: this.paramNames,
      initialParams: this.initialParams,
      steps: this.steps,
      epochs: this.epochs,
      stopped: this.stopped,
      best: this.best,
    };
  }
}
