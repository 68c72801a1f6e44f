import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import * as dh from '../src';
import { WASM_FUSED_MAX_ELEMENTS, registeredElementwiseUpdates } from '../src/runtime/kernels/elementwise_update';
import { nativeUpdateLoop, useNativeUpdates } from '../src/runtime/native_fused_update';
import { disposeReplaced } from '../src/named_tensors';
import { updateInPlace } from '../src/optim/transformation';
import { ReferenceRun, describeRun, loadReference, optimizerFor, problem } from './helpers/reference';
import { camelOptions, loadTorch2Reference, namedOptimizer, relativeDeviation } from './helpers/torch2_reference';

/**
 * Fused optimizer updates (one kernel per parameter) against the composable
 * transformations they accelerate, on every backend present: cpu, wasm, and webgpu
 * (Dawn on Mesa's lavapipe, which .ci/run installs).
 *
 * Tolerance: the fused kernels compute each element in one expression (in float64 on
 * cpu and on wasm without the native addon, rounded once to float32 when stored;
 * float32 on webgpu and in the addon's C loops on wasm), the reference
 * rounds to float32 after every op, so they agree to float32 precision, not bit for
 * bit: |fused − reference| ≤ 1e-5 · max(1, |reference|) over 6 steps, for parameters
 * and every state tensor (the PyTorch fixtures' tolerance). Centered RMSprop takes
 * sqrt(v − ḡ²), which cancels digits when the gradient barely varies: there the
 * reference itself differs by 2e-5 between cpu and wasm, and the bound is 1e-4.
 */
const TOL = 1e-5;
const CANCELLING_TOL = 1e-4;
const STEPS = 6;
const BACKENDS = ['cpu', 'wasm', 'webgpu'] as const;
const { optim, schedules } = dh;

const OPTIMIZERS: Record<string, () => dh.optim.GradientTransformation> = {
  sgd: () => optim.sgd({ lr: 0.1 }),
  'sgd, weightDecay, maximize': () => optim.sgd({ lr: 0.1, weightDecay: 0.1, maximize: true }),
  'sgd momentum, dampening, weightDecay': () => optim.sgd({ lr: 0.1, momentum: 0.9, dampening: 0.3, weightDecay: 0.01 }),
  'sgd nesterov, maximize': () => optim.sgd({ lr: 0.05, momentum: 0.8, nesterov: true, maximize: true }),
  adam: () => optim.adam({ lr: 0.05 }),
  'adam, betas, coupled weightDecay, maximize': () => optim.adam({ lr: 0.05, betas: [0.8, 0.95], weightDecay: 0.1, maximize: true }),
  'adam amsgrad, decoupledWeightDecay': () => optim.adam({ lr: 0.05, amsgrad: true, weightDecay: 0.1, decoupledWeightDecay: true }),
  adamw: () => optim.adamw({ lr: 0.05 }),
  'adamw amsgrad, eps': () => optim.adamw({ lr: 0.05, amsgrad: true, eps: 1e-3, weightDecay: 0.05 }),
  'adam, beta1 schedule': () => optim.adam({ lr: 0.05, betas: [(t: number) => 0.9 - 0.05 * t, 0.99] }),
  rmsprop: () => optim.rmsprop({ lr: 0.01 }),
  'rmsprop centered': () => optim.rmsprop({ lr: 0.01, centered: true, alpha: 0.9 }),
  'rmsprop momentum, weightDecay': () => optim.rmsprop({ lr: 0.01, momentum: 0.9, weightDecay: 0.1 }),
  'rmsprop centered, momentum, maximize': () => optim.rmsprop({ lr: 0.01, centered: true, momentum: 0.5, maximize: true }),
  adagrad: () => optim.adagrad({ lr: 0.1 }),
  'adagrad lrDecay, initialAccumulatorValue, weightDecay': () =>
    optim.adagrad({ lr: 0.1, lrDecay: 0.1, initialAccumulatorValue: 0.5, weightDecay: 0.1 }),
  nadam: () => optim.nadam({ lr: 0.05 }),
  'nadam decoupledWeightDecay, maximize, momentumDecay': () => optim.nadam({ lr: 0.05, weightDecay: 0.1, decoupledWeightDecay: true, maximize: true, momentumDecay: 0.01 }),
  'radam (ρt > 5 from step 6 with β2 0.9)': () => optim.radam({ lr: 0.05, betas: [0.9, 0.9], weightDecay: 0.1 }),
  'radam decoupledWeightDecay': () => optim.radam({ lr: 0.05, weightDecay: 0.1, decoupledWeightDecay: true }),
  'adamax, weightDecay, maximize': () => optim.adamax({ lr: 0.05, weightDecay: 0.1, maximize: true }),
  'adadelta, weightDecay': () => optim.adadelta({ lr: 1, rho: 0.8, weightDecay: 0.1 }),
  'lion, weightDecay': () => optim.lion({ lr: 0.01, weightDecay: 0.1 }),
  'signSgd, weightDecay': () => optim.signSgd({ lr: 0.01, weightDecay: 0.1 }),
  'paramGroups(adamw): a group without decay': () =>
    optim.paramGroups(optim.adamw, { lr: 0.05, weightDecay: 0.1 }, [{ params: ['w'] }, { params: ['b'], weightDecay: 0 }]),
  'chain(clipByGlobalNorm(1), adam())': () => optim.chain(optim.clipByGlobalNorm(1), optim.adam({ lr: 0.05 })),
  'adam with a cosine learning-rate schedule': () => optim.adam({ lr: schedules.cosine({ lr: 0.1, tMax: STEPS }) }),
  'sgd with oneCycle (cycles lr and momentum)': () =>
    optim.sgd({ lr: schedules.oneCycle({ maxLr: 0.1, totalSteps: STEPS }) as dh.schedules.Schedule, momentum: 0.9 }),
};

