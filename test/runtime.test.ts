import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import * as dh from '../src';
import { missingSharedLibrary } from '../src/runtime/backends';
import { loadAddon } from '../src/runtime/native_blas';
import { useNativeMatMul } from '../src/runtime/wasm_matmul';
import { expectDownhillError } from './helpers/setup';

describe('runtime', () => {
  const saved = process.env.DOWNHILL_BACKEND;
  afterEach(async () => {
    if (saved === undefined) delete process.env.DOWNHILL_BACKEND;
    else process.env.DOWNHILL_BACKEND = saved;
    await dh.runtime.init();
  });

  it('auto picks the fastest backend that works (measured) and says why the others were skipped', async () => {
    delete process.env.DOWNHILL_BACKEND;
    const info = await dh.runtime.init();
    const candidates = info.backends.filter((b) => b.available && !b.passedOver);
    assert.ok(candidates.some((b) => b.name === info.backend));
    assert.equal(tf.getBackend(), info.tfBackend);
    if (info.calibration) {
      const times = info.calibration.msPerStep;
      for (const b of candidates) assert.ok(times[info.backend]! <= times[b.name]!, `${info.backend} is not slower than ${b.name}`);
    } else {
      assert.equal(candidates.length, 1, 'with one candidate there is nothing to measure');
    }
    for (const skipped of info.backends.filter((b) => !b.available || b.passedOver)) {
      if (skipped.available) assert.ok(skipped.passedOver, `${skipped.name} works; it says why it was passed over`);
      else assert.ok(skipped.reason && skipped.fix, `${skipped.name} says why and how to fix`);
      assert.ok(info.reason.includes(skipped.name));
    }
    // Without the native bindings installed, WASM is the best that works on this machine.
    if (!info.backends.some((b) => b.available && b.name.startsWith('node'))) {
      assert.ok(['webgpu', 'wasm'].includes(info.backend));
    }
    assert.match(dh.runtime.describe(), new RegExp(`runtime: ${info.backend} on the (CPU|GPU)`));
  });

  it('an addon built from older sources (without the dense and batch functions) is not used, and says to rebuild', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'downhill-addon-'));
    try {
      const stale = path.join(dir, 'stale.js');
      fs.writeFileSync(stale, 'exports.sgemm = () => {}; exports.describe = () => "OpenBLAS";\n');
      const loaded = loadAddon(stale);
      assert.equal(loaded.addon, undefined);
      assert.match(loaded.reason!, /older build \(it has no biasActivation, denseParamGrad, gatherRows\)/);
      assert.match(loaded.fix!, /npm run build/);
      assert.match(loadAddon(path.join(dir, 'missing.node')).reason!, /failed to load/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the backend option overrides the choice', async () => {
    const info = await dh.runtime.init({ backend: 'cpu' });
    assert.equal(info.backend, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
    assert.equal(info.reason, 'asked for by the backend option');
  });

  it('DOWNHILL_BACKEND overrides the choice', async () => {
    process.env.DOWNHILL_BACKEND = 'cpu';
    const info = await dh.runtime.init();
    assert.equal(info.backend, 'cpu');
    assert.equal(info.reason, 'asked for by DOWNHILL_BACKEND');
  });

  it('an unknown backend name is refused with the list of names', async () => {
    await expectDownhillError(() => dh.runtime.init({ backend: 'cuda' as never }), /unknown backend 'cuda'/, /auto, node-gpu, node, webgpu, wasm, cpu/);
    process.env.DOWNHILL_BACKEND = 'gpu';
    await expectDownhillError(() => dh.runtime.init(), /unknown backend 'gpu' \(from DOWNHILL_BACKEND\)/);
  });

  it('asking for a backend whose package is missing names the package and the install command', async function () {
    const info = await dh.runtime.init();
    const missing = info.backends.find((b) => b.name === 'node' && !b.available);
    if (!missing) this.skip(); // tfjs-node is installed on this machine
    await expectDownhillError(() => dh.runtime.init({ backend: 'node' }), /@tensorflow\/tfjs-node is not installed/, /npm install @tensorflow\/tfjs-node/);
  });

  it('training starts the runtime by itself when init() was not called', async () => {
    const model = dh.models.linear();
    const h = await dh.fit({ model, loss: dh.losses.mse, data: { x: [1, 2], y: [3, 5] }, optimizer: dh.optim.sgd({ lr: 0.1 }), epochs: 2 });
    assert.equal(h.steps.length, 2);
    assert.ok(dh.runtime.info());
    dh.models.disposeModel(model);
  });

  it('a missing shared library is named from the loader message', () => {
    assert.equal(missingSharedLibrary('libcudart.so.11.0: cannot open shared object file: No such file or directory'), 'libcudart.so.11.0');
    assert.equal(missingSharedLibrary('some other failure'), undefined);
  });
});

