import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import * as dh from '../../src';

/** PyTorch float64 trajectories, shipped beside the project in ../shared/reference. */
export interface ReferenceRun {
  problem: 'quadratic' | 'rosenbrock' | 'linreg';
  optimizer: 'sgd' | 'adagrad' | 'rmsprop' | 'adam' | 'adamw';
  options: Record<string, number | boolean>;
  steps: number;
  start: number[];
  params: number[][];
  loss_before_step: number[];
}

export interface ReferenceSchedule {
  schedule: string;
  options: Record<string, number>;
  base_lr: number;
  steps: number;
  lr: number[];
}

export function loadReference(): { optimizers: ReferenceRun[]; schedules: ReferenceSchedule[] } {
  return readFixture('torch-optimizers.json', process.env.DOWNHILL_REFERENCE);
}

/** A fixture from ../shared/reference (beside the project), else its copy in test/fixtures. */
export function readFixture<T>(name: string, override?: string): T {
  const candidates = [
    override,
    path.join(__dirname, '..', '..', '..', 'shared', 'reference', name),
    path.join(__dirname, '..', 'fixtures', name),
  ].filter((p): p is string => !!p);
  const file = candidates.find((p) => fs.existsSync(p));
  if (!file) throw new Error(`${name} not found in ${candidates.join(', ')}`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

const X = [1, 2, 3, 4];
const Y = [3, 5, 7, 9];

/** The three reference problems as functions of a point tensor [w0, w1]. */
export function problem(name: ReferenceRun['problem']): (p: tf.Tensor1D) => tf.Tensor {
  switch (name) {
    case 'quadratic':
      return dh.landscapes.quadratic({ scales: [1, 10], center: [2, -1] }).f;
    case 'rosenbrock':
      return dh.landscapes.rosenbrock().f;
    case 'linreg':
      return (p) => {
        const [w, b] = tf.unstack(p);
        return tf.mean(tf.square(tf.sub(tf.add(tf.mul(w, tf.tensor1d(X)), b), tf.tensor1d(Y))));
      };
  }
}

/** downhill's optimizer for a reference entry (PyTorch option names mapped to downhill's). */
export function optimizerFor(run: ReferenceRun): dh.optim.GradientTransformation {
  const o = run.options;
  const lr = o.lr as number;
  const weightDecay = o.weight_decay as number | undefined;
  let core: dh.optim.GradientTransformation;
  switch (run.optimizer) {
    case 'sgd':
      core = dh.optim.sgd({ lr, momentum: o.momentum as number, nesterov: o.nesterov as boolean, weightDecay });
      break;
    case 'adagrad':
      core = dh.optim.adagrad({ lr, weightDecay });
      break;
    case 'rmsprop':
      core = dh.optim.rmsprop({ lr, weightDecay });
      break;
    case 'adam':
      core = dh.optim.adam({ lr, weightDecay });
      break;
    case 'adamw':
      core = dh.optim.adamw({ lr, weightDecay });
      break;
  }
  if (o.clip_norm !== undefined) return dh.optim.chain(dh.optim.clipByGlobalNorm(o.clip_norm as number), core);
  if (o.clip_value !== undefined) return dh.optim.chain(dh.optim.clipByValue(o.clip_value as number), core);
  return core;
}

export function describeRun(run: ReferenceRun): string {
  return `${run.optimizer}(${JSON.stringify(run.options)}) on ${run.problem}`;
}