/** Two parameters (a matrix and a bias) and a small non-quadratic loss: tanh(x·w + b) against targets. */
function makeParams(): Record<string, tf.Variable> {
  return tf.tidy(() => ({
    w: tf.variable(tf.tensor2d([0.3, -0.2, 0.5, 0.1, -0.4, 0.25, 0.6, -0.1, 0.05, 0.2, -0.3, 0.4], [3, 4])),
    b: tf.variable(tf.tensor1d([0.1, -0.1, 0.2, 0])),
  }));
}

function loss(params: dh.optim.NamedTensors): tf.Scalar {
  const x = tf.tensor2d([1, 2, -1, 0.5, -0.3, 2, -1, 1, 0.2, 0.7, -0.8, 1.5], [4, 3]);
  const y = tf.tensor2d([0.5, -0.5, 0.2, 0.1, -0.2, 0.3, 0.4, -0.6, 0.9, 0, -0.1, 0.2, 0.3, 0.3, -0.3, 0.1], [4, 4]);
  return tf.mean(tf.square(tf.sub(tf.tanh(tf.add(tf.matMul(x, params.w), params.b)), y)));
}

/** The state's numbers and tensors flattened in order (tensor values as arrays), nulls kept: its layout and values. */
async function flattenState(state: unknown): Promise<unknown> {
  if (state instanceof tf.Tensor) return Array.from(await state.data());
  if (Array.isArray(state)) return Promise.all(state.map(flattenState));
  if (state && typeof state === 'object') {
    return Object.fromEntries(await Promise.all(Object.entries(state).map(async ([k, v]) => [k, await flattenState(v)])));
  }
  return state;
}

/** Trains STEPS steps with fusion on or off; returns the parameters and the state after each step. */
async function train(make: () => dh.optim.GradientTransformation, fused: boolean): Promise<{ params: number[][]; states: unknown[] }> {
  const previous = optim.setFusedUpdates(fused);
  const transform = make();
  const params = makeParams();
  let state = tf.tidy(() => transform.init(params) as tf.TensorContainer) as unknown;
  const out = { params: [] as number[][], states: [] as unknown[] };
  try {
    for (let i = 0; i < STEPS; i++) {
      const step = optim.descentStep(params, loss, transform, state);
      tf.dispose([step.loss, step.gradNorm]);
      state = step.state;
      out.params.push([...(await params.w.data()), ...(await params.b.data())]);
      out.states.push(await flattenState(state));
    }
  } finally {
    optim.setFusedUpdates(previous);
    tf.dispose(state as tf.TensorContainer);
    tf.dispose(Object.values(params));
  }
  return out;
}

function assertClose(actual: unknown, expected: unknown, where: string, tol: number): void {
  if (typeof expected === 'number') {
    assert.equal(typeof actual, 'number', `${where}: ${String(actual)} where the reference has a number`);
    const a = actual as number;
    assert.ok(Math.abs(a - expected) <= tol * Math.max(1, Math.abs(expected)), `${where}: fused ${a}, reference ${expected}`);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual) && actual.length === expected.length, `${where}: layout differs`);
    expected.forEach((e, i) => assertClose((actual as unknown[])[i], e, `${where}[${i}]`, tol));
  } else if (expected && typeof expected === 'object') {
    assert.deepEqual(Object.keys(actual as object), Object.keys(expected), `${where}: layout differs`);
    for (const [k, e] of Object.entries(expected)) assertClose((actual as Record<string, unknown>)[k], e, `${where}.${k}`, tol);
  } else {
    assert.equal(actual, expected, `${where}: layout differs`);
  }
}

