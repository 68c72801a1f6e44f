import { strict as assert } from 'assert';
import * as dh from '../src';
import { expectDownhillError, initRuntime } from './helpers/setup';

describe('learning-rate range test', () => {
  before(initRuntime);

  it('sweeps the learning rate exponentially, suggests one below the blow-up, and restores the parameters', async () => {
    const { train } = dh.data.mnist({ train: 3000 });
    const model = dh.models.softmaxRegression();
    const before = await dh.models.parameterValues(model);
    const r = await dh.lrRangeTest({ model, loss: dh.losses.crossEntropy, data: train, optimizer: (lr) => dh.optim.sgd({ lr }), minLr: 1e-4, maxLr: 100, steps: 80, batchSize: 64 });
    assert.ok(r.lrs.length > 20 && r.lrs.length <= 80);
    assert.ok(Math.abs(r.lrs[0] - 1e-4) < 1e-12);
    const ratios = r.lrs.slice(1).map((v, i) => v / r.lrs[i]);
    assert.ok(ratios.every((q) => Math.abs(q - ratios[0]) < 1e-9), 'constant ratio: an exponential sweep');
    assert.equal(r.losses.length, r.lrs.length);
    assert.ok(r.suggestion > 1e-4 && r.suggestion < r.minLossLr, `suggestion ${r.suggestion}, min-loss lr ${r.minLossLr}`);
    // Trained with the suggestion, the model learns (softmax regression on MNIST trains well from ~0.01 to ~1).
    assert.ok(r.suggestion > 1e-3 && r.suggestion < 5, `suggestion ${r.suggestion}`);
    assert.deepEqual(await dh.models.parameterValues(model), before, 'parameters put back');
    dh.models.disposeModel(model);
  });

  it('bad input: maxLr below minLr', () =>
    expectDownhillError(
      () => dh.lrRangeTest({ model: dh.models.linear(), loss: dh.losses.mse, data: { x: [1], y: [1] }, optimizer: (lr) => dh.optim.sgd({ lr }), minLr: 1, maxLr: 0.1 }),
      /maxLr \(0.1\) must be larger than minLr \(1\)/,
    ));
});

describe('compare', () => {
  before(initRuntime);

  it('runs each optimizer on the same task from the same start; a diverging one is recorded, not fatal', async () => {
    const data = dh.data.linear({ n: 64, seed: 5 });
    const { histories, table } = await dh.compare({
      optimizers: {
        sgd: dh.optim.sgd({ lr: 0.1 }),
        momentum: dh.optim.sgd({ lr: 0.1, momentum: 0.9 }),
        adam: dh.optim.adam({ lr: 0.1 }),
        'too large': dh.optim.sgd({ lr: 50 }),
      },
      run: (optimizer, label) => dh.fit({ model: dh.models.linear({ init: 'xavier', seed: 1 }), loss: dh.losses.mse, data, optimizer, label, epochs: 20, batchSize: 16 }),
    });
    assert.deepEqual(Object.keys(histories), ['sgd', 'momentum', 'adam', 'too large']);
    const starts = Object.values(histories).map((h) => JSON.stringify(h.initialParams));
    assert.equal(new Set(starts).size, 1, 'every run starts from the same parameters');
    assert.deepEqual(table.map((r) => r.stopped), ['maxEpochs', 'maxEpochs', 'maxEpochs', 'diverged']);
    assert.ok(table[0].finalLoss < 1, JSON.stringify(table[0]));
    assert.equal(histories.adam.label, 'adam');
  });
});
