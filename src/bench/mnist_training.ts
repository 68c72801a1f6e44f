import * as dh from '../index';

export interface TrainingResult {
  task: 'softmax' | 'mlp';
  backend: string;
  /** Median seconds of the timed epochs. */
  seconds: number;
  /** Every timed epoch. */
  all: number[];
  samplesPerSecond: number;
  testAccuracy: number;
}

/** The two benchmark trainings: one epoch of MNIST at batch 128. */
export const TASKS = {
  softmax: {
    describe: 'softmax regression 784→10, SGD lr 0.1, batch 128, 1 epoch',
    model: () => dh.models.softmaxRegression({ seed: 0 }),
    optimizer: () => dh.optim.sgd({ lr: 0.1 }),
  },
  mlp: {
    describe: 'MLP 784→128→10 ReLU, Adam lr 1e-3, batch 128, 1 epoch',
    model: () => dh.models.mlp({ sizes: [784, 128, 10], seed: 0 }),
    optimizer: () => dh.optim.adam({ lr: 1e-3 }),
  },
} as const;

/**
 * A few warm-up steps (JIT, kernel setup, memory growth; PyTorch's side does the
 * same), then `repeats` epochs, each with a fresh model from the same seed; the
 * median epoch is reported.
 */
export async function trainTimed(
  task: keyof typeof TASKS,
  mnist: { train: dh.data.Dataset; test: dh.data.Dataset },
  repeats: number,
  warmupSteps: number,
): Promise<TrainingResult> {
  const spec = TASKS[task];
  const warm = spec.model();
  await dh.fit({ model: warm, loss: dh.losses.crossEntropy, data: dh.data.take(mnist.train, warmupSteps * 128), optimizer: spec.optimizer(), batchSize: 128, epochs: 1 });
  dh.models.disposeModel(warm);
  const all: number[] = [];
  let accuracy = NaN;
  for (let r = 0; r < repeats; r++) {
    const model = spec.model();
    const history = await dh.fit({ model, loss: dh.losses.crossEntropy, data: mnist.train, optimizer: spec.optimizer(), batchSize: 128, epochs: 1, seed: 0 });
    all.push(history.seconds);
    if (r === repeats - 1) {
      const { metrics } = await dh.evaluate(model, mnist.test, { loss: dh.losses.crossEntropy, metrics: { accuracy: dh.losses.accuracy } });
      accuracy = metrics.accuracy;
    }
    dh.models.disposeModel(model);
  }
  const seconds = [...all].sort((a, b) => a - b)[Math.floor(all.length / 2)];
  return { task, backend: dh.runtime.info()!.backend, seconds, all, samplesPerSecond: mnist.train.size / seconds, testAccuracy: accuracy };
}
