import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import * as dh from '../src';
import { convolve } from '../src/models/cnn';
import { initRuntime } from './helpers/setup';

/** Largest |a − b| over two tensors' values. */
async function maxDifference(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const [x, y] = [Array.from(await a.data()), Array.from(await b.data())];
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i])), 0);
}

describe('models.cnn (conv, pool, dense) and fit on a tf.LayersModel', () => {
  before(initRuntime);

  it('the patch (im2col) convolution equals tf.conv2d, value and gradients (on the cpu backend, which has both)', async () => {
    const active = tf.getBackend();
    await tf.setBackend('cpu');
    try {
      for (const k of [3, 5]) {
        const rng = new dh.Random(k);
        const x = tf.tensor4d(rng.normalArray(2 * 7 * 6 * 3), [2, 7, 6, 3]);
        const w = tf.tensor4d(rng.normalArray(k * k * 3 * 4), [k, k, 3, 4]);
        const f = (usePatches: boolean) => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(convolve(a as tf.Tensor4D, b as tf.Tensor4D, usePatches))));
        const viaConv = f(false)([x, w]);
        const viaPatches = f(true)([x, w]);
        assert.ok((await maxDifference(convolve(x, w, true), convolve(x, w, false))) < 1e-4, `k=${k}: values`);
        assert.ok((await maxDifference(viaPatches[0], viaConv[0])) < 1e-3, `k=${k}: gradient wrt the input`);
        assert.ok((await maxDifference(viaPatches[1], viaConv[1])) < 1e-3, `k=${k}: gradient wrt the kernels`);
        tf.dispose([x, w, viaConv, viaPatches]);
      }
    } finally {
      await tf.setBackend(active);
    }
  });

  it('trains on MNIST digits on the default backend (600 images, 3 epochs: well above chance on held-out images)', async () => {
    const { train, test } = dh.data.mnist({ train: 600, test: 300 });
    const model = dh.models.cnn({ seed: 0 });
    assert.equal(dh.models.parameterCount(model), 1248 + 7850);
    const before = tf.memory().numTensors;
    const h = await dh.fit({ model, loss: dh.losses.crossEntropy, data: train, validation: test, metrics: { accuracy: dh.losses.accuracy }, optimizer: dh.optim.adam({ lr: 3e-3 }), batchSize: 32, epochs: 3 });
    assert.equal(tf.memory().numTensors, before, 'training does not grow memory');
    const accuracy = h.epochs.at(-1)!.valMetrics!.accuracy;
    assert.ok(accuracy > 0.6, `test accuracy ${accuracy}`);
    dh.models.disposeModel(model);
  });

  it('fit takes a tf.Sequential directly and trains it as the same downhill model (same steps)', async () => {
    const rng = new dh.Random(4);
    const x = Array.from({ length: 40 }, () => [rng.normal(), rng.normal(), rng.normal()]);
    const y = Int32Array.from(x.map(([a, b]) => (a + b > 0 ? 1 : 0)));
    const layers = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], kernelInitializer: 'glorotUniform' })] });
    const ours = dh.models.linear({ inputs: 3, outputs: 2 });
    const [kernel, bias] = layers.getWeights();
    ours.params.w.assign(kernel);
    ours.params.b.assign(bias);
    const options = { loss: dh.losses.crossEntropy, data: { x, y }, batchSize: 8, epochs: 2, seed: 1 };
    const h1 = await dh.fit({ ...options, model: layers, optimizer: dh.optim.adam({ lr: 0.05 }) });
    const h2 = await dh.fit({ ...options, model: ours, optimizer: dh.optim.adam({ lr: 0.05 }) });
    assert.ok(h1.epochs[1].loss < h1.epochs[0].loss);
    h1.stepValues('loss').forEach((l, i) => assert.ok(Math.abs(l - h2.stepValues('loss')[i]) < 1e-5, `step ${i + 1}`));
    assert.ok((await maxDifference(layers.getWeights()[0], ours.params.w)) < 1e-5, 'the Sequential was updated in place');
    layers.dispose();
    dh.models.disposeModel(ours);
  });
});
