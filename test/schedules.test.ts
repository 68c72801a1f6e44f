import { strict as assert } from 'assert';
import * as dh from '../src';
import { expectDownhillError } from './helpers/setup';

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
});
