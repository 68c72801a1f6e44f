import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import * as dh from '../src';
import { expectDownhillError, initRuntime } from './helpers/setup';

/**
 * The library pieces lessons 8, 9 and 11 rest on, and proof that their key checks
 * can fail: each claim is made false on purpose and the lesson's check must throw.
 */
describe('lessons 8, 9, 11 (MNIST): checks that can fail', function () {
  let mnist: ReturnType<typeof dh.data.mnist>;
  before(async () => {
    await initRuntime();
    mnist = dh.data.mnist({ train: 3000 });
  });

  it('confusedPairs sums both directions, most confused first, correct answers left out', () => {
    const actual = [5, 5, 8, 8, 8, 3, 3, 1, 7];
    const predicted = [8, 8, 5, 8, 8, 5, 3, 1, 1];
    assert.deepEqual(dh.confusedPairs(predicted, actual), [
      { a: 5, b: 8, aAsB: 2, bAsA: 1, count: 3 },
      { a: 1, b: 7, aAsB: 0, bAsA: 1, count: 1 },
      { a: 3, b: 5, aAsB: 1, bAsA: 0, count: 1 },
    ]);
    assert.equal(dh.confusedPairs(predicted, actual, 1).length, 1);
  });

  it('confusedPairs refuses predictions and labels of different lengths', async () => {
    await expectDownhillError(() => dh.confusedPairs([1, 2], [1]), /2 predictions but 1 true labels/);
  });

  it('histogram draws densities by default, so layers of different sizes compare; counts on request', () => {
    const fig = dh.plot.histogram({ big: new Array(1000).fill(0).map((_, i) => i), small: [1, 2, 3] }, { bins: 10 });
    const area = (t: dh.plot.Trace) => (t.y as number[]).reduce((a, h, k) => a + h * (t.width as number[])[k], 0);
    fig.data.forEach((t) => assert.ok(Math.abs(area(t) - 1) < 1e-9, `${t.name} integrates to ${area(t)}`));
    assert.deepEqual(fig.data.map((t) => (t.customdata as number[]).reduce((a, b) => a + b, 0)), [1000, 3], 'every value counted once');
    assert.equal((fig.data[0].x as number[]).length, 10, 'ten numbers per series, not a thousand');
    assert.equal((fig.layout.yaxis as { title: { text: string } }).title.text, 'density');
    assert.deepEqual(dh.plot.histogram({ v: [1, 2, 2] }, { norm: 'count', bins: 2 }).data[0].y, [1, 2]);
  });

  it("lesson 8's ln 10 check fails for a model started with N(0, 1) weights", () => {
    const n = 500;
    const loss = tf.tidy(() => {
      const x = tf.tensor2d(mnist.test.x.slice(0, 784 * n), [n, 784]);
      const y = tf.tensor1d(mnist.test.y.slice(0, n), 'int32');
      return dh.losses.crossEntropy(tf.matMul(x, tf.randomNormal([784, 10], 0, 1, 'float32', 0)), y).dataSync()[0];
    });
    assert.throws(() => dh.check.close('the starting loss is ln 10', loss, Math.LN10, 1e-4), /check failed: the starting loss is ln 10/);
  });

  it("lesson 8's hand-loop check fails when the hand gradient forgets the 1/n of the mean", async () => {
    const lr = 0.1;
    const data = dh.data.take(mnist.train, 20 * 32);
    let w = tf.zeros([784, 10]);
    let b = tf.zeros([10]);
    const losses: number[] = [];
    for (const batch of dh.data.batches(data, 32)) {
      const [nextW, nextB, loss] = tf.tidy(() => {
        const z = tf.add(tf.matMul(batch.x, w), b);
        const dz = tf.sub(tf.softmax(z), tf.oneHot(batch.y as tf.Tensor1D, 10));   // the bug: no division by n
        return [tf.sub(w, tf.mul(lr, tf.matMul(batch.x, dz, true, false))), tf.sub(b, tf.mul(lr, tf.sum(dz, 0))), dh.losses.crossEntropy(z, batch.y)];
      });
      losses.push((await loss.data())[0]);
      tf.dispose([w, b, loss, batch.x, batch.y]);
      w = nextW;
      b = nextB;
    }
    tf.dispose([w, b]);
    const viaFit = await dh.fit({ model: dh.models.softmaxRegression(), loss: dh.losses.crossEntropy, data, optimizer: dh.optim.sgd({ lr }), batchSize: 32, epochs: 1, shuffle: false });
    const gap = Math.max(...losses.map((v, i) => Math.abs(v - viaFit.stepValues('loss')[i])));
    assert.throws(() => dh.check.atMost('the hand loop vs fit: largest difference of the loss at any step', gap, 1e-4), /check failed: the hand loop vs fit/);
  });

  it("lesson 9's 'validation loss rose' check fails when a run only improves (no overfitting)", async () => {
    const { train, validation } = dh.data.split(dh.data.take(mnist.train, 2000), 0.5, 0);
    const h = await dh.fit({
      model: dh.models.softmaxRegression(), loss: dh.losses.crossEntropy, data: train, validation,
      optimizer: dh.optim.sgd({ lr: 0.01 }), batchSize: 100, epochs: 8, patience: 3, seed: 0,
    });
    const valLosses = h.epochValues('valLoss');
    assert.notEqual(h.stopped?.reason, 'earlyStopping', 'a convex model at a small learning rate should not stop early');
    assert.throws(
      () => dh.check.atLeast('the validation loss rose after the best epoch (last ÷ best)', valLosses.at(-1)! / h.best!.value, 1.05),
      /check failed: the validation loss rose/,
    );
  });
});
