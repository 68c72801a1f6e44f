import { strict as assert } from 'assert';
import * as dh from '../src';
import { expectDownhillError, initRuntime } from './helpers/setup';

const { schedules } = dh;

describe('schedules', () => {
  it('constant', () => assert.deepEqual(schedules.values(schedules.constant(0.1), 3), [0.1, 0.1, 0.1]));

  it('linearDecay goes from lr0 to lr0·lrf in a straight line (YOLO lr0=0.01, lrf=0.01)', () => {
    const s = schedules.linearDecay({ lr: 0.01, lrf: 0.01, totalSteps: 100 });
    assert.equal(s(0), 0.01);
    assert.ok(Math.abs(s(100) - 0.0001) < 1e-15);
    assert.ok(Math.abs(s(50) - (0.01 + 0.0001) / 2) < 1e-15, 'halfway is the midpoint');
    assert.equal(s(150), s(100), 'flat after the end');
  });

  it('oneCycle with linear annealing rises then falls through maxLr', () => {
    const s = schedules.oneCycle({ maxLr: 1, totalSteps: 12, pctStart: 0.5, anneal: 'linear' });
    const v = schedules.values(s, 12);
    const peak = v.indexOf(Math.max(...v));
    assert.equal(v[peak], 1);
    assert.ok(v.slice(0, peak + 1).every((x, i, a) => i === 0 || x > a[i - 1]));
    assert.ok(v.slice(peak).every((x, i, a) => i === 0 || x < a[i - 1]));
  });

  it('join: warm-up then cosine, each counted from its own start', () => {
    const warm = schedules.linearWarmup({ lr: 0.1, startFactor: 0.1, totalIters: 5 });
    const cos = schedules.cosine({ lr: 0.1, tMax: 10 });
    const s = schedules.join([warm, cos], [5]);
    assert.equal(s(0), warm(0));
    assert.equal(s(4), warm(4));
    assert.equal(s(5), cos(0));
    assert.equal(s(15), cos(10));
  });

  it('bad input: a join with the wrong number of boundaries', () =>
    expectDownhillError(() => schedules.join([schedules.constant(1), schedules.constant(2)], []), /2 schedules need 1 boundaries, got 0/));

  it('bad input: a negative base learning rate', () => expectDownhillError(() => schedules.cosine({ lr: -1, tMax: 10 }), /greater than 0/));

  it('bad input: a fractional step', () => expectDownhillError(() => schedules.exponential({ lr: 1, gamma: 0.9 })(1.5), /'step' must be a whole number/));

  it('bad input: torch spellings are pointed to the right names', () =>
    expectDownhillError(() => schedules.step({ lr: 1, step_size: 10 } as never), /unknown option 'step_size'/, /did you mean 'stepSize'/));

  it('oneCycle past totalSteps is an error, as in PyTorch (it used to climb back up)', () => {
    const s = schedules.oneCycle({ maxLr: 0.1, totalSteps: 10 });
    s(10);
    return expectDownhillError(() => s(11), /step 11 is past totalSteps \(10\)/, /totalSteps to the number of updates/);
  });

  it('multiStep: milestones must be in order', () =>
    expectDownhillError(() => schedules.multiStep({ lr: 0.1, milestones: [20, 10] }), /'milestones' must be in increasing order/, /\[10, 20\]/));

  it('cyclic: an unknown mode is refused', () =>
    expectDownhillError(() => schedules.cyclic({ baseLr: 0.01, maxLr: 0.1, mode: 'exp_range' as never }), /'mode' must be one of 'triangular', 'triangular2', 'expRange'/));

  it('perEpoch steps an epoch-based schedule once per epoch', () => {
    const s = schedules.perEpoch(schedules.step({ lr: 1, stepSize: 1, gamma: 0.5 }), 3);
    assert.deepEqual(schedules.values(s, 7), [1, 1, 1, 0.5, 0.5, 0.5, 0.25]);
  });
});

describe('schedules that drive momentum (cycleMomentum) and watch a metric (reduceOnPlateau)', () => {
  before(initRuntime);

  const run = async (optimizer: dh.optim.GradientTransformation) =>
    (await dh.descend({ f: dh.landscapes.quadratic(), start: [3, 1], optimizer, steps: 20 })).trajectory();

  it("oneCycle sets sgd's momentum and adam's beta1 from its momentum schedule, as PyTorch does", async () => {
    const cycle = schedules.oneCycle({ maxLr: 0.1, totalSteps: 20 }) as dh.schedules.MomentumCycle;
    const lrOnly = (t: number) => cycle(t);
    assert.deepEqual(await run(dh.optim.sgd({ lr: cycle, momentum: 0.9 })), await run(dh.optim.sgd({ lr: lrOnly, momentum: cycle.momentum })));
    assert.deepEqual(await run(dh.optim.adam({ lr: cycle })), await run(dh.optim.adam({ lr: lrOnly, betas: [cycle.momentum, 0.999] })));
    assert.notDeepEqual(await run(dh.optim.sgd({ lr: cycle })), await run(dh.optim.sgd({ lr: lrOnly })));
  });

  it('cycleMomentum: false leaves momentum alone', async () => {
    const lr = schedules.oneCycle({ maxLr: 0.1, totalSteps: 20, cycleMomentum: false });
    assert.deepEqual(await run(dh.optim.sgd({ lr })), await run(dh.optim.sgd({ lr: (t) => lr(t) })));
  });

  it('an optimizer without momentum refuses a schedule that cycles it', () =>
    expectDownhillError(() => dh.optim.adagrad({ lr: schedules.cyclic({ baseLr: 0.01, maxLr: 0.1 }) }), /adagrad has no momentum or beta1/, /cycleMomentum: false/));

  it('reduceOnPlateau in fit: the lr drops after `patience` epochs without improvement', async () => {
    const lr = schedules.reduceOnPlateau({ lr: 0.5, patience: 1, factor: 0.5, monitor: 'loss' });
    const model = dh.models.linear();
    // A learning rate that is far too large: the loss grows, so the lr must drop.
    const h = await dh.fit({ model, loss: dh.losses.mse, data: { x: [1, 2, 3, 4], y: [3, 5, 7, 9] }, optimizer: dh.optim.sgd({ lr }), epochs: 6, batchSize: 'full', callbacks: [lr], onDivergence: 'stop' });
    dh.models.disposeModel(model);
    const lrs = h.epochValues('lr');
    assert.ok(lrs.at(-1)! < 0.5, `lr per epoch: ${lrs}`);
  });

  it('reduceOnPlateau refuses monitor valLoss without validation data', () => {
    const lr = schedules.reduceOnPlateau({ lr: 0.1, monitor: 'valLoss' });
    return expectDownhillError(() => lr.onEpoch({ loss: 1 }), /no validation data/);
  });
});
