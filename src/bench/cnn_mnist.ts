import * as dh from '../index';

/** The CNN benchmark: models.cnn() on MNIST, Adam lr 1e-3, batch 64, for its documented epochs. */
export const CNN_TASK = {
  describe: 'CNN conv3×3·8 → pool → conv3×3·16 → pool → dense 10 (models.cnn defaults), Adam lr 1e-3, batch 64',
  epochs: 2,
  batchSize: 64,
};

export interface CnnResult {
  backend: string;
  /** Training seconds of each epoch (the test evaluation after it not counted). */
  epochSeconds: number[];
  /** Test accuracy after each epoch. */
  testAccuracy: number[];
}

export async function trainCnn(mnist: { train: dh.data.Dataset; test: dh.data.Dataset }, epochs = CNN_TASK.epochs): Promise<CnnResult> {
  const model = dh.models.cnn({ seed: 0 });
  const lastStepTime: number[] = [];
  const epochEnd: number[] = [0];
  const history = await dh.fit({
    model,
    loss: dh.losses.crossEntropy,
    data: mnist.train,
    validation: mnist.test,
    metrics: { accuracy: dh.losses.accuracy },
    optimizer: dh.optim.adam({ lr: 1e-3 }),
    batchSize: CNN_TASK.batchSize,
    epochs,
    seed: 0,
    callbacks: [{ onStep: (s) => void (lastStepTime[s.epoch] = s.time), onEpoch: (e) => void epochEnd.push(e.time) }],
  });
  dh.models.disposeModel(model);
  return {
    backend: dh.runtime.info()!.backend,
    epochSeconds: history.epochs.map((e) => lastStepTime[e.epoch] - epochEnd[e.epoch - 1]),
    testAccuracy: history.epochs.map((e) => e.valMetrics!.accuracy),
  };
}
