import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import * as dh from '../src';
import { initRuntime } from './helpers/setup';

const { optim } = dh;

const OPTIMIZERS: Record<string, () => dh.optim.GradientTransformation> = {
  sgd: () => optim.sgd({ lr: 0.01 }),
  'sgd momentum + weight decay': () => optim.sgd({ lr: 0.01, momentum: 0.9, weightDecay: 1e-4 }),
  'sgd nesterov': () => optim.sgd({ lr: 0.01, momentum: 0.9, nesterov: true }),
  adagrad: () => optim.adagrad({ lr: 0.1 }),
  'rmsprop centered + momentum': () => optim.rmsprop({ lr: 0.001, momentum: 0.5, centered: true }),
  adam: () => optim.adam({ lr: 0.01 }),
  adamw: () => optim.adamw({ lr: 0.01 }),
  'clip norm + sgd schedule': () => optim.chain(optim.clipByGlobalNorm(1), optim.sgd({ lr: dh.schedules.cosine({ lr: 0.01, tMax: 1000 }) })),
  'clip value + adam': () => optim.chain(optim.clipByValue(1), optim.adam()),
  'adam amsgrad': () => optim.adam({ lr: 0.01, amsgrad: true }),
  'nadam decoupled': () => optim.nadam({ lr: 0.01, weightDecay: 0.01, decoupledWeightDecay: true }),
  radam: () => optim.radam({ lr: 0.01 }),
  adamax: () => optim.adamax(),
  adadelta: () => optim.adadelta(),
  lion: () => optim.lion({ lr: 1e-3, weightDecay: 0.01 }),
  rprop: () => optim.rprop(),
  'asgd (averaging from step 10)': () => optim.asgd({ t0: 10, weightDecay: 1e-4 }),
  signSgd: () => optim.signSgd({ lr: 1e-3 }),
  'paramGroups (adamw, no decay on b)': () => optim.paramGroups(optim.adamw, { lr: 0.01 }, [{ params: ['w'] }, { params: ['b'], weightDecay: 0 }]),
  'sgd + oneCycle (cycled momentum)': () => optim.sgd({ lr: dh.schedules.oneCycle({ maxLr: 0.01, totalSteps: 1000 }) }),
};

/** Runs `fit` for 1000 steps and returns tf.memory().numTensors seen at step 10 and at step 1000. */
async function tensorsDuringFit(tx: dh.optim.GradientTransformation, extra: Partial<dh.FitOptions> = {}): Promise<[number, number, number, number]> {
  const model = dh.models.linear({ inputs: 3 });
  const before = tf.memory().numTensors;
  const counts: number[] = [];
  await dh.fit({
    model, loss: dh.losses.mse, data: dh.data.linear({ n: 8, w: [1, 2, 3] }), optimizer: tx, epochs: 1000, batchSize: 'full',
    callbacks: [{ onStep: (s) => void ((s.step === 10 || s.step === 1000) && counts.push(tf.memory().numTensors)) }],
    ...extra,
  });
  const after = tf.memory().numTensors;
  dh.models.disposeModel(model);
  return [counts[0], counts[1], before, after];
}

describe('memory: training does not grow tf.memory().numTensors', () => {
  before(initRuntime);

  for (const [name, make] of Object.entries(OPTIMIZERS)) {
    it(`${name}: as many tensors after 1000 steps as after 10, none left after fit`, async () => {
      const [at10, at1000, before, after] = await tensorsDuringFit(make());
      assert.equal(at1000, at10, `${at10} tensors at step 10, ${at1000} at step 1000`);
      assert.equal(after, before, `${before} tensors before fit, ${after} after`);
    });
  }

  it('mini-batches, shuffling, metrics, validation and early-stopping snapshots leak nothing', async () => {
    const model = dh.models.mlp({ sizes: [3, 8, 2] });
    const before = tf.memory().numTensors;
    const data = { x: dh.data.linear({ n: 64, w: [1, 2, 3] }).x, y: Int32Array.from({ length: 64 }, (_, i) => i % 2) };
    const x = Array.from({ length: 64 }, (_, i) => Array.from(data.x.subarray(i * 3, i * 3 + 3)));
    const counts: number[] = [];
    await dh.fit({
      model, loss: dh.losses.crossEntropy, data: { x, y: data.y }, validation: { x, y: data.y }, optimizer: optim.adam(),
      batchSize: 16, epochs: 250, patience: 1000, metrics: { accuracy: dh.losses.accuracy },
      callbacks: [{ onStep: (s) => void ((s.step === 10 || s.step === 1000) && counts.push(tf.memory().numTensors)) }],
    });
    // Early-stopping snapshots come and go by epoch; compare at epoch boundaries (steps 12 and 1000 are both mid-epoch).
    assert.equal(counts.length, 2);
    assert.ok(Math.abs(counts[1] - counts[0]) <= Object.keys(model.params).length, `${counts}`);
    assert.equal(tf.memory().numTensors, before);
    dh.models.disposeModel(model);
  });

  it('the torch-like Optimizer: 1000 steps leave the tensor count where 10 left it', async () => {
    const w = tf.variable(tf.tensor1d([3, -2]));
    const opt = new optim.Optimizer({ w }, optim.adam({ lr: 0.01 }));
    const f = () => tf.sum(tf.square(w)) as tf.Scalar;
    for (let i = 0; i < 10; i++) await opt.step(f);
    const at10 = tf.memory().numTensors;
    for (let i = 10; i < 1000; i++) await opt.step(f);
    assert.equal(tf.memory().numTensors, at10);
    opt.dispose();
    w.dispose();
  });

  it('descend on a landscape leaks nothing', async () => {
    const before = tf.memory().numTensors;
    await dh.descend({ f: dh.landscapes.himmelblau(), start: [0, 0], optimizer: optim.rmsprop({ lr: 0.01 }), steps: 1000 });
    assert.equal(tf.memory().numTensors, before);
  });
});

describe('memory: models', () => {
  before(initRuntime);

  it('creating and disposing a model leaves no tensor behind', () => {
    const before = tf.memory().numTensors;
    for (const make of [() => dh.models.linear({ inputs: 3 }), () => dh.models.softmaxRegression(), () => dh.models.mlp({ sizes: [4, 5, 3] })]) {
      dh.models.disposeModel(make());
    }
    assert.equal(tf.memory().numTensors, before);
  });
});
