import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import * as dh from '../src';
import { expectDownhillError, initRuntime } from './helpers/setup';

/**
 * Schedule-free SGD / AdamW against a trajectory computed here in float64, written
 * independently of src/optim/schedule_free.ts: the authors' reference form
 * (facebookresearch/schedule_free), which keeps y and z only and updates y in place:
 *   y ← lerp(y, z, c) + η·(β·(1 − c) − 1)·d ;  z ← z − η·d ;  x = (y − (1 − β)·z) / β
 * Tolerance: |ours − reference| ≤ 1e-5 · max(1, |reference|) (float32 against float64).
 */
const TOL = 1e-5;

const f = (w: number[]) => (1 - w[0]) ** 2 + 5 * (w[1] - w[0] ** 2) ** 2;
const grad = (w: number[]) => [-2 * (1 - w[0]) - 20 * w[0] * (w[1] - w[0] ** 2), 10 * (w[1] - w[0] ** 2)];

interface Settings {
  lr: number;
  beta: number;
  adam?: { b2: number; eps: number };
  wd: number;
  warmup: number;
  r: number;
  power: number;
}

function referenceTrajectory(s: Settings, start: number[], steps: number) {
  let y = [...start];
  let z = [...start];
  let v = [0, 0];
  let lrMax = -1;
  let weightSum = 0;
  const out: { y: number[]; x: number[]; loss: number }[] = [];
  for (let k = 0; k < steps; k++) {
    const loss = f(y);
    const g = grad(y);
    const sched = k < s.warmup ? (k + 1) / s.warmup : 1;
    const lr = s.lr * sched * (s.adam ? Math.sqrt(1 - s.adam.b2 ** (k + 1)) : 1);
    lrMax = Math.max(lr, lrMax);
    const weight = (k + 1) ** s.r * lrMax ** s.power;
    weightSum += weight;
    const c = weight / weightSum;
    let d = g;
    if (s.adam) {
      const { b2, eps } = s.adam;
      v = v.map((vi, i) => b2 * vi + (1 - b2) * g[i] ** 2);
      d = g.map((gi, i) => gi / (Math.sqrt(v[i]) + eps));
    }
    d = d.map((di, i) => di + s.wd * y[i]);
    y = y.map((yi, i) => yi + c * (z[i] - yi) + lr * (s.beta * (1 - c) - 1) * d[i]);
    z = z.map((zi, i) => zi - lr * d[i]);
    out.push({ loss, y: [...y], x: y.map((yi, i) => (yi - (1 - s.beta) * z[i]) / s.beta) });
  }
  return out;
}

function close(actual: number, expected: number, what: string) {
  assert.ok(Math.abs(actual - expected) <= TOL * Math.max(1, Math.abs(expected)), `${what}: got ${actual}, reference ${expected}`);
}

async function run(optimizer: dh.optim.GradientTransformation, start: number[], steps: number) {
  const w = tf.tidy(() => tf.variable(tf.tensor1d(start)));
  const opt = new dh.optim.Optimizer({ w }, optimizer);
  const out: { y: number[]; x: number[]; loss: number }[] = [];
  for (let i = 0; i < steps; i++) {
    const loss = await opt.step(() => {
      const a = w.slice(0, 1).sum();
      const b = w.slice(1, 1).sum();
      return tf.add(tf.square(tf.sub(1, a)), tf.mul(5, tf.square(tf.sub(b, tf.square(a)))));
    });
    out.push({ loss, y: Array.from(await w.data()), x: Array.from(await dh.optim.scheduleFreeEvalParams(opt.state).w.data()) });
  }
  opt.dispose();
  w.dispose();
  return out;
}

function compare(ours: { y: number[]; x: number[]; loss: number }[], reference: { y: number[]; x: number[]; loss: number }[]) {
  reference.forEach((r, i) => {
    close(ours[i].loss, r.loss, `loss before step ${i + 1}`);
    r.y.forEach((v, j) => close(ours[i].y[j], v, `y[${j}] after step ${i + 1}`));
    r.x.forEach((v, j) => close(ours[i].x[j], v, `x[${j}] (eval params) after step ${i + 1}`));
  });
}

describe('schedule-free SGD and AdamW (Defazio et al. 2024)', () => {
  before(initRuntime);
  const start = [-1.2, 1.0];

  it('scheduleFreeSgd follows the reference trajectory (warm-up, weight decay), y and the evaluation point x', async () => {
    const s: Settings = { lr: 0.02, beta: 0.9, wd: 0.01, warmup: 5, r: 0, power: 2 };
    const ours = await run(dh.optim.scheduleFreeSgd({ lr: 0.02, momentum: 0.9, weightDecay: 0.01, warmupSteps: 5 }), start, 40);
    compare(ours, referenceTrajectory(s, start, 40));
  });

  it('scheduleFreeAdamw follows the reference trajectory (defaults but lr; then r, weightLrPower, betas)', async () => {
    compare(await run(dh.optim.scheduleFreeAdamw({ lr: 0.05 }), start, 40),
      referenceTrajectory({ lr: 0.05, beta: 0.9, adam: { b2: 0.999, eps: 1e-8 }, wd: 0, warmup: 0, r: 0, power: 2 }, start, 40));
    compare(await run(dh.optim.scheduleFreeAdamw({ lr: 0.03, betas: [0.95, 0.99], weightDecay: 0.1, warmupSteps: 8, r: 1, weightLrPower: 1 }), start, 40),
      referenceTrajectory({ lr: 0.03, beta: 0.95, adam: { b2: 0.99, eps: 1e-8 }, wd: 0.1, warmup: 8, r: 1, power: 1 }, start, 40));
  });

  it('the evaluation point x is the weighted average of z, and y interpolates z and x: checked on the state', async () => {
    const w = tf.variable(tf.tensor1d([3, -2]));
    const opt = new dh.optim.Optimizer({ w }, dh.optim.scheduleFreeSgd({ lr: 0.1, momentum: 0.8 }));
    for (let i = 0; i < 5; i++) await opt.step(() => tf.sum(tf.square(w)));
    const state = opt.state as { z: Record<string, tf.Tensor>; x: Record<string, tf.Tensor> };
    const y = await w.data();
    const z = await state.z.w.data();
    const x = await state.x.w.data();
    for (let i = 0; i < 2; i++) close(y[i], 0.2 * z[i] + 0.8 * x[i], `y[${i}] = (1 − β)·z + β·x`);
    opt.dispose();
    w.dispose();
  });

  it('refuses bad options by the name the user wrote, and a state without x', async () => {
    await expectDownhillError(() => dh.optim.scheduleFreeAdamw({ betas: [0.9, 1.5] }), /betas\[1\]/);
    await expectDownhillError(() => dh.optim.scheduleFreeSgd({ momentum: 1 }), /momentum/);
    await expectDownhillError(() => dh.optim.scheduleFreeEvalParams({ count: 1 }), /no schedule-free average/);
  });

  it('frees its tensors: a run does not grow tf.memory().numTensors', async () => {
    const before = tf.memory().numTensors;
    await run(dh.optim.scheduleFreeAdamw({ lr: 0.01, weightDecay: 0.1 }), start, 10);
    assert.equal(tf.memory().numTensors, before);
  });
});