/** The TF.js kernels one update runs (not the loss and gradient), counted with tf.profile. */
async function kernelsPerUpdate(transform: dh.optim.GradientTransformation, fused: boolean): Promise<string[]> {
  const params = makeParams();
  let state = tf.tidy(() => transform.init(params) as tf.TensorContainer) as unknown;
  const grads = tf.tidy(() => tf.grads((w: tf.Tensor, b: tf.Tensor) => loss({ w, b }))([params.w, params.b]));
  const named = { w: grads[0], b: grads[1] };
  // One step first: the second is the steady state (momentum buffers exist).
  for (let i = 0; i < 2; i++) {
    let next: unknown;
    const profile = await tf.profile(() => {
      next = tf.tidy(() =>
        (fused ? transform.fused!.apply(params, named, state) : optim.applyUpdates(params, transform.update(named, state, params).updates)) as tf.TensorContainer,
      );
    });
    if (!fused) tf.dispose(next as tf.TensorContainer); // the reference's applyUpdates output, counted then dropped
    else {
      tf.dispose(state as tf.TensorContainer);
      state = next;
    }
    if (i === 1) {
      tf.dispose([state as tf.TensorContainer, grads, params.w, params.b]);
      return profile.kernels.map((k) => k.name);
    }
  }
  throw new Error('unreachable');
}

/** A vector that is no multiple of the SIMD width, over 3× the JavaScript loop's limit on wasm. */
const LARGE = 3 * WASM_FUSED_MAX_ELEMENTS + 7;
const LARGE_STEPS = 3;
const LARGE_OPTIMIZERS = ['adam, betas, coupled weightDecay, maximize', 'adam amsgrad, decoupledWeightDecay', 'sgd nesterov, maximize', 'rmsprop centered, momentum, maximize', 'adadelta, weightDecay', 'lion, weightDecay'];

