import * as tf from '@tensorflow/tfjs';
import { NamedTensors, disposeAll, flatNames, flatten } from '../named_tensors';
import { GradientTransformation } from '../optim/transformation';
import { descentStep, trainableParams } from '../optim/step';
import { checkInteger, checkNonNegative, checkPositive } from '../validate';
import { DownhillError } from '../errors';
import { Callback, RunContext } from './callbacks';
import { DivergenceError, DivergenceMonitor } from './divergence';
import { EpochRecord, History, StepRecord, StopInfo } from './history';

/** When to stop before the last epoch. */
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

/** A batch as the loop sees it: a loss of the parameters (which may also report metrics). */
export interface LoopBatch {
  objective(params: NamedTensors, metrics: Record<string, tf.Tensor>): tf.Tensor;
  size: number;
  dispose(): void;
}

export interface LoopOptions extends StopOptions {
  where: string;
  label: string;
  params: Record<string, tf.Variable>;
  optimizer: GradientTransformation;
  epochs: number;
  batchesFor(epoch: number): Iterable<LoopBatch>;
  evaluate?(): Promise<{ loss: number; metrics: Record<string, number> }>;
  callbacks?: Callback[];
  recordParams: boolean;
  paramNames?: string[];
  // --- resuming (checkpoints, issue 16) ---
  /** Continue where an earlier run stopped: the loop takes ownership of `resume.state` (and frees it at the end). */
  resume?: LoopPosition;
  /** Called after every completed epoch; `position.state` is the loop's own: read it (e.g. save it), do not keep or dispose it. */
  onEpochEnd?(position: LoopPosition): Promise<void>;
  // --- end resuming ---
}

/** Where a training loop stands: the optimizer state after `step` updates and `epoch` completed epochs. */
export interface LoopPosition {
  state: unknown;
  step: number;
  epoch: number;
}

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
 * The training loop shared by fit, descend and the learning-rate range test: steps
 * through the batches of each epoch, records the history, runs callbacks and
 * applies the stopping rules. Memory: every step's temporaries are freed, and the
 * optimizer state is freed at the end, so tf.memory().numTensors does not grow.
 */
