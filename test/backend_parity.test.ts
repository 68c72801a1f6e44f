import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import * as dh from '../src';
import { webgpuAdapter } from '../src/runtime/webgpu';
import { expectDownhillError } from './helpers/setup';

/**
 * The same training on every backend present here: plain JavaScript, WASM, and
 * WebGPU (Dawn on Mesa's lavapipe software Vulkan adapter, which .ci/run installs).
 * float32 everywhere, different kernels and summation orders: the results agree
 * to float32 tolerance, not bit for bit.
 */
const BACKENDS = ['cpu', 'wasm', 'webgpu'] as const;
type Backend = (typeof BACKENDS)[number];

/** Runs `train` once per backend, each from the same seeds. */
async function onEveryBackend(train: () => Promise<number[]>): Promise<Record<Backend, number[]>> {
  const out = {} as Record<Backend, number[]>;
  for (const backend of BACKENDS) {
    await dh.runtime.init({ backend });
    const before = tf.memory().numTensors;
    out[backend] = await train();
    assert.equal(tf.memory().numTensors, before, `${backend}: training left tensors behind`);
  }
  return out;
}

function assertClose(results: Record<Backend, number[]>, tolerance: number, what: string): void {
  for (const backend of ['wasm', 'webgpu'] as const) {
    results.cpu.forEach((v, i) => {
      const other = results[backend][i];
      assert.ok(Number.isFinite(other) && Math.abs(v - other) <= tolerance * Math.max(1, Math.abs(v)), `${what}[${i}]: cpu ${v}, ${backend} ${other}`);
    });
  }
}

const OPTIMIZERS: Record<string, () => dh.optim.GradientTransformation> = {
  sgd: () => dh.optim.sgd({ lr: 0.05 }),
  'sgd momentum nesterov, weight decay': () => dh.optim.sgd({ lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }),
  adagrad: () => dh.optim.adagrad({ lr: 0.1 }),
  rmsprop: () => dh.optim.rmsprop({ lr: 0.01, momentum: 0.5, centered: true }),
  adam: () => dh.optim.adam({ lr: 0.05, betas: [0.8, 0.99] }),
  'adamw, clipped': () => dh.optim.chain(dh.optim.clipByGlobalNorm(1), dh.optim.adamw({ lr: 0.05 })),
};

