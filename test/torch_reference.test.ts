import { strict as assert } from 'assert';
import * as dh from '../src';
import { describeRun, loadReference, optimizerFor, problem } from './helpers/reference';
import { initRuntime } from './helpers/setup';

/**
 * downhill runs in float32, PyTorch's reference in float64. Measured deviation is
 * about 1e-6 relative; we require |ours − torch| ≤ tol · max(1, |torch|) with
 * tol = 1e-5 for parameters and learning rates and 5e-5 for losses (Rosenbrock's
 * loss subtracts nearly equal numbers, which costs float32 digits).
 */
const PARAM_TOL = 1e-5;
const LOSS_TOL = 5e-5;

function close(actual: number, expected: number, tol: number, what: string): void {
  const err = Math.abs(actual - expected);
  assert.ok(err <= tol * Math.max(1, Math.abs(expected)), `${what}: got ${actual}, PyTorch ${expected} (error ${err.toExponential(2)})`);
}

describe('numbers match PyTorch (../shared/reference/torch-optimizers.json)', () => {
  const reference = loadReference();
  before(initRuntime);

  it('covers every optimizer and both clipping modes', () => {
    const names = new Set(reference.optimizers.map((r) => r.optimizer));
    for (const n of ['sgd', 'adagrad', 'rmsprop', 'adam', 'adamw']) assert.ok(names.has(n as never), n);
    assert.ok(reference.optimizers.some((r) => 'clip_norm' in r.options));
    assert.ok(reference.optimizers.some((r) => 'clip_value' in r.options));
  });

  for (const run of reference.optimizers) {
    it(`${describeRun(run)}: ${run.steps} steps`, async () => {
      const history = await dh.descend({ f: problem(run.problem), start: run.start, optimizer: optimizerFor(run), steps: run.steps });
      assert.equal(history.steps.length, run.steps);
      history.steps.forEach((s, i) => {
        close(s.loss, run.loss_before_step[i], LOSS_TOL, `loss before step ${i + 1}`);
        s.params!.forEach((v, j) => close(v, run.params[i][j], PARAM_TOL, `param ${j} after step ${i + 1}`));
      });
    });
  }

  const build: Record<string, (base: number, o: Record<string, number>, steps: number) => dh.schedules.Schedule> = {
    step: (lr, o) => dh.schedules.step({ lr, stepSize: o.step_size, gamma: o.gamma }),
    exponential: (lr, o) => dh.schedules.exponential({ lr, gamma: o.gamma }),
    cosine: (lr, o) => dh.schedules.cosine({ lr, tMax: o.t_max, etaMin: o.eta_min }),
    linear_warmup: (lr, o) => dh.schedules.linearWarmup({ lr, startFactor: o.start_factor, totalIters: o.total_iters }),
    one_cycle: (_, o, steps) => dh.schedules.oneCycle({ maxLr: o.max_lr, totalSteps: steps }),
    inverse_time: (lr, o) => dh.schedules.inverseTime({ lr, k: o.k }),
  };

  for (const s of reference.schedules) {
    it(`schedule ${s.schedule}(${JSON.stringify(s.options)}) gives PyTorch's ${s.steps} learning rates`, () => {
      assert.ok(build[s.schedule], `no builder for ${s.schedule}`);
      const values = dh.schedules.values(build[s.schedule](s.base_lr, s.options, s.steps), s.steps);
      values.forEach((v, i) => close(v, s.lr[i], 1e-12, `lr at step ${i}`));
    });
  }

  it('a schedule drives the optimizer: the lr recorded per step is the schedule\'s value', async () => {
    const schedule = dh.schedules.step({ lr: 0.1, stepSize: 3, gamma: 0.5 });
    const h = await dh.descend({ f: dh.landscapes.parabola(), start: 5, optimizer: dh.optim.sgd({ lr: schedule }), steps: 7 });
    assert.deepEqual(h.stepValues('lr'), dh.schedules.values(schedule, 7));
  });
});
