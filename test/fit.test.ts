import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import * as dh from '../src';
import { fusedDense } from '../src/runtime/kernels/dense';
import { useNativeMatMul } from '../src/runtime/wasm_matmul';
import { countReads } from './helpers/reads';
import { expectDownhillError, initRuntime } from './helpers/setup';

const X = [1, 2, 3, 4];
const Y = [3, 5, 7, 9];

describe('fit: the training loop', () => {
  before(initRuntime);

  it('batch gradient descent on the lesson data (lr 0.01, 1000 epochs) finds w → 2 and b → 1', async () => {
    const model = dh.models.linear();
    const h = await dh.fit({ model, loss: dh.losses.mse, data: { x: X, y: Y }, optimizer: dh.optim.sgd({ lr: 0.01 }), epochs: 1000 });
    const { w, b } = (await dh.models.parameterValues(model)) as { w: number[][]; b: number[] };
    assert.ok(Math.abs(w[0][0] - 2) < 0.02, `w = ${w[0][0]}`);
    assert.ok(Math.abs(b[0] - 1) < 0.02, `b = ${b[0]}`);
    assert.equal(h.steps.length, 1000, 'full batch: one step per epoch');
    assert.equal(h.stopped?.reason, 'maxEpochs');
    assert.deepEqual(h.paramNames, ['w', 'b']);
    assert.deepEqual(h.initialParams, [0, 0]);
    assert.ok(h.steps.every((s, i) => i === 0 || s.time >= h.steps[i - 1].time), 'wall time grows');
    dh.models.disposeModel(model);
  });

  it('the first step equals the hand-derived MSE gradient: dw = 2/N Σ(ŷ−y)x = −35, db = −12', async () => {
    const model = dh.models.linear();
    const h = await dh.fit({ model, loss: dh.losses.mse, data: { x: X, y: Y }, optimizer: dh.optim.sgd({ lr: 0.01 }), epochs: 1, recordGradNorm: true });
    const [w, b] = h.steps[0].params!;
    assert.ok(Math.abs(w - 0.35) < 1e-6 && Math.abs(b - 0.12) < 1e-6, `${w}, ${b}`);
    assert.ok(Math.abs(h.steps[0].gradNorm - Math.hypot(35, 12)) < 1e-4);
    assert.equal(h.steps[0].loss, 41);
    dh.models.disposeModel(model);
  });

  it('halfMse (the 1/(2N) convention) has half the gradient of mse', async () => {
    const model = dh.models.linear();
    const h = await dh.fit({ model, loss: dh.losses.halfMse, data: { x: X, y: Y }, optimizer: dh.optim.sgd({ lr: 0.01 }), epochs: 1, recordGradNorm: true });
    assert.ok(Math.abs(h.steps[0].gradNorm - Math.hypot(35, 12) / 2) < 1e-4);
    assert.equal(h.steps[0].loss, 20.5);
    dh.models.disposeModel(model);
  });

  it('stochastic mode (batchSize 1) takes one step per sample and the seed fixes the order', async () => {
    const data = dh.data.linear({ n: 20, seed: 1 });
    const run = async (seed: number) => {
      const model = dh.models.linear();
      const h = await dh.fit({ model, loss: dh.losses.mse, data, optimizer: dh.optim.sgd({ lr: 0.05 }), batchSize: 1, epochs: 2, seed });
      dh.models.disposeModel(model);
      return h;
    };
    const [a, b, c] = [await run(7), await run(7), await run(8)];
    assert.equal(a.steps.length, 40);
    assert.deepEqual(a.stepValues('loss'), b.stepValues('loss'), 'same seed, same run');
    assert.notDeepEqual(a.stepValues('loss'), c.stepValues('loss'), 'another seed, another order');
  });

  it('mini-batch mode: 100 samples in batches of 32 are 4 steps per epoch', async () => {
    const model = dh.models.linear();
    const h = await dh.fit({
      model, loss: dh.losses.mse, data: dh.data.linear({ n: 100 }), optimizer: dh.optim.sgd({ lr: 0.1 }), batchSize: 32, epochs: 3,
    });
    assert.equal(h.steps.length, 12);
    assert.deepEqual(h.epochs.map((e) => e.steps), [4, 8, 12]);
    dh.models.disposeModel(model);
  });

  it('validation loss and metrics are recorded every epoch; training metrics are averaged over batches', async () => {
    const { train, test } = dh.data.mnist({ train: 2000, test: 500 });
    const model = dh.models.softmaxRegression();
    const h = await dh.fit({
      model, loss: dh.losses.crossEntropy, data: train, validation: test, optimizer: dh.optim.sgd({ lr: 0.1 }),
      batchSize: 100, epochs: 3, metrics: { accuracy: dh.losses.accuracy },
    });
    assert.equal(h.epochs.length, 3);
    for (const e of h.epochs) {
      assert.ok(e.valLoss! > 0 && e.valMetrics!.accuracy > 0.5, JSON.stringify(e));
      assert.ok(e.metrics.accuracy > 0.3 && e.metrics.accuracy <= 1);
    }
    assert.ok(h.epochs[2].valLoss! < h.epochs[0].valLoss!, 'validation loss falls');
    assert.equal(h.paramNames, undefined, '7850 parameters are not recorded per step');
    assert.equal(h.steps[0].params, undefined);
    const accuracy = h.epochValues('valAccuracy');
    assert.equal(accuracy.length, 3);
    assert.equal(accuracy[2], h.epochs[2].valMetrics!.accuracy);
    dh.models.disposeModel(model);
  });

  it('callbacks run every step and epoch, and can stop the run', async () => {
    const model = dh.models.linear();
    const seen: string[] = [];
    const h = await dh.fit({
      model, loss: dh.losses.mse, data: { x: X, y: Y }, optimizer: dh.optim.sgd({ lr: 0.01 }), epochs: 100,
      callbacks: [
        {
          onStep: (s) => void seen.push(`s${s.step}`),
          onEpoch: (e, run) => {
            seen.push(`e${e.epoch}`);
            if (e.epoch === 3) run.stop('enough');
          },
          onEnd: () => void seen.push('end'),
        },
      ],
    });
    assert.deepEqual(seen, ['s1', 'e1', 's2', 'e2', 's3', 'e3', 'end']);
    assert.deepEqual(h.stopped, { reason: 'callback', message: 'enough', epoch: 3, step: 3 });
    dh.models.disposeModel(model);
  });

  it('reads the device once every readEvery steps and at each epoch end; callbacks still see every step, in order', async () => {
    const data = dh.data.linear({ n: 100, seed: 1 });
    const reads = countReads();
    const model = dh.models.linear();
    const seen: number[] = [];
    try {
      const h = await dh.fit({
        model, loss: dh.losses.mse, data, optimizer: dh.optim.sgd({ lr: 0.01 }), epochs: 2, batchSize: 1, recordParams: false,
        callbacks: [{ onStep: (s) => void seen.push(s.step) }],
      });
      // 100 steps an epoch: reads after steps 32, 64, 96 and at the epoch's end (100).
      assert.equal(reads.count(), 2 * 4);
      assert.deepEqual(seen, Array.from({ length: 200 }, (_, i) => i + 1));
      assert.ok(h.steps.every((s) => Number.isFinite(s.loss) && Number.isNaN(s.gradNorm)), 'losses read, gradient norm not recorded by default');
      reads.reset();
      await dh.fit({ model, loss: dh.losses.mse, data, optimizer: dh.optim.sgd({ lr: 0.01 }), epochs: 1, batchSize: 1, recordParams: false, readEvery: 1 });
      assert.equal(reads.count(), 100, 'readEvery: 1 reads after every step');
    } finally {
      reads.restore();
      dh.models.disposeModel(model);
    }
  });

  it('a NaN loss stops the run within readEvery steps, naming the step where it appeared', async () => {
    const model = dh.models.linear();
    const data = dh.data.linear({ n: 100, seed: 1 });
    const nanAfter5: dh.losses.LossFn = (p, y) => tf.mul(dh.losses.mse(p, y), ++calls > 5 ? NaN : 1);
    let calls = 0;
    const error = await expectDownhillError(
      () => dh.fit({ model, loss: nanAfter5, data, optimizer: dh.optim.sgd({ lr: 0.01 }), epochs: 1, batchSize: 1, readEvery: 10 }),
      /diverged at step 6 \(epoch 1\): the loss became NaN/,
    );
    const { history } = error as dh.DivergenceError;
    assert.equal(history.steps.length, 6, 'the history ends at the step that went bad');
    assert.equal(history.stopped?.step, 6);
    dh.models.disposeModel(model);
  });

  it('the gradient norm is recorded when asked for, and plotting it otherwise says how to record it', async () => {
    const model = dh.models.linear();
    const plain = await dh.fit({ model, loss: dh.losses.mse, data: { x: X, y: Y }, optimizer: dh.optim.sgd({ lr: 0.01 }), epochs: 3 });
    expectDownhillError(() => dh.plot.lossCurve(plain, { y: 'gradNorm' }), /no run has a finite 'gradNorm'/, /recordGradNorm: true/);
    const recorded = await dh.fit({ model, loss: dh.losses.mse, data: { x: X, y: Y }, optimizer: dh.optim.sgd({ lr: 0.01 }), epochs: 3, recordGradNorm: true });
    assert.ok(recorded.steps.every((s) => s.gradNorm > 0));
    dh.models.disposeModel(model);
  });

  it('stops when the loss changes by less than the tolerance (1e-5)', async () => {
    const model = dh.models.linear();
    const h = await dh.fit({ model, loss: dh.losses.mse, data: { x: X, y: Y }, optimizer: dh.optim.sgd({ lr: 0.05 }), epochs: 5000, tolerance: 1e-5 });
    assert.equal(h.stopped?.reason, 'tolerance');
    assert.ok(h.epochs.length < 5000);
    const [a, b] = h.epochs.slice(-2).map((e) => e.loss);
    assert.ok(Math.abs(a - b) < 1e-5);
    assert.match(h.stopped!.message, /converged/);
    dh.models.disposeModel(model);
  });

  it('early stopping waits `patience` epochs, then restores the best parameters', async () => {
    // The validation targets follow another line, so after a while fitting the training data makes validation worse.
    const train = { x: X, y: Y };
    const validation = { x: X, y: [2, 2.5, 3, 3.5] };
    const model = dh.models.linear();
    const h = await dh.fit({ model, loss: dh.losses.mse, data: train, validation, optimizer: dh.optim.sgd({ lr: 0.01 }), epochs: 500, patience: 5 });
    assert.equal(h.stopped?.reason, 'earlyStopping');
    const best = h.best!;
    assert.equal(best.monitor, 'valLoss');
    assert.equal(h.epochs.length, best.epoch + 5);
    const bestValLoss = Math.min(...h.epochValues('valLoss'));
    assert.equal(best.value, bestValLoss);
    const restored = (await dh.models.parameterValues(model)) as { w: number[][]; b: number[] };
    const atBest = h.steps[best.epoch - 1].params!;
    assert.ok(Math.abs(restored.w[0][0] - atBest[0]) < 1e-7 && Math.abs(restored.b[0] - atBest[1]) < 1e-7);
    const last = h.steps.at(-1)!.params!;
    assert.notEqual(last[0], atBest[0], 'the last parameters differ from the restored ones');
    dh.models.disposeModel(model);
  });

  it('a diverging run throws a DivergenceError that names the learning rate, and carries the history', async () => {
    const model = dh.models.linear();
    const error = await expectDownhillError(
      () => dh.fit({ model, loss: dh.losses.mse, data: { x: X, y: Y }, optimizer: dh.optim.sgd({ lr: 0.5 }), epochs: 1000 }),
      /training diverged at step \d+/,
      /lower the learning rate \(this step used 0.5; try 0.05\)/,
    );
    assert.ok(error instanceof dh.DivergenceError);
    assert.equal(error.history.stopped?.reason, 'diverged');
    assert.ok(error.history.steps.length < 1000);
    dh.models.disposeModel(model);
  });

  it("onDivergence: 'stop' returns the history instead, never silently NaN", async () => {
    const model = dh.models.linear();
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (m: string) => void warnings.push(m);
    let h: dh.History;
    try {
      h = await dh.fit({ model, loss: dh.losses.mse, data: { x: X, y: Y }, optimizer: dh.optim.sgd({ lr: 10 }), epochs: 1000, onDivergence: 'stop' });
    } finally {
      console.warn = warn;
    }
    assert.equal(h.stopped?.reason, 'diverged');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /diverged/);
    dh.models.disposeModel(model);
  });

  it('a NaN loss is caught at the step it appears', async () => {
    const model = dh.models.linear();
    const nanLoss: dh.losses.LossFn = (p, y) => tf.mul(dh.losses.mse(p, y), NaN);
    await expectDownhillError(
      () => dh.fit({ model, loss: nanLoss, data: { x: X, y: Y }, optimizer: dh.optim.sgd({ lr: 0.01 }), epochs: 5 }),
      /diverged at step 1 \(epoch 1\): the loss became NaN/,
    );
    dh.models.disposeModel(model);
  });
});

