import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import * as dh from '../src';
import { expectDownhillError, initRuntime } from './helpers/setup';

const { optim } = dh;

/** Sign-SGD in a few lines: the researcher's interface. */
const signSgd = (lr: number) => optim.chain(optim.stateless((g) => tf.sign(g)), optim.scaleByLearningRate(lr));

/** Lion (Chen et al. 2023), the README's example of a new optimizer in under 15 lines. */
function lion({ lr = 1e-4 as dh.schedules.LearningRate, betas = [0.9, 0.99], weightDecay = 0 } = {}): dh.optim.GradientTransformation {
  const [b1, b2] = betas;
  const direction: dh.optim.GradientTransformation<{ m: dh.optim.NamedTensors }> = {
    init: (params) => ({ m: optim.zerosLike(params) }),
    update: (grads, { m }) => ({
      updates: optim.zipNamed(m, grads, (m, g) => tf.sign(tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)))),
      state: { m: optim.ema(m, grads, b2) },
    }),
  };
  return optim.chain(direction, optim.addWeightDecay(weightDecay), optim.scaleByLearningRate(lr));
}

describe('optimizers as gradient transformations', () => {
  before(initRuntime);

  it('the torch-like Optimizer takes the hand-checked first step of lesson 1: gradient 6, w 5 → 4.4', async () => {
    const w = tf.variable(tf.scalar(5));
    const opt = new optim.Optimizer({ w }, optim.sgd({ lr: 0.1 }));
    const loss = await opt.step(() => tf.square(tf.sub(w, 2)));
    assert.equal(loss, 9);
    assert.ok(Math.abs(opt.lastGradNorm - 6) < 1e-6);
    assert.ok(Math.abs(w.dataSync()[0] - 4.4) < 1e-6);
    assert.equal(opt.steps, 1);
    assert.equal(opt.lr, 0.1);
    opt.dispose();
    w.dispose();
  });

  it('update with gradients (2, 3) at lr 0.1 gives (-0.2, -0.3); at lr 10 gives (-20, -30)', () => {
    for (const [lr, expected] of [[0.1, [-0.2, -0.3]], [10, [-20, -30]]] as const) {
      const params = { w: tf.scalar(0), b: tf.scalar(0) };
      const tx = optim.sgd({ lr });
      const state = tx.init(params);
      const { updates } = tx.update({ w: tf.scalar(2), b: tf.scalar(3) }, state, params);
      const next = optim.applyUpdates(params, updates);
      assert.ok(Math.abs(next.w.dataSync()[0] - expected[0]) < 1e-5);
      assert.ok(Math.abs(next.b.dataSync()[0] - expected[1]) < 1e-5);
    }
  });

  it('chain runs transformations in order (clip, then scale)', () => {
    const tx = optim.chain(optim.clipByValue(1), optim.scale(-2));
    const { updates } = tx.update({ g: tf.tensor1d([5, -0.5]) }, tx.init({ g: tf.zeros([2]) }));
    assert.deepEqual(Array.from(updates.g.dataSync()), [-2, 1]);
  });

  it('clipByGlobalNorm scales every gradient by the same factor so the global norm is maxNorm', () => {
    const tx = optim.clipByGlobalNorm(1);
    const { updates } = tx.update({ a: tf.tensor1d([3, 0]), b: tf.tensor1d([0, 4]) }, null);
    const norm = dh.optim.globalNorm(updates).dataSync()[0];
    assert.ok(Math.abs(norm - 1) < 1e-5, `norm ${norm}`);
    assert.ok(Math.abs(updates.a.dataSync()[0] - 0.6) < 1e-5);
    const small = tx.update({ a: tf.tensor1d([0.3, 0.4]) }, null).updates.a.dataSync();
    assert.deepEqual(Array.from(small).map((v) => +v.toFixed(6)), [0.3, 0.4], 'a small gradient is left alone');
  });

  it('coupled L2 (adam weightDecay) and decoupled decay (adamw) differ, as in PyTorch', async () => {
    const run = async (tx: dh.optim.GradientTransformation) =>
      (await dh.descend({ f: dh.landscapes.quadratic(), start: [3, 1], optimizer: tx, steps: 20 })).trajectory().at(-1)!;
    const coupled = await run(optim.adam({ lr: 0.1, weightDecay: 0.5 }));
    const decoupled = await run(optim.adamw({ lr: 0.1, weightDecay: 0.5 }));
    assert.notDeepEqual(coupled, decoupled);
  });

  it('a new optimizer fits in a few lines: sign-SGD and Lion reach the bottom of a bowl', async () => {
    const f = dh.landscapes.quadratic({ scales: [1, 10] });
    for (const tx of [signSgd(0.01), lion({ lr: 0.01 })]) {
      const h = await dh.descend({ f, start: [2, 1], optimizer: tx, steps: 600 });
      const [x, y] = h.trajectory().at(-1)!;
      assert.ok(Math.abs(x) < 0.05 && Math.abs(y) < 0.05, `ended at (${x}, ${y})`);
    }
  });

  it("the README's Lion takes a schedule and takes the same steps as the library's optim.lion", async () => {
    const f = dh.landscapes.rosenbrock();
    const lr = dh.schedules.cosine({ lr: 0.02, tMax: 50 });
    const ours = await dh.descend({ f, start: [-1.5, 2], optimizer: lion({ lr, weightDecay: 0.1 }), steps: 50 });
    const library = await dh.descend({ f, start: [-1.5, 2], optimizer: optim.lion({ lr, weightDecay: 0.1 }), steps: 50 });
    assert.deepEqual(ours.trajectory(), library.trajectory());
  });

  it('the learning rate a chain reports comes from its scaleByLearningRate', () => {
    const tx = optim.chain(optim.clipByGlobalNorm(1), optim.sgd({ lr: dh.schedules.exponential({ lr: 1, gamma: 0.5 }) }));
    let state = tx.init({ w: tf.scalar(1) });
    assert.equal(tx.learningRate!(state), 1);
    state = tx.update({ w: tf.scalar(1) }, state, { w: tf.scalar(1) }).state;
    assert.equal(tx.learningRate!(state), 0.5);
  });

  it('masked: weight decay on the weights only, the bias gradient passes through (optax masked)', () => {
    const tx = optim.masked(optim.addWeightDecay(0.5), (name) => name.startsWith('w'));
    const params = { w: tf.scalar(2), b: tf.scalar(2) };
    const { updates } = tx.update({ w: tf.scalar(1), b: tf.scalar(1) }, tx.init(params), params);
    assert.equal(updates.w.dataSync()[0], 2);
    assert.equal(updates.b.dataSync()[0], 1);
  });

  it('paramGroups: another lr for one group, the rest from the defaults (torch param groups)', () => {
    const tx = optim.paramGroups(optim.sgd, { lr: 0.1 }, [{ params: ['w'] }, { params: (n) => n === 'b', lr: 1 }]);
    const params = { w: tf.scalar(0), b: tf.scalar(0) };
    const { updates } = tx.update({ w: tf.scalar(1), b: tf.scalar(1) }, tx.init(params), params);
    assert.ok(Math.abs(updates.w.dataSync()[0] + 0.1) < 1e-7);
    assert.equal(updates.b.dataSync()[0], -1);
  });

  it('paramGroups in fit: one step decays the weights of an mlp and not its biases', async () => {
    const data = { x: [[1, 0], [0, 1], [1, 1], [0, 0]], y: Int32Array.from([0, 1, 1, 0]) };
    const train = async (optimizer: dh.optim.GradientTransformation) => {
      const model = dh.models.mlp({ sizes: [2, 4, 2], seed: 3 });
      for (const b of [model.params.b1, model.params.b2]) b.assign(tf.onesLike(b)); // non-zero, so that a decay would show
      await dh.fit({ model, loss: dh.losses.crossEntropy, data, optimizer, epochs: 1, batchSize: 'full' });
      const values = await dh.models.parameterValues(model);
      dh.models.disposeModel(model);
      return values;
    };
    const groups = await train(optim.paramGroups(optim.adamw, { lr: 0.01, weightDecay: 0.5 }, [{ params: (n) => n.startsWith('w') }, { params: (n) => n.startsWith('b'), weightDecay: 0 }]));
    const noDecay = await train(optim.adamw({ lr: 0.01, weightDecay: 0 }));
    const allDecay = await train(optim.adamw({ lr: 0.01, weightDecay: 0.5 }));
    assert.deepEqual([groups.w1, groups.w2], [allDecay.w1, allDecay.w2], 'the weights decay as with weightDecay 0.5 everywhere');
    assert.deepEqual([groups.b1, groups.b2], [noDecay.b1, noDecay.b2], 'the biases as with no decay');
    assert.notDeepEqual(groups.w1, noDecay.w1);
    assert.notDeepEqual(groups.b1, allDecay.b1);
  });

  it("asgd's averaged iterate can be read from an Optimizer's state (torch's ax)", async () => {
    const w = tf.variable(tf.tensor1d([3]));
    const opt = new optim.Optimizer({ w }, optim.asgd({ lr: 0.1, t0: 0 }));
    for (let i = 0; i < 3; i++) await opt.step(() => tf.sum(tf.square(w)));
    // steps: 3 → 2.4 → 1.92 → 1.536 (λ = 1e-4 aside); the average of the last two, as μ = 1/(t − 1 − t0)
    const ax = optim.averagedParams(opt.state).w.dataSync()[0];
    assert.ok(Math.abs(ax - (1.92 + 1.536) / 2) < 1e-3, `ax ${ax}`);
    opt.dispose();
    w.dispose();
  });

  it('asgd reports its decaying step size as the learning rate', () => {
    const tx = optim.asgd({ lr: 0.1, lambd: 1, alpha: 1 });
    const params = { w: tf.scalar(1) };
    let state = tx.init(params);
    assert.equal(tx.learningRate!(state), 0.1);
    state = tx.update({ w: tf.scalar(1) }, state, params).state;
    assert.ok(Math.abs(tx.learningRate!(state)! - 0.1 / 1.1) < 1e-15);
  });

  it('new optimizers take a schedule for momentum and betas (inject_hyperparams)', () => {
    const tx = optim.sgd({ lr: 1, momentum: (t) => (t === 0 ? 0 : 0.5) });
    const params = { w: tf.scalar(0) };
    let state = tx.init(params);
    const first = tx.update({ w: tf.scalar(1) }, state, params);
    state = first.state;
    const second = tx.update({ w: tf.scalar(1) }, state, params);
    assert.equal(second.updates.w.dataSync()[0], -1.5, 'buf = 0.5·1 + 1');
    assert.equal(optim.nadam({ betas: [dh.schedules.constant(0.9), 0.999] }).name, 'nadam(betas=[schedule, 0.999])');
  });

  it('optimizers carry a readable name for legends', () => {
    assert.equal(optim.sgd({ lr: 0.1, momentum: 0.9 }).name, 'sgd(lr=0.1, momentum=0.9)');
    assert.equal(optim.adam().name, 'adam()');
  });
});

