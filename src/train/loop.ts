import * as tf from '@tensorflow/tfjs';
import { NamedTensors, countElements, disposeAll, flatNames, flatten } from '../named_tensors';
import { GradientTransformation } from '../optim/transformation';
import { descentStep, trainableParams } from '../optim/step';
import { checkInteger } from '../validate';
import { Callback, RunContext } from './callbacks';
import { EpochRecord, History, StepRecord } from './history';
import { StopOptions, stoppingRules } from './stopping';

export { STOP_OPTION_NAMES, StopOptions, checkStopOptions } from './stopping';

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
  /** Record the norm of each step's raw gradient (one more reduction per step). */
  recordGradNorm: boolean;
  paramNames?: string[];
  /** Read the device's values every this many steps (and at each epoch's end). */
  readEvery?: number;
  /** Continue where an earlier run stopped (checkpoints): the loop takes ownership of `resume.state` and frees it at the end. */
  resume?: LoopPosition;
  /** Called after every completed epoch; `position.state` is the loop's own: read it (e.g. save it), do not keep or dispose it. */
  onEpochEnd?(position: LoopPosition): Promise<void>;
}

/** Where a training loop stands: the optimizer state after `step` updates and `epoch` completed epochs. */
export interface LoopPosition {
  state: unknown;
  step: number;
  epoch: number;
}

/** The loop reads the device every this many steps by default: a read drains a GPU's queue. */
export const DEFAULT_READ_EVERY = 32;

/** A step taken whose values are still on the device. */
interface PendingStep {
  record: Omit<StepRecord, 'loss' | 'gradNorm'>;
  values: tf.Tensor[];
  size: number;
  metricNames: string[];
}

/**
 * The training loop shared by fit, descend and the learning-rate range test. Each
 * step runs on the device without waiting for it; the loss, gradient norm and
 * metrics of the steps so far are read back in one batch every `readEvery` steps
 * and at the end of each epoch, then recorded and shown to the callbacks in order.
 * Stopping rules are callbacks too (stopping.ts). Memory: every step's temporaries
 * are freed, and so is the optimizer state at the end.
 */
