import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import * as dh from '../src';
import { expectDownhillError, initRuntime } from './helpers/setup';

/**
 * Issue 16's list of bad input a learner makes: each is a DownhillError naming the
 * problem and the fix (or documented behaviour). The others of the list are tested
 * where they live: trainable: false and the README's Lion with a schedule in
 * optim.test.ts.
 */
const regression = () => ({ x: [[0], [1], [2], [3]], y: [1, 3, 5, 7] });
const classes = (labels: number[]) => ({ x: labels.map((_, i) => [i / 10, 1 - i / 10]), y: Int32Array.from(labels) });

describe('bad input: a clear DownhillError, not a cryptic message or a silent wrong number', () => {
  before(initRuntime);

  it('a model with no parameters', () =>
    expectDownhillError(
      () => dh.fit({ model: { name: 'empty', params: {}, forward: (_p, x) => x }, loss: dh.losses.mse, data: regression(), optimizer: dh.optim.sgd({ lr: 0.1 }) }),
      /the model has no parameters/,
    ));

  it('a disposed model: fit, predict and evaluate say so', async () => {
    const model = dh.models.linear();
    dh.models.disposeModel(model);
    const data = regression();
    await expectDownhillError(() => dh.fit({ model, loss: dh.losses.mse, data, optimizer: dh.optim.sgd({ lr: 0.1 }) }), /parameter '\w+' has been disposed/);
    await expectDownhillError(() => tf.tidy(() => dh.models.predict(model, tf.tensor2d([[1]]))), /predict: parameter '\w+' has been disposed/);
    await expectDownhillError(() => dh.evaluate(model, data, { loss: dh.losses.mse }), /evaluate: parameter '\w+' has been disposed/);
  });

  it('a disposed data tensor, and a disposed input to predict', async () => {
    const x = tf.tensor2d([[0], [1]]);
    const y = tf.tensor1d([1, 3]);
    x.dispose();
    await expectDownhillError(() => dh.fit({ model: dh.models.linear(), loss: dh.losses.mse, data: { x, y }, optimizer: dh.optim.sgd({ lr: 0.1 }) }), /x is a disposed tensor/);
    y.dispose();
    const model = dh.models.linear();
    await expectDownhillError(() => dh.models.predict(model, x), /input 'x' has been disposed/);
    dh.models.disposeModel(model);
  });

  it('opt.step after its variable was disposed', async () => {
    const w = tf.variable(tf.scalar(5));
    const opt = new dh.optim.Optimizer({ w }, dh.optim.adam({ lr: 0.1 }));
    await opt.step(() => tf.square(w));
    w.dispose();
    await expectDownhillError(() => opt.step(() => tf.square(w)), /parameter 'w' has been disposed/);
    opt.dispose();
  });

  it('crossEntropy with labels >= the number of classes, in fit and on tensors', async () => {
    const model = dh.models.mlp({ sizes: [2, 4, 3], seed: 0 });
    const before = tf.memory().numTensors;
    await expectDownhillError(
      () => dh.fit({ model, loss: dh.losses.crossEntropy, data: classes([0, 1, 2, 3, 1, 0]), optimizer: dh.optim.sgd({ lr: 0.1 }), batchSize: 6 }),
      /fit: y: label 3 is not a class index: the model outputs 3 classes, so labels must be 0 … 2/,
      /4 outputs/,
    );
    assert.equal(tf.memory().numTensors, before, 'the refused step frees its tensors');
    await expectDownhillError(() => dh.evaluate(model, classes([0, 5]), { loss: dh.losses.crossEntropy }), /label 5 is not a class index/);
    await expectDownhillError(
      () => tf.tidy(() => dh.losses.crossEntropy(tf.zeros([2, 3]), tf.tensor1d([0, 3], 'int32'))),
      /crossEntropy: label 3 is not a class index/,
    );
    await expectDownhillError(() => tf.tidy(() => dh.losses.accuracy(tf.zeros([2, 3]), tf.tensor1d([-1, 0], 'int32'))), /label -1/, /negative/);
    // Labels in range still train.
    const h = await dh.fit({ model, loss: dh.losses.crossEntropy, data: classes([0, 1, 2, 2, 1, 0]), optimizer: dh.optim.sgd({ lr: 0.1 }), epochs: 2 });
    assert.equal(h.epochs.length, 2);
    dh.models.disposeModel(model);
  });

  it('negative labels are refused where the dataset is made', () =>
    expectDownhillError(() => dh.data.dataset(classes([0, -1, 2])), /label -1 of sample 1 is negative/));

  it('compare disposes the models its runs built (keepModels keeps them); finalLoss is the last epoch mean, lastLoss the last step', async () => {
    const run = (optimizer: dh.optim.GradientTransformation, label: string) =>
      dh.fit({ model: dh.models.mlp({ sizes: [1, 4, 1], seed: 1 }), loss: dh.losses.mse, data: regression(), optimizer, batchSize: 2, epochs: 3, label });
    const before = tf.memory().numTensors;
    const { table, histories } = await dh.compare({ optimizers: { sgd: dh.optim.sgd({ lr: 0.01 }), adam: dh.optim.adam({ lr: 0.01 }) }, run });
    assert.equal(tf.memory().numTensors, before, 'no model is left in memory');
    for (const row of table) {
      const h = histories[row.name];
      assert.equal(row.finalLoss, h.epochs.at(-1)!.loss);
      assert.equal(row.lastLoss, h.steps.at(-1)!.loss);
      assert.notEqual(row.finalLoss, row.lastLoss);
    }
    await dh.compare({ optimizers: { sgd: dh.optim.sgd({ lr: 0.01 }) }, run, keepModels: true });
    assert.equal(tf.memory().numTensors, before + 4, 'keepModels keeps the 4 variables of the mlp');
    tf.disposeVariables();
  });

  it('choosing the backend automatically on a machine without a GPU device does not start Dawn (no WebGPU warnings)', function () {
    const gpuDevice = ['/dev/nvidia0', '/dev/dxg'].some(fs.existsSync) || (fs.existsSync('/dev/dri') && fs.readdirSync('/dev/dri').some((n) => n.startsWith('renderD')));
    if (process.platform !== 'linux' || gpuDevice) this.skip(); // a GPU may be there: Dawn is rightly started
    const script = "require('./src').runtime.init({ backend: 'auto' }).then((i) => console.log(JSON.stringify({ backend: i.backend, reason: i.reason })))";
    const out = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { cwd: path.join(__dirname, '..'), encoding: 'utf8', env: { ...process.env, DOWNHILL_BACKEND: '' } });
    assert.equal(out.status, 0, out.stderr);
    const info = JSON.parse(out.stdout.trim().split('\n').at(-1)!);
    assert.notEqual(info.backend, 'webgpu');
    assert.match(info.reason, /webgpu: a software adapter is slower than wasm/);
    assert.doesNotMatch(out.stderr, /Warning|artificially reduced|Dawn/i, `stderr: ${out.stderr}`);
  });
});