describe('optimizer bad input', () => {
  before(initRuntime);

  it('a negative learning rate is refused with the fix', () =>
    expectDownhillError(() => optim.sgd({ lr: -0.1 }), /learning rate must be greater than 0, got -0.1/, /climbs the loss/));

  it('a zero learning rate is refused', () => expectDownhillError(() => optim.adam({ lr: 0 }), /greater than 0, got 0/));

  it('a learning rate that is not a number is refused', () =>
    expectDownhillError(() => optim.sgd({ lr: '0.1' as unknown as number }), /'lr' must be a number, got the string "0.1"/));

  it('NaN as a learning rate is refused', () => expectDownhillError(() => optim.rmsprop({ lr: NaN }), /'lr' must be a number, got NaN/));

  it('an unknown option name is refused, with the PyTorch spelling mapped', () =>
    expectDownhillError(() => optim.sgd({ lr: 0.1, weight_decay: 0.1 } as never), /unknown option 'weight_decay'/, /did you mean 'weightDecay'/));

  it('a misspelt option gets a suggestion', () =>
    expectDownhillError(() => optim.adam({ betass: [0.9, 0.99] } as never), /unknown option 'betass'/, /did you mean 'betas'/));

  it('nesterov without momentum is refused, as in PyTorch', () =>
    expectDownhillError(() => optim.sgd({ lr: 0.1, nesterov: true }), /Nesterov momentum needs a momentum > 0/));

  it('betas outside [0, 1) are refused, naming the option as written (betas[1], not an internal b2)', () =>
    expectDownhillError(() => optim.adam({ betas: [0.9, 1.5] }), /adam: 'betas\[1\]' must be in \[0, 1\), got 1.5/));

  it('a beta schedule that leaves [0, 1) stops training, naming the option as written', () => {
    const tx = optim.adam({ betas: [(t) => 0.9 + t, 0.999] });
    const params = { w: tf.scalar(1) };
    const first = tx.update({ w: tf.scalar(1) }, tx.init(params), params);
    return expectDownhillError(() => tx.update({ w: tf.scalar(1) }, first.state, params), /'betas\[0\] \(its schedule at step 1\)' must be in \[0, 1\), got 1.9/);
  });

  it('betas that are not a pair are refused', () => expectDownhillError(() => optim.nadam({ betas: [0.9] as never }), /nadam: 'betas' must be a pair \[0.9, 0.999\], got an array of length 1/));

  it('a PyTorch spelling of a new option is pointed to the camelCase name', () =>
    expectDownhillError(() => optim.nadam({ momentum_decay: 0.01 } as never), /unknown option 'momentum_decay'/, /did you mean 'momentumDecay'/));

  it('rprop refuses etas that do not shrink and grow', () => expectDownhillError(() => optim.rprop({ etas: [1.2, 0.5] }), /0 < etas\[0\] < 1 < etas\[1\]/));

  it('sgd without lr says lr is required', () => expectDownhillError(() => optim.sgd({} as never), /sgd: the option 'lr' is required/));

  it('paramGroups: a parameter in no group, or in two, is refused', async () => {
    const params = { w: tf.scalar(0), b: tf.scalar(0) };
    await expectDownhillError(() => optim.paramGroups(optim.sgd, { lr: 0.1 }, [{ params: ['w'] }]).init(params), /parameter 'b' is in no group/);
    await expectDownhillError(() => optim.paramGroups(optim.sgd, { lr: 0.1 }, [{ params: ['w', 'b'] }, { params: ['b'] }]).init(params), /'b' is in several groups/);
  });

  it('multiTransform: a label with no transformation is refused', () =>
    expectDownhillError(() => optim.multiTransform({ a: optim.sgd({ lr: 1 }) }, () => 'c').init({ w: tf.scalar(0) }), /the label 'c', which is not one of 'a'/));

  it('a schedule that returns NaN stops training with a clear error', async () => {
    const broken = () => NaN;
    await expectDownhillError(
      () => dh.descend({ f: dh.landscapes.parabola(), start: 1, optimizer: optim.sgd({ lr: broken }), steps: 3 }),
      /schedule returned NaN at step 0/,
    );
  });

  it('a loss that is not a scalar is refused', () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    const opt = new optim.Optimizer({ w }, optim.sgd({ lr: 0.1 }));
    return expectDownhillError(() => opt.step(() => tf.square(w)), /shape \[2\], not a scalar/, /tf\.mean/);
  });

  it('a parameter the loss does not use is named', () => {
    const w = tf.variable(tf.scalar(1));
    const unused = tf.variable(tf.scalar(1));
    const opt = new optim.Optimizer({ w, unused }, optim.sgd({ lr: 0.1 }));
    return expectDownhillError(() => opt.step(() => tf.square(w)), /does not depend on every parameter \(w, unused\)/);
  });

  it('a variable made with trainable: false is used by the loss but not trained', async () => {
    const w = tf.variable(tf.scalar(5));
    const frozen = tf.variable(tf.scalar(2), false);
    const opt = new optim.Optimizer({ w, frozen }, optim.adam({ lr: 0.1 }));
    for (let i = 0; i < 3; i++) await opt.step(() => tf.square(tf.sub(w, frozen)));
    assert.equal(frozen.dataSync()[0], 2);
    assert.ok(w.dataSync()[0] < 5);
    opt.dispose();
    tf.dispose([w, frozen]);
  });

  it('an Optimizer whose variables are all trainable: false says so', () => {
    const frozen = tf.variable(tf.scalar(2), false);
    return expectDownhillError(() => new optim.Optimizer({ frozen }, optim.sgd({ lr: 0.1 })), /no trainable parameters: every one of frozen was made with trainable: false/);
  });

  it('an Optimizer refuses plain tensors (it must update in place)', () =>
    expectDownhillError(() => new optim.Optimizer({ w: tf.scalar(1) as never }, optim.sgd({ lr: 0.1 })), /'w' is not a tf.Variable/));
});