describe('fit: bad input', () => {
  before(initRuntime);
  const base = () => ({ model: dh.models.linear(), loss: dh.losses.mse, optimizer: dh.optim.sgd({ lr: 0.01 }), epochs: 2 });

  it('x and y with different numbers of samples', () =>
    expectDownhillError(() => dh.fit({ ...base(), data: { x: [1, 2, 3], y: [1, 2] } }), /x has 3 samples but y has 2/));

  it('NaN in the data, with its position', () =>
    expectDownhillError(() => dh.fit({ ...base(), data: { x: [1, NaN, 3], y: [1, 2, 3] } }), /x contains NaN at sample 1/, /remove or fill/));

  it('Infinity in the targets', () =>
    expectDownhillError(() => dh.fit({ ...base(), data: { x: [1, 2], y: [1, Infinity] } }), /y contains Infinity at sample 1/));

  it('an empty dataset', () => expectDownhillError(() => dh.fit({ ...base(), data: { x: [], y: [] } }), /dataset is empty/));

  it('a batch larger than the data', () =>
    expectDownhillError(() => dh.fit({ ...base(), data: { x: X, y: Y }, batchSize: 10 }), /batchSize 10 is larger than the dataset \(4 samples\)/, /'full'/));

  it('a fractional batch size', () => expectDownhillError(() => dh.fit({ ...base(), data: { x: X, y: Y }, batchSize: 1.5 }), /whole number/));

  it('rows of different lengths', () =>
    expectDownhillError(() => dh.fit({ ...base(), data: { x: [[1, 2], [3]], y: [1, 2] } }), /x\[1\] has 1 entries where 2 were expected/));

  it('more input features than the model takes', () =>
    expectDownhillError(() => dh.fit({ ...base(), data: { x: [[1, 2], [3, 4]], y: [1, 2] } }), /input has shape \[2, 2\] but the layer expects \[n, 1\]/));

  it('predictions and targets of different shapes (no silent broadcasting)', () =>
    expectDownhillError(
      () => dh.fit({ ...base(), model: dh.models.linear({ outputs: 2 }), data: { x: X, y: Y } }),
      /predictions have shape \[4, 2\] but targets have shape \[4, 1\]/,
    ));

  it('an unknown option', () =>
    expectDownhillError(() => dh.fit({ ...base(), data: { x: X, y: Y }, epoch: 3 } as never), /unknown option 'epoch'/, /did you mean 'epochs'/));

  it('a non-integer number of epochs', () => expectDownhillError(() => dh.fit({ ...base(), data: { x: X, y: Y }, epochs: 0 }), /'epochs' must be a whole number >= 1/));

  it('labels of the wrong length for cross-entropy', () =>
    expectDownhillError(
      () => dh.fit({ ...base(), model: dh.models.linear({ inputs: 1, outputs: 3 }), loss: dh.losses.crossEntropy, data: { x: X, y: Int32Array.from([0, 1, 2, 1, 0]) } }),
      /x has 4 samples but y has 5/,
    ));
});

