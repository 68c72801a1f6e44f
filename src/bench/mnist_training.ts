import * as dh from '../index';

/** The bench's trainings on MNIST at batch 128; PyTorch's side (bench/torch_mnist.py) has the same three. */
export const TASKS = {
  softmax: {
    describe: 'softmax regression 784→10, SGD lr 0.1, batch 128',
    model: () => dh.models.softmaxRegression({ seed: 0 }),
    optimizer: () => dh.optim.sgd({ lr: 0.1 }),
  },
  mlp: {
    describe: 'MLP 784→128→10 ReLU, Adam lr 1e-3, batch 128',
    model: () => dh.models.mlp({ sizes: [784, 128, 10], seed: 0 }),
    optimizer: () => dh.optim.adam({ lr: 1e-3 }),
  },
  wide: {
    describe: 'compute-bound MLP 784→1024→1024→10 ReLU, Adam lr 1e-3, batch 128',
    model: () => dh.models.mlp({ sizes: [784, 1024, 1024, 10], seed: 0 }),
    optimizer: () => dh.optim.adam({ lr: 1e-3 }),
  },
} as const;

export type TaskName = keyof typeof TASKS;

export const BATCH = 128;

/** One training with a fresh model from seed 0, timed from the call to fit until it returns. */
export async function trainOnce(task: TaskName, data: dh.data.Dataset, test?: dh.data.Dataset): Promise<{ seconds: number; accuracy?: number }> {
  const spec = TASKS[task];
  const model = spec.model();
  try {
    const start = performance.now();
    await dh.fit({ model, loss: dh.losses.crossEntropy, data, optimizer: spec.optimizer(), batchSize: BATCH, epochs: 1, seed: 0 });
    const seconds = (performance.now() - start) / 1000;
    if (!test) return { seconds };
    const { metrics } = await dh.evaluate(model, test, { loss: dh.losses.crossEntropy, metrics: { accuracy: dh.losses.accuracy } });
    return { seconds, accuracy: metrics.accuracy };
  } finally {
    dh.models.disposeModel(model);
  }
}