export async function runLoop(o: LoopOptions): Promise<History> {
  const history = new History(o.label);
  const rules = stoppingRules(o.where, o);
  const callbacks = [...rules.beforeUser, ...(o.callbacks ?? []), ...rules.afterUser];
  const readEvery = Math.min(checkInteger(o.where, 'readEvery', o.readEvery ?? DEFAULT_READ_EVERY, 1), ...callbacks.map((c) => c.readEvery ?? Infinity));
  if (o.recordParams) {
    history.paramNames = o.paramNames ?? flatNames(o.params);
    history.initialParams = Array.from(await readAll([flatten(o.params)]));
  }
  const paramCount = countElements(o.params);
  let state: unknown = o.resume ? o.resume.state : tf.tidy(() => o.optimizer.init(trainableParams(o.params)) as tf.TensorContainer);
  let current = { epoch: 0, step: 0 };
  const run: RunContext = {
    history,
    params: o.params,
    stop: (message = 'stopped by a callback', reason = 'callback') => {
      history.stopped ??= { reason, message, ...current };
    },
  };
  const start = performance.now();
  const seconds = () => (performance.now() - start) / 1000;
  let pending: PendingStep[] = [];
  let step = o.resume?.step ?? 0;

  /** Reads the pending steps' values in one go, records them and runs the step callbacks. */
  const read = async (): Promise<StepRecord[]> => {
    const taken = pending;
    pending = [];
    const values = await readAll(taken.flatMap((p) => p.values));
    const records: StepRecord[] = [];
    let at = 0;
    for (const p of taken) {
      const record: StepRecord = { ...p.record, loss: values[at++], gradNorm: o.recordGradNorm ? values[at++] : NaN };
      if (p.metricNames.length) record.metrics = Object.fromEntries(p.metricNames.map((k) => [k, values[at++]]));
      if (o.recordParams) record.params = Array.from(values.subarray(at, (at += paramCount)));
      records.push(record);
    }
    return records;
  };

  try {
    for (let epoch = (o.resume?.epoch ?? 0) + 1; epoch <= o.epochs && !history.stopped; epoch++) {
      const seen: { record: StepRecord; size: number }[] = [];
      const observe = async (records: StepRecord[], sizes: number[]) => {
        for (const [i, record] of records.entries()) {
          history.steps.push(record);
          seen.push({ record, size: sizes[i] });
          current = { epoch: record.epoch, step: record.step };
          for (const cb of callbacks) if (!history.stopped) await cb.onStep?.(record, run);
        }
      };
      for (const batch of o.batchesFor(epoch)) {
        const lr = o.optimizer.learningRate?.(state);
        const metrics: Record<string, tf.Tensor> = {};
        try {
          const out = descentStep(o.params, (p) => batch.objective(p, metrics), o.optimizer, state, o.recordGradNorm);
          state = out.state;
          const values = [out.loss, ...(out.gradNorm ? [out.gradNorm] : []), ...Object.values(metrics)];
          if (o.recordParams) values.push(tf.tidy(() => flatten(o.params)));
          step++;
          pending.push({ record: { step, epoch, time: seconds(), ...(lr !== undefined && { lr }) }, values, size: batch.size, metricNames: Object.keys(metrics) });
        } catch (e) {
          disposeAll(metrics);
          throw e;
        } finally {
          batch.dispose();
        }
        if (pending.length >= readEvery) {
          const sizes = pending.map((p) => p.size);
          await observe(await read(), sizes);
        }
        if (history.stopped) break;
      }
      if (pending.length) {
        const sizes = pending.map((p) => p.size);
        await observe(await read(), sizes);
      }
      if (seen.length === 0) break;
      const epochRecord = summarise(epoch, seen, seconds());
      if (o.evaluate && !history.stopped) {
        const val = await o.evaluate();
        epochRecord.valLoss = val.loss;
        epochRecord.valMetrics = val.metrics;
        epochRecord.time = seconds();
      }
      history.epochs.push(epochRecord);
      current = { epoch, step };
      if (!history.stopped) await o.onEpochEnd?.({ state, step, epoch });
      for (const cb of callbacks) if (!history.stopped) await cb.onEpoch?.(epochRecord, run);
      if (epoch === o.epochs) run.stop(`reached the maximum of ${o.epochs} epochs.`, 'maxEpochs');
    }
  } finally {
    disposeAll(pending.map((p) => p.values));
    disposeAll(state);
    for (const cb of callbacks) await cb.onEnd?.(history, run);
  }
  return history;
}

/** An epoch's record from its steps: losses and metrics averaged, weighted by batch size. */
function summarise(epoch: number, seen: { record: StepRecord; size: number }[], time: number): EpochRecord {
  let count = 0;
  let loss = 0;
  const sums: Record<string, number> = {};
  for (const { record, size } of seen) {
    count += size;
    loss += record.loss * size;
    for (const [k, v] of Object.entries(record.metrics ?? {})) sums[k] = (sums[k] ?? 0) + v * size;
  }
  const last = seen[seen.length - 1].record;
  const e: EpochRecord = {
    epoch,
    loss: loss / count,
    metrics: Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / count])),
    time,
    steps: last.step,
  };
  if (last.lr !== undefined) e.lr = last.lr;
  return e;
}

/** The values of several tensors in one device→host read (the tensors are disposed). */
async function readAll(tensors: tf.Tensor[]): Promise<Float32Array> {
  if (tensors.length === 0) return new Float32Array(0);
  const packed = tf.tidy(() => tf.concat(tensors.map((t) => t.reshape([-1]))));
  disposeAll(tensors);
  const values = (await packed.data()) as Float32Array;
  packed.dispose();
  return values;
}