describe('fused optimizer updates match the composable reference', function () {
  this.timeout(300000);
  after(() => dh.runtime.init());

  for (const backend of BACKENDS) {
    describe(`on ${backend}`, () => {
      before(async function () {
        const info = await dh.runtime.init({ backend });
        if (info.backend !== backend) throw new Error(`the ${backend} backend is not available here: ${dh.runtime.describe(info)}`);
      });

      for (const [name, make] of Object.entries(OPTIMIZERS)) {
        it(`${name}: ${STEPS} steps, parameters and state`, async () => {
          assert.ok(make().fused, `${name} has a fused update`);
          const before = tf.memory().numTensors;
          const reference = await train(make, false);
          const fused = await train(make, true);
          assert.equal(tf.memory().numTensors, before, 'training left tensors behind');
          const tol = /rmsprop centered/.test(name) ? CANCELLING_TOL : TOL;
          assertClose(fused.params, reference.params, 'params after step', tol);
          assertClose(fused.states, reference.states, 'state after step', tol);
          // It moved: the comparison is not between two untouched starts.
          assert.ok(Math.abs(fused.params[STEPS - 1][0] - 0.3) > 1e-4);
        });
      }

      it('the fused step does not grow the tensor count', () => {
        const transform = optim.adam({ lr: 0.01, amsgrad: true });
        const params = makeParams();
        let state = tf.tidy(() => transform.init(params) as tf.TensorContainer) as unknown;
        const counts: number[] = [];
        for (let i = 0; i < 5; i++) {
          const step = optim.descentStep(params, loss, transform, state);
          tf.dispose([step.loss, step.gradNorm]);
          state = step.state;
          counts.push(tf.memory().numTensors);
        }
        tf.dispose([state as tf.TensorContainer, params.w, params.b]);
        assert.deepEqual(counts.slice(1), Array(4).fill(counts[0]), `tensor counts ${counts}`);
      });

      for (const [name, make] of Object.entries({ adam: () => optim.adam({ lr: 0.01 }), 'sgd momentum': () => optim.sgd({ lr: 0.1, momentum: 0.9 }) })) {
        it(`${name}: kernels per update, counted with tf.profile: one per parameter fused`, async function () {
          const fused = await kernelsPerUpdate(make(), true);
          const reference = await kernelsPerUpdate(make(), false);
          assert.equal(fused.length, 2, `fused kernels: ${fused.join(', ')}`);
          assert.ok(reference.length > 2 * fused.length, `reference kernels: ${reference.join(', ')}`);
        });
      }

      if (backend === 'wasm') {
        it(`on wasm without the native addon's C loops, a tensor of more than ${WASM_FUSED_MAX_ELEMENTS} elements keeps the reference path (faster there)`, async () => {
          const native = useNativeUpdates(false);
          try {
            const transform = optim.adam({ lr: 0.01 });
            const params = { w: tf.variable(tf.ones([WASM_FUSED_MAX_ELEMENTS + 1])) };
            let state = tf.tidy(() => transform.init(params) as tf.TensorContainer) as unknown;
            const grads = { w: tf.onesLike(params.w) };
            const profile = await tf.profile(() => {
              const next = tf.tidy(() => transform.fused!.apply(params, grads, state as unknown[]) as tf.TensorContainer);
              tf.dispose(state as tf.TensorContainer);
              state = next;
            });
            assert.ok(!profile.kernels.some((k) => k.name.startsWith('Downhill')) && profile.kernels.length > 5, profile.kernels.map((k) => k.name).join(', '));
            tf.dispose([state as tf.TensorContainer, params.w, grads.w]);
          } finally {
            useNativeUpdates(native);
          }
        });

        describe(`with the native addon (npm run build): tensors of more than ${WASM_FUSED_MAX_ELEMENTS} elements are fused too, as C loops`, () => {
          before(function () {
            if (!useNativeUpdates(true)) this.skip(); // no addon here: the test above covers wasm
          });
          it('the addon has a C loop for every update formula, compiled from the same text', () => {
            const missing = registeredElementwiseUpdates().filter((spec) => !nativeUpdateLoop(spec)).map((spec) => spec.kernelName);
            assert.ok(registeredElementwiseUpdates().length >= 15 && missing.length === 0, `no C loop for ${missing.join(', ')} (rebuild: npm run build)`);
          });
          it('the C loop (the vector width this CPU runs) rounds like the formula, one float32 rounding per operation (no FMA)', () => {
            const { ADAM_UPDATE } = require('../src/runtime/kernels/adam_update') as typeof import('../src/runtime/kernels/adam_update');
            const loop = nativeUpdateLoop(ADAM_UPDATE)!;
            const n = 4099; // not a multiple of any vector width: the tail runs too
            const random = (seed: number, scale: number) => Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(seed * 1000 + i * 12.9898) * scale));
            const [theta, grad, m] = [random(1, 2), random(2, 1), random(3, 0.1)];
            const v = random(4, 0.01).map(Math.abs);
            const a = { lr: 1e-3, weightDecay: 0.01, decoupled: 0, maximize: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8, correction1: 0.271, sqrtCorrection2: 0.0447 };
            const out = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
            loop([theta, grad, m, v], out, a);
            // The same formula with every operation rounded to float32 (what C does without contraction into FMA).
            const f = Math.fround;
            const [lr, wd, b1, b2, eps, c1, sc2] = [a.lr, a.weightDecay, a.beta1, a.beta2, a.eps, a.correction1, a.sqrtCorrection2].map(f);
            for (let i = 0; i < n; i++) {
              const g = f(grad[i] + f(theta[i] * wd));
              const mNext = f(f(m[i] * b1) + f(g * f(1 - b1)));
              const vNext = f(f(v[i] * b2) + f(f(g * g) * f(1 - b2)));
              const d = f(f(mNext / c1) / f(f(f(Math.sqrt(vNext)) / sc2) + eps));
              const thetaNext = f(theta[i] - f(lr * f(d + 0)));
              assert.deepEqual([out[0][i], out[1][i], out[2][i]], [thetaNext, mNext, vNext], `element ${i}`);
            }
          });
          for (const name of LARGE_OPTIMIZERS) {
            it(`${name}: ${LARGE} elements, one kernel per update, ${LARGE_STEPS} steps equal to the reference`, async () => {
              const [fused, reference] = [await trainLarge(OPTIMIZERS[name], true), await trainLarge(OPTIMIZERS[name], false)];
              assert.deepEqual(fused.kernels, [fused.kernels[0]], `fused kernels: ${fused.kernels.join(', ')}`);
              assert.ok(fused.kernels[0].startsWith('Downhill'), `fused kernels: ${fused.kernels.join(', ')}`);
              assert.ok(reference.kernels.length > 1, `reference kernels: ${reference.kernels.join(', ')}`);
              assert.equal(fused.values.length, reference.values.length, 'the state has the same tensors');
              fused.values.forEach((values, t) => {
                assert.equal(values.length, reference.values[t].length);
                values.forEach((v, i) => {
                  const r = reference.values[t][i];
                  if (!(Math.abs(v - r) <= TOL * Math.max(1, Math.abs(r)))) assert.fail(`tensor ${t}, element ${i}: fused ${v}, reference ${r}`);
                });
              });
            });
          }
        });
      }
    });
  }
});