describe('runtime: matMul on WASM, native OpenBLAS and XNNPACK, gives the same numbers as plain JavaScript', () => {
  after(() => {
    useNativeMatMul(true);
    return dh.runtime.init();
  });

  it('the native OpenBLAS matMul is built and in use (.ci/run installs gcc and libopenblas-dev)', async () => {
    const info = await dh.runtime.init({ backend: 'wasm' });
    assert.match(info.backends.find((b) => b.name === 'wasm')!.reason!, /matMul: native OpenBLAS \(OpenBLAS \d/);
  });

  const cases: [number[], number[], boolean, boolean][] = [
    [[5, 7], [7, 3], false, false],
    [[7, 5], [7, 3], true, false],
    [[5, 7], [3, 7], false, true],
    [[7, 5], [3, 7], true, true],
    [[2, 7, 5], [2, 7, 3], true, false],
    [[2, 5, 7], [2, 3, 7], false, true],
    [[3, 5, 7], [7, 4], false, false], // one matrix broadcast against a batch
    [[1, 5, 7], [3, 7, 4], false, false],
    [[128, 784], [128, 16], true, false],
    [[1, 1], [1, 1], false, false],
  ];
  for (const native of [true, false]) {
    it(`${native ? 'native OpenBLAS' : 'XNNPACK'}: every transpose combination, 2-D, batched and broadcast, agrees with the cpu backend`, async () => {
      const results: Record<string, { shape: number[]; values: number[] }[]> = {};
      for (const backend of ['cpu', 'wasm'] as const) {
        await dh.runtime.init({ backend });
        useNativeMatMul(native);
        results[backend] = cases.map(([sa, sb, ta, tb]) => {
          const seed = new dh.Random(sa.length * 31 + sb[0]);
          const a = tf.tensor(seed.normalArray(sa.reduce((p, q) => p * q, 1)), sa);
          const b = tf.tensor(seed.normalArray(sb.reduce((p, q) => p * q, 1)), sb);
          const product = tf.matMul(a, b, ta, tb);
          const out = { shape: product.shape, values: Array.from(product.dataSync()) };
          tf.dispose([a, b, product]);
          return out;
        });
      }
      results.cpu.forEach((expected, i) => {
        assert.deepEqual(results.wasm[i].shape, expected.shape, `case ${i}: shape`);
        expected.values.forEach((v, j) => assert.ok(Math.abs(v - results.wasm[i].values[j]) < 1e-3 * Math.max(1, Math.abs(v)), `case ${i}, element ${j}: ${v} vs ${results.wasm[i].values[j]}`));
      });
    });
  }

  it('mismatched inner sizes are still refused with TensorFlow.js\'s message', async () => {
    await dh.runtime.init({ backend: 'wasm' });
    useNativeMatMul(true);
    const [a, b] = [tf.ones([2, 3]), tf.ones([4, 2])];
    assert.throws(() => tf.matMul(a, b), /inner shapes \(3\) and \(4\)/);
    tf.dispose([a, b]);
  });

  it('a dense layer trains to the same weights on cpu, wasm with OpenBLAS and wasm with XNNPACK', async () => {
    const finals: number[][] = [];
    for (const [backend, native] of [['cpu', true], ['wasm', true], ['wasm', false]] as const) {
      await dh.runtime.init({ backend });
      useNativeMatMul(native);
      const { train } = dh.data.mnist({ train: 256 });
      const model = dh.models.mlp({ sizes: [784, 16, 10], seed: 5 });
      await dh.fit({ model, loss: dh.losses.crossEntropy, data: train, optimizer: dh.optim.sgd({ lr: 0.1 }), batchSize: 64, epochs: 2, seed: 3 });
      finals.push(Array.from(model.params.w1.dataSync().slice(0, 200)));
      dh.models.disposeModel(model);
    }
    for (const other of finals.slice(1)) finals[0].forEach((v, i) => assert.ok(Math.abs(v - other[i]) < 1e-4, `w1[${i}]: ${v} vs ${other[i]}`));
  });
});
