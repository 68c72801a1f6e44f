import * as tf from '@tensorflow/tfjs';
import * as dh from '../index';
import { BATCH, TASKS, TaskName } from './mnist_training';

export interface KernelCount {
  /** TF.js kernels per training step. */
  perStep: number;
  /** The most frequent kernels per step, most first. */
  top: Record<string, number>;
  /** How it was counted. */
  method: string;
}

const SHORT = 10;
const LONG = 30;

/** The kernels of a fit of `steps` steps (fewer when the data set is smaller), by name, and the steps it ran. */
async function kernelsOfFit(task: TaskName, train: dh.data.Dataset, steps: number): Promise<{ counts: Map<string, number>; steps: number }> {
  const spec = TASKS[task];
  const model = spec.model();
  const optimizer = spec.optimizer();
  const data = dh.data.take(train, steps * BATCH);
  const profile = await tf.profile(async () => {
    await dh.fit({ model, loss: dh.losses.crossEntropy, data, optimizer, batchSize: BATCH, epochs: 1, seed: 0 });
  });
  dh.models.disposeModel(model);
  const counts = new Map<string, number>();
  for (const k of profile.kernels) counts.set(k.name, (counts.get(k.name) ?? 0) + 1);
  return { counts, steps: Math.ceil(data.size / BATCH) };
}

/**
 * Kernels per step counted with tf.profile: the kernels of a 30-step fit minus
 * those of a 10-step fit, over 20 (fewer steps on a small data set), so that what a fit does once (model setup,
 * shuffling, the epoch's summary) is not spread over the steps.
 */
export async function countKernels(task: TaskName, train: dh.data.Dataset): Promise<KernelCount> {
  const available = Math.floor(train.size / BATCH);
  const short = await kernelsOfFit(task, train, Math.min(SHORT, Math.floor(available / 3)));
  const long = await kernelsOfFit(task, train, Math.min(LONG, available));
  const extra = long.steps - short.steps;
  const per = new Map<string, number>();
  for (const [name, n] of long.counts) per.set(name, (n - (short.counts.get(name) ?? 0)) / extra);
  const total = [...per.values()].reduce((a, b) => a + b, 0);
  const top = [...per.entries()].filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]).slice(0, 8);
  return {
    perStep: +total.toFixed(2),
    top: Object.fromEntries(top.map(([name, n]) => [name, +n.toFixed(2)])),
    method: `tf.profile over fit: (kernels of a ${long.steps}-step fit − kernels of a ${short.steps}-step fit) / ${extra}`,
  };
}
