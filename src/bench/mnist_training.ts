import * as dh from '../index';

export interface TrainingResult {
  task: 'softmax' | 'mlp';
  backend: string;
  seconds: number;
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

export async function trainOnce(
  task: keyof typeof TASKS,
  mnist: { train: dh.data.Dataset; test: dh.data.Dataset },
): Promise<TrainingResult> {
  const spec = TASKS[task];
  const model = spec.model();
  const history = await dh.fit({
    model, loss: dh.losses.crossEntropy, data: mnist.train, optimizer: spec.optimizer(), batchSize: 128, epochs: 1, seed: 0,
  });
  const seconds = history.seconds;
  const { metrics } = await dh.evaluate(model, mnist.test, { loss: dh.losses.crossEntropy, metrics: { accuracy: dh.losses.accuracy } });
  dh.models.disposeModel(model);
  return {
    task,
    backend: dh.runtime.info()!.backend,
    seconds,
    samplesPerSecond: mnist.train.size / seconds,
    testAccuracy: metrics.accuracy,
  };
}