describe('losses', () => {
  before(initRuntime);

  it('crossEntropy and its hand-written gradient agree with log-softmax differentiated step by step', () => {
    const z = tf.tensor2d([[1, 2, 3], [0, 0, 5], [-2, 4, 0.5]]);
    const y = tf.tensor1d([2, 0, 1], 'int32');
    const reference = (logits: tf.Tensor) => tf.neg(tf.mean(tf.sum(tf.mul(tf.cast(tf.oneHot(y, 3), 'float32'), tf.logSoftmax(logits)), -1)));
    assert.ok(Math.abs(dh.losses.crossEntropy(z, y).dataSync()[0] - reference(z).dataSync()[0]) < 1e-6);
    const ours = tf.grad((l: tf.Tensor) => dh.losses.crossEntropy(l, y))(z).dataSync();
    const theirs = tf.grad((l: tf.Tensor) => reference(l))(z).dataSync();
    ours.forEach((v, i) => assert.ok(Math.abs(v - theirs[i]) < 1e-6, `${Array.from(ours)} vs ${Array.from(theirs)}`));
    const oneHot = tf.tensor2d([[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
    assert.ok(Math.abs(dh.losses.crossEntropy(z, oneHot).dataSync()[0] - reference(z).dataSync()[0]) < 1e-6, 'one-hot targets give the same');
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`on ${backend}, a dense layer is one kernel forward, and its backward pass computes no gradient for the data`, async () => {
      await dh.runtime.init({ backend });
      try {
        const model = dh.models.mlp({ sizes: [20, 8, 3], seed: 1 });
        const x = tf.randomNormal([16, 20], 0, 1, 'float32', 4);
        const y = tf.tensor1d(Array.from({ length: 16 }, (_, i) => i % 3), 'int32');
        const native = backend === 'wasm' && useNativeMatMul(true);
        const forward = await tf.profile(() => tf.tidy(() => model.forward(model.params, x)));
        assert.deepEqual(forward.kernels.map((k) => k.name), ['DownhillDenseRelu', 'DownhillDense']);
        const names = Object.keys(model.params);
        const backward = await tf.profile(() =>
          tf.tidy(() => tf.grads((...ps: tf.Tensor[]) => dh.losses.crossEntropy(model.forward(Object.fromEntries(names.map((n, i) => [n, ps[i]])), x), y))(names.map((n) => model.params[n]))),
        );
        const counts = (kernel: string) => backward.kernels.filter((k) => k.name === kernel).length;
        if (native) {
          // One native call per layer for its mask, ∂b and ∂w, and one product for ∂h (into the hidden layer); no ∂x.
          assert.deepEqual([counts('DownhillDenseParamGrad'), counts('BatchMatMul'), counts('Sum'), counts('Step')], [2, 1, 0, 0], backward.kernels.map((k) => k.name).join(', '));
        } else {
          // ∂w2, ∂h and ∂w1; no ∂x.
          assert.equal(counts('BatchMatMul'), 3);
        }
        // The gradients agree with the same layers written as separate ops.
        const separate = (p: Record<string, tf.Tensor>) => dh.losses.crossEntropy(tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, p.w1), p.b1)), p.w2), p.b2), y);
        const [ours, theirs] = [(p: Record<string, tf.Tensor>) => dh.losses.crossEntropy(model.forward(p, x), y), separate].map((f) =>
          tf.grads((...ps: tf.Tensor[]) => f(Object.fromEntries(names.map((n, i) => [n, ps[i]]))))(names.map((n) => model.params[n])),
        );
        ours.forEach((g, i) => g.dataSync().forEach((v, j) => assert.ok(Math.abs(v - theirs[i].dataSync()[j]) < 1e-6, `${names[i]}[${j}]`)));
        tf.dispose([x, y, ...ours, ...theirs]);
        dh.models.disposeModel(model);
      } finally {
        await initRuntime();
      }
    });
  }

  it('on wasm, the native dense gradient carries NaN and infinity (in dy and in the output) as dy ⊙ step(y) does, and keeps no tensor', async function () {
    await dh.runtime.init({ backend: 'wasm' });
    try {
      if (!useNativeMatMul(true)) this.skip(); // no addon here: the composite path is the one tested above
      const x = tf.tensor2d([[1, -2], [0.5, 3], [2, 1], [NaN, 1]]); // the last row makes the layer's output NaN
      const w = tf.tensor2d([[0.3, -1, 2], [1, 0.5, -0.25]]);
      const b = tf.tensor1d([0.1, 0, -0.2]);
      // dy with NaN and inf where the relu is off (step 0: NaN·0 and inf·0 are NaN) and on.
      const dy = tf.tensor2d([[NaN, 1, 2], [Infinity, -1, 0.5], [1, 2, -3], [1, 1, 1]]);
      const before = tf.memory().numTensors;
      const layer = (xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) => tf.mul(fusedDense(xs, ws, bs, 'relu'), dy);
      const composite = (xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) => tf.mul(tf.relu(tf.add(tf.matMul(xs, ws), bs)), dy);
      const ours = tf.grads(layer)([x, w, b]);
      const theirs = tf.grads(composite)([x, w, b]);
      assert.equal(tf.memory().numTensors, before + 6, 'only the six gradients are left');
      ours.forEach((g, i) => {
        const [a, e] = [Array.from(g.dataSync()), Array.from(theirs[i].dataSync())];
        a.forEach((v, j) => assert.ok(Object.is(v, e[j]) || (Number.isNaN(v) && Number.isNaN(e[j])) || Math.abs(v - e[j]) < 1e-6, `gradient ${i}[${j}]: ${a} vs ${e}`));
      });
      tf.dispose([x, w, b, dy, ...ours, ...theirs]);
    } finally {
      await initRuntime();
    }
  });

  it('on wasm, a second-order gradient through a dense layer (the native kernel has no gradient) equals the separate ops', async () => {
    await dh.runtime.init({ backend: 'wasm' });
    try {
      useNativeMatMul(true);
      const x = tf.tensor2d([[1, -2, 0.5], [0.5, 3, -1], [2, 1, 1]]);
      const w = tf.tensor2d([[0.3, -1], [1, 0.5], [-0.2, 0.4]]);
      const b = tf.tensor1d([0.1, -0.3]);
      const secondOrder = (layer: (ws: tf.Tensor) => tf.Tensor) =>
        tf.tidy(() => Array.from(tf.grad((ws: tf.Tensor) => tf.sum(tf.square(tf.grad((v: tf.Tensor) => tf.sum(tf.square(layer(v))))(ws))))(w).dataSync()));
      const ours = secondOrder((v) => fusedDense(x, v, b, 'relu'));
      const theirs = secondOrder((v) => tf.relu(tf.add(tf.matMul(x, v), b)));
      ours.forEach((v, i) => assert.ok(Number.isFinite(v) && Math.abs(v - theirs[i]) < 1e-4 * Math.max(1, Math.abs(v)), `${ours} vs ${theirs}`));
      assert.ok(ours.some((v) => v !== 0), 'a second derivative that is not zero everywhere');
      tf.dispose([x, w, b]);
    } finally {
      await initRuntime();
    }
  });

  it("on wasm without the native addon (XNNPACK's fused kernel) a dense layer trains as with it", async () => {
    await dh.runtime.init({ backend: 'wasm' });
    const train = async () => {
      const model = dh.models.mlp({ sizes: [3, 4, 1], seed: 2 });
      const h = await dh.fit({ model, loss: dh.losses.mse, data: { x: [[1, 2, 3], [0, 1, 0], [2, 2, 1], [1, 0, 1]], y: [1, 0, 2, 1] }, optimizer: dh.optim.sgd({ lr: 0.05 }), epochs: 20 });
      dh.models.disposeModel(model);
      return h.stepValues('loss');
    };
    try {
      const native = await train();
      useNativeMatMul(false);
      const xnnpack = await train();
      native.forEach((v, i) => assert.ok(Number.isFinite(xnnpack[i]) && Math.abs(v - xnnpack[i]) < 1e-5 * Math.max(1, v), `step ${i + 1}: ${v} vs ${xnnpack[i]}`));
    } finally {
      useNativeMatMul(true);
      await initRuntime();
    }
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`on ${backend}, one fused kernel computes the loss and its gradient, equal to the composite, for labels and for probability rows`, async () => {
      await dh.runtime.init({ backend });
      try {
        const z = tf.randomNormal([37, 10], 0, 3, 'float32', 1);
        const labels = tf.tensor1d(Array.from({ length: 37 }, (_, i) => (i * 7) % 10), 'int32');
        const soft = tf.softmax(tf.randomNormal([37, 10], 0, 1, 'float32', 2));
        const composite = (target: tf.Tensor) => (l: tf.Tensor) =>
          tf.neg(tf.mean(tf.sum(tf.mul(target.dtype === 'int32' ? tf.cast(tf.oneHot(target as tf.Tensor1D, 10), 'float32') : target, tf.logSoftmax(l)), -1)));
        for (const target of [labels, soft]) {
          const profile = await tf.profile(() => tf.tidy(() => dh.losses.crossEntropy(z, target)));
          assert.deepEqual(profile.kernelNames, ['DownhillSoftmaxCrossEntropy'], 'one kernel forward');
          const [ours, theirs] = [(l: tf.Tensor) => dh.losses.crossEntropy(l, target), composite(target)].map((f) => tf.valueAndGrad(f)(z));
          assert.ok(Math.abs(ours.value.dataSync()[0] - theirs.value.dataSync()[0]) < 1e-5);
          const [a, b] = [ours.grad.dataSync(), theirs.grad.dataSync()];
          a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-6, `gradient[${i}]: ${v} vs ${b[i]}`));
          tf.dispose([ours.value, ours.grad, theirs.value, theirs.grad]);
        }
        await expectDownhillError(() => dh.losses.crossEntropy(z, tf.tensor1d(Array.from({ length: 37 }, (_, i) => (i === 5 ? 10 : 0)), 'int32')), /label 10 is not a class index: the model outputs 10 classes/);
        await expectDownhillError(() => dh.losses.crossEntropy(z, tf.tensor1d(Array.from({ length: 37 }, (_, i) => (i === 2 ? -1 : 0)), 'int32')), /label -1 is not a class index/);
        tf.dispose([z, labels, soft]);
      } finally {
        await initRuntime();
      }
    });
  }
});