export async function runLoop(o: LoopOptions): Promise<History> {
  const history = new History(o.label);
  const callbacks = o.callbacks ?? [];
  if (o.recordParams) {
    history.paramNames = o.paramNames ?? flatNames(o.params);
    history.initialParams = await readFlat(o.params);
  }
  let state: unknown = o.resume ? o.resume.state : tf.tidy(() => o.optimizer.init(trainableParams(o.params)) as tf.TensorContainer);
  let stopRequest: string | undefined;
  const run: RunContext = { history, params: o.params, stop: (m) => (stopRequest = m ?? 'stopped by a callback') };
  const monitor = new DivergenceMonitor(o.divergenceFactor ?? 1000);
  const start = performance.now();
  const seconds = () => (performance.now() - start) / 1000;
  let bestSnapshot: NamedTensors | undefined;
  let sinceBest = 0;
  let step = o.resume?.step ?? 0;
  const stop = (info: Omit<StopInfo, 'step'>) => (history.stopped = { ...info, step });

  try {
    for (let epoch = (o.resume?.epoch ?? 0) + 1; epoch <= o.epochs && !history.stopped; epoch++) {
      let lossSum = 0;
      let count = 0;
      const metricSums: Record<string, number> = {};
      let lastLr: number | undefined;
      for (const batch of o.batchesFor(epoch)) {
        const lr = o.optimizer.learningRate?.(state);
        const metricTensors: Record<string, tf.Tensor> = {};
        let values: Float32Array;
        try {
          const out = descentStep(o.params, (p) => batch.objective(p, metricTensors), o.optimizer, state);
          state = out.state;
          const metricNames = Object.keys(metricTensors);
          // One read per step: loss, gradient norm, metrics (and the parameters of small models).
          const packed = tf.tidy(() => {
            const scalars = tf.stack([out.loss, out.gradNorm, ...metricNames.map((k) => metricTensors[k])]);
            return o.recordParams ? tf.concat([scalars, flatten(o.params)]) : scalars;
          });
          values = (await packed.data()) as Float32Array;
          disposeAll([packed, out.loss, out.gradNorm]);
        } finally {
          disposeAll(metricTensors);
          batch.dispose();
        }
        step++;
        lastLr = lr;
        const metricNames = Object.keys(metricTensors);
        const record: StepRecord = { step, epoch, loss: values[0], gradNorm: values[1], time: seconds() };
        if (lr !== undefined) record.lr = lr;
        if (metricNames.length) record.metrics = Object.fromEntries(metricNames.map((k, i) => [k, values[2 + i]]));
        if (o.recordParams) record.params = Array.from(values.subarray(2 + metricNames.length));
        history.steps.push(record);
        lossSum += record.loss * batch.size;
        count += batch.size;
        for (const [k, v] of Object.entries(record.metrics ?? {})) metricSums[k] = (metricSums[k] ?? 0) + v * batch.size;

        const problem = monitor.observe(record.loss);
        if (problem) {
          const message = `${o.where}: training diverged at step ${step} (epoch ${epoch}): ${problem}.`;
          const fix =
            `lower the learning rate${lr !== undefined ? ` (this step used ${lr}; try ${Number((lr / 10).toPrecision(2))})` : ''}, ` +
            `or clip the gradients with optim.clipByGlobalNorm(1.0), or check the data for very large values.`;
          stop({ reason: 'diverged', message: `${message} Fix: ${fix}`, epoch });
          if ((o.onDivergence ?? 'throw') === 'throw') throw new DivergenceError(message, fix, history);
          console.warn(`${message}\nFix: ${fix}`);
          break;
        }
        for (const cb of callbacks) await cb.onStep?.(record, run);
        if (stopRequest) break;
      }
      if (count === 0) break;

      const epochRecord: EpochRecord = {
        epoch,
        loss: lossSum / count,
        metrics: Object.fromEntries(Object.entries(metricSums).map(([k, v]) => [k, v / count])),
        time: seconds(),
        steps: step,
      };
      if (lastLr !== undefined) epochRecord.lr = lastLr;
      if (o.evaluate && !history.stopped) {
        const val = await o.evaluate();
        epochRecord.valLoss = val.loss;
        epochRecord.valMetrics = val.metrics;
        epochRecord.time = seconds();
      }
      history.epochs.push(epochRecord);
      if (history.stopped) break;
      await o.onEpochEnd?.({ state, step, epoch });
      for (const cb of callbacks) await cb.onEpoch?.(epochRecord, run);

      const monitored = epochRecord.valLoss ?? epochRecord.loss;
      const monitorName = epochRecord.valLoss !== undefined ? 'valLoss' : 'loss';
      if (!history.best || monitored < history.best.value - (o.minDelta ?? 0)) {
        history.best = { epoch, value: monitored, monitor: monitorName };
        sinceBest = 0;
        if (o.patience !== undefined && (o.restoreBest ?? true)) {
          disposeAll(bestSnapshot);
          bestSnapshot = Object.fromEntries(Object.entries(o.params).map(([k, v]) => [k, tf.clone(v)]));
        }
      } else {
        sinceBest++;
      }

      const previous = history.epochs[history.epochs.length - 2];
      if (stopRequest) {
        stop({ reason: 'callback', message: stopRequest, epoch });
      } else if (o.tolerance !== undefined && previous && Math.abs(epochRecord.loss - previous.loss) < o.tolerance) {
        stop({
          reason: 'tolerance',
          message: `converged: the loss changed by ${Math.abs(epochRecord.loss - previous.loss).toExponential(2)} (< tolerance ${o.tolerance}) in epoch ${epoch}.`,
          epoch,
        });
      } else if (o.patience !== undefined && sinceBest >= o.patience) {
        const best = history.best!;
        if (bestSnapshot) for (const [k, v] of Object.entries(bestSnapshot)) o.params[k].assign(v);
        stop({
          reason: 'earlyStopping',
          message: `early stopping: ${best.monitor} has not improved for ${o.patience} epochs; ${bestSnapshot ? `restored the parameters of epoch ${best.epoch}` : `kept the last parameters`} (${best.monitor} ${best.value.toPrecision(4)}).`,
          epoch,
        });
      } else if (epoch === o.epochs) {
        stop({ reason: 'maxEpochs', message: `reached the maximum of ${o.epochs} epochs.`, epoch });
      }
    }
  } finally {
    disposeAll(state);
    disposeAll(bestSnapshot);
  }
  for (const cb of callbacks) await cb.onEnd?.(history, run);
  return history;
}

async function readFlat(params: NamedTensors): Promise<number[]> {
  const flat = flatten(params);
  const values = Array.from(await flat.data());
  flat.dispose();
  return values;
}