describe('backends agree: cpu, wasm and webgpu', function () {
  this.timeout(120000);
  after(() => dh.runtime.init());

  before(async () => {
    const statuses = await dh.runtime.doctor({ calibrate: false });
    const webgpu = statuses.find((s) => s.name === 'webgpu')!;
    if (!webgpu.available) {
      throw new Error(`the webgpu backend is not available here: ${webgpu.reason}\nFix: ${webgpu.fix} (.ci/run installs Mesa 25's lavapipe from bookworm-backports)`);
    }
  });

  for (const [name, make] of Object.entries(OPTIMIZERS)) {
    it(`a regression trained with ${name}`, async () => {
      const data = dh.data.linear({ n: 96, w: [1.5, -2, 0.5], b: 1, noise: 0.1, seed: 4 });
      const results = await onEveryBackend(async () => {
        const model = dh.models.linear({ inputs: 3, init: 'xavier', seed: 3 });
        const h = await dh.fit({ model, loss: dh.losses.mse, data, optimizer: make(), batchSize: 32, epochs: 6, seed: 1 });
        dh.models.disposeModel(model);
        return [...h.trajectory().at(-1)!, h.steps.at(-1)!.loss];
      });
      assertClose(results, 2e-4, 'parameters and loss');
    });
  }

  it('softmax regression on an MNIST subset: weights, loss and accuracy', async () => {
    const { train, test } = dh.data.mnist({ train: 1024, test: 256 });
    const results = await onEveryBackend(async () => {
      const model = dh.models.softmaxRegression({ seed: 2 });
      const h = await dh.fit({ model, loss: dh.losses.crossEntropy, data: train, optimizer: dh.optim.sgd({ lr: 0.1, momentum: 0.9 }), batchSize: 64, epochs: 2, seed: 5 });
      const scored = await dh.evaluate(model, test, { loss: dh.losses.crossEntropy, metrics: { accuracy: dh.losses.accuracy } });
      const weights = Array.from((await model.params.w.data()).filter((_, i) => i % 97 === 0));
      dh.models.disposeModel(model);
      return [...weights, h.steps.at(-1)!.loss, scored.loss, scored.metrics.accuracy];
    });
    assertClose(results, 2e-4, 'weights, last loss, test loss, test accuracy');
    assert.ok(results.webgpu.at(-1)! > 0.7, `webgpu learned: accuracy ${results.webgpu.at(-1)}`);
  });

  it('an MLP (dense layers with relu fused into their kernels) on an MNIST subset, trained with Adam', async () => {
    const { train } = dh.data.mnist({ train: 512, test: 1 });
    const results = await onEveryBackend(async () => {
      const model = dh.models.mlp({ sizes: [784, 32, 10], seed: 3 });
      const h = await dh.fit({ model, loss: dh.losses.crossEntropy, data: train, optimizer: dh.optim.adam({ lr: 1e-3 }), batchSize: 64, epochs: 2, seed: 5 });
      const weights = Array.from((await model.params.w1.data()).filter((_, i) => i % 211 === 0));
      dh.models.disposeModel(model);
      return [...weights, ...h.stepValues('loss')];
    });
    assertClose(results, 2e-4, 'first-layer weights and every step loss');
  });

  it('softmax cross-entropy is one kernel on webgpu too, equal to the composite; a label out of range makes the loss NaN', async () => {
    await dh.runtime.init({ backend: 'webgpu' });
    const z = tf.randomNormal([300, 10], 0, 3, 'float32', 1);
    const labels = tf.tensor1d(Array.from({ length: 300 }, (_, i) => (i * 7) % 10), 'int32');
    const rows = tf.softmax(tf.randomNormal([300, 10], 0, 1, 'float32', 2));
    for (const target of [labels, rows]) {
      const profile = await tf.profile(() => tf.tidy(() => dh.losses.crossEntropy(z, target)));
      assert.deepEqual(profile.kernels.map((k) => k.name), ['DownhillSoftmaxCrossEntropy']);
      const composite = (l: tf.Tensor) =>
        tf.neg(tf.mean(tf.sum(tf.mul(target.dtype === 'int32' ? tf.cast(tf.oneHot(target as tf.Tensor1D, 10), 'float32') : target, tf.logSoftmax(l)), -1)));
      const ours = tf.valueAndGrad((l: tf.Tensor) => dh.losses.crossEntropy(l, target))(z);
      const theirs = tf.valueAndGrad(composite)(z);
      assert.ok(Math.abs((await ours.value.data())[0] - (await theirs.value.data())[0]) < 1e-5);
      const [a, b] = [await ours.grad.data(), await theirs.grad.data()];
      a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-6, `gradient[${i}]: ${v} vs ${b[i]}`));
      tf.dispose([ours.value, ours.grad, theirs.value, theirs.grad]);
    }
    const bad = tf.tensor1d(Array.from({ length: 300 }, (_, i) => (i === 5 ? 10 : 0)), 'int32');
    const loss = dh.losses.crossEntropy(z, bad);
    assert.ok(Number.isNaN((await loss.data())[0]));
    tf.dispose([z, labels, rows, bad, loss]);
  });

  it('auto does not pick a software WebGPU adapter; doctor says why and how to use it anyway', async function () {
    const info = await dh.runtime.init({ backend: 'auto' });
    const webgpu = info.backends.find((b) => b.name === 'webgpu')!;
    if (webgpu.passedOver === undefined) this.skip(); // a real GPU adapter: auto may pick it
    assert.notEqual(info.backend, 'webgpu');
    assert.equal(webgpu.device, 'cpu');
    assert.match(webgpu.reason!, /software adapter \(.*\): runs on the CPU|no GPU device here .*Dawn was not started/);
    assert.match(info.reason, /skipped .*webgpu: a software adapter is slower than wasm/);
    assert.match(dh.runtime.formatDoctor(await dh.runtime.doctor({ calibrate: false })), /not chosen automatically: .*DOWNHILL_BACKEND=webgpu/);
    const asked = await dh.runtime.init({ backend: 'webgpu' });
    assert.equal(asked.backend, 'webgpu');
    assert.match(dh.runtime.describe(asked), /^downhill runtime: webgpu on the CPU, asked for by the backend option$/);
    assert.match(dh.runtime.describe(asked, { details: true }), /webgpu on the CPU.*\n.*software adapter/);
  });
});