/**
 * LARGE_STEPS updates of one LARGE-element parameter (gradients that vary with θ), fused
 * or the reference; the kernels of the last update (tf.profile) and, after it, θ and
 * every state tensor's values.
 */
async function trainLarge(make: () => dh.optim.GradientTransformation, fused: boolean): Promise<{ kernels: string[]; values: Float32Array[] }> {
  const transform = make();
  const params = { w: tf.variable(tf.tidy(() => tf.sin(tf.mul(tf.range(0, LARGE), 0.37)))) };
  const target = tf.tidy(() => tf.cos(tf.mul(tf.range(0, LARGE), 0.11)));
  let state = tf.tidy(() => transform.init(params) as tf.TensorContainer) as unknown;
  let kernels: string[] = [];
  for (let i = 0; i < LARGE_STEPS; i++) {
    const grads = tf.tidy(() => ({ w: tf.mul(tf.sub(tf.tanh(params.w), target), 2) }));
    const profile = await tf.profile(() => {
      const next = tf.tidy(() =>
        (fused ? transform.fused!.apply(params, grads, state) : updateInPlace(transform, params, grads, state)) as tf.TensorContainer,
      );
      disposeReplaced(state, next);
      state = next;
    });
    kernels = profile.kernels.map((k) => k.name);
    tf.dispose(grads.w);
  }
  const tensors = [params.w, ...tensorsIn(state)];
  const values = await Promise.all(tensors.map(async (t) => (await t.data()) as Float32Array));
  tf.dispose([state as tf.TensorContainer, params.w, target]);
  return { kernels, values };
}

/** The tensors in a state, in order. */
function tensorsIn(state: unknown): tf.Tensor[] {
  if (state instanceof tf.Tensor) return [state];
  if (state && typeof state === 'object') return Object.values(state).flatMap(tensorsIn);
  return [];
}

/** Runs `descend` with fusion on and checks every parameter against PyTorch's (float64) to 1e-5 relative, as the fixture tests do. */
async function fusedMatchesTorch(what: string, optimizer: dh.optim.GradientTransformation, run: { problem: ReferenceRun['problem']; start: number[]; steps: number; params: number[][] }) {
  assert.ok(optimizer.fused, `${what} is fused`);
  const history = await dh.descend({ f: problem(run.problem), start: run.start, optimizer, steps: run.steps });
  history.steps.forEach((s, i) =>
    s.params!.forEach((v, j) => {
      const expected = run.params[i][j];
      assert.ok(relativeDeviation(v, expected) <= 1e-5, `${what}: param ${j} after step ${i + 1}: fused ${v}, PyTorch ${expected}`);
    }),
  );
}

describe('fused optimizer updates match PyTorch (../shared/reference: torch-optimizers.json, torch2-optimizers.json)', function () {
  this.timeout(300000);
  const reference = loadReference();
  const torch2 = loadTorch2Reference().optimizers.filter((r) => !r.param_groups);
  let previous: boolean;
  before(() => (previous = optim.setFusedUpdates(true)));
  after(async () => {
    optim.setFusedUpdates(previous);
    await dh.runtime.init();
  });

  for (const backend of BACKENDS) {
    it(`every run of both fixtures whose optimizer is fused, on ${backend}`, async () => {
      await dh.runtime.init({ backend });
      for (const run of reference.optimizers) await fusedMatchesTorch(describeRun(run), optimizerFor(run), run);
      let fused = 0;
      for (const run of torch2) {
        const optimizer = namedOptimizer(run.optimizer)!(camelOptions(run.options));
        if (!optimizer.fused) continue; // rprop and asgd have no fused update
        await fusedMatchesTorch(run.id, optimizer, run);
        fused++;
      }
      assert.ok(fused >= torch2.length / 2, `${fused} of ${torch2.length} PyTorch 2.x runs are fused`);
    });
  }
});