describe('webgpu: a tensor too large to bind is an error, not a silent wrong number', function () {
  this.timeout(120000);
  after(() => dh.runtime.init());

  it('a synchronous read of a tensor on the GPU says to read it asynchronously', async () => {
    await dh.runtime.init({ backend: 'webgpu' });
    // Large enough that the webgpu backend runs the add on the GPU (tiny ones it hands to the CPU).
    const onGpu = tf.tidy(() => tf.add(tf.ones([10000]), 1));
    assert.throws(() => onGpu.dataSync(), (e: Error) => e instanceof dh.DownhillError && /WebGPU in Node can only read back asynchronously/.test(e.message) && /await t\.data\(\)/.test(e.message));
    assert.ok((await onGpu.data()).every((v) => v === 2));
    onGpu.dispose();
    // Landscape values for plots are read at once: computed on the CPU backend, then back to webgpu.
    const grid = dh.landscapes.rosenbrock().grid([0, 1], [1]);
    assert.deepEqual(grid, [[101, 0]]); // (1 - x)² + 100 (y - x²)² at (0, 1) and (1, 1)
    assert.equal(tf.getBackend(), 'webgpu');
  });

  // Most adapters (lavapipe here, most GPUs) bind at most 128 MiB; one that binds more has no such trap.
  async function webgpuWith128MiBLimit(context: Mocha.Context): Promise<void> {
    await dh.runtime.init({ backend: 'webgpu' });
    if (webgpuAdapter()!.maxStorageBinding !== 2 ** 27) context.skip();
  }

  it('a preloaded 60000×784 MNIST-sized tensor is refused with the sizes and the fix', async function () {
    await webgpuWith128MiBLimit(this);
    const big = tf.ones([60000, 784]);
    await expectDownhillError(() => tf.tidy(() => tf.sum(big, 1)).data(), /a 179 MiB tensor is larger than this WebGPU adapter can bind at once \(128 MiB\)/, /feed the data in batches/);
    big.dispose();
    // Just under the limit still works, and gives the right number.
    const fits = tf.ones([40000, 784]);
    const sums = tf.sum(fits, 1);
    const values = await sums.data();
    assert.equal(values[0], 784);
    assert.equal(values[39999], 784);
    tf.dispose([fits, sums]);
  });

  it('full-batch training on all of MNIST stops with that error; mini-batches train fine', async function () {
    await webgpuWith128MiBLimit(this);
    const { train } = dh.data.mnist();
    const model = dh.models.softmaxRegression();
    await expectDownhillError(
      () => dh.fit({ model, loss: dh.losses.crossEntropy, data: train, optimizer: dh.optim.sgd({ lr: 0.1 }), batchSize: train.size, epochs: 1 }),
      /larger than this WebGPU adapter can bind/,
    );
    const h = await dh.fit({ model, loss: dh.losses.crossEntropy, data: dh.data.take(train, 2048), optimizer: dh.optim.sgd({ lr: 0.1 }), batchSize: 256, epochs: 1 });
    assert.ok(Number.isFinite(h.steps.at(-1)!.loss));
    dh.models.disposeModel(model);
  });
});
