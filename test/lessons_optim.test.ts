import { strict as assert } from 'assert';
import * as dh from '../src';

/**
 * The key claims of lessons 05 and 10 are checks that can fail: these tests run the
 * lessons' experiments through the library with the one thing changed that would make
 * the claim false, and assert that the lesson's check would then fail.
 */
describe('lessons 05 and 10: their checks can fail', function () {
  this.timeout(120000);
  before(() => dh.runtime.init());

  const offCentre = dh.landscapes.quadratic({ scales: [1, 25], center: [3, 2] });
  const endOf = async (optimizer: dh.optim.GradientTransformation) =>
    (await dh.descend({ f: offCentre, start: [0, 0], optimizer, steps: 800 })).trajectory().at(-1)!;
  const box = [2.5, 2]; // the optimum (3, 2) clipped to ±1/λ with λ = 0.4

  it("05: 'AdamW ends at the optimum clipped to the box ±1/λ' holds for AdamW and fails for coupled decay (Adam + L2)", async () => {
    const decoupled = await endOf(dh.optim.adamw({ lr: 0.05, betas: [0.9, 0.95], weightDecay: 0.4 }));
    const coupled = await endOf(dh.optim.adam({ lr: 0.05, betas: [0.9, 0.95], weightDecay: 0.4 }));
    const off = (p: number[]) => Math.max(...p.map((v, i) => Math.abs(v - box[i])));
    assert.ok(off(decoupled) <= 1e-2, `AdamW ended at ${decoupled}`);
    assert.ok(off(coupled) > 1e-2, `Adam + L2 ended at ${coupled}, inside the check's tolerance`);
  });

  it("05: the per-direction rate check (√β* along the shallow direction) fails for the dampened (EMA) form of momentum", async () => {
    const bowl = dh.landscapes.quadratic({ scales: [1, 25] });
    const [lr, beta] = [1 / 9, 4 / 9]; // η*, β* for κ = 25
    const rate = async (optimizer: dh.optim.GradientTransformation) => {
      const x = (await dh.descend({ f: bowl, start: bowl.start, optimizer, steps: 80 })).trajectory().map((p) => Math.abs(p[0]));
      return (x[80] / x[20]) ** (1 / 60);
    };
    const predicted = Math.sqrt(beta);
    assert.ok(Math.abs((await rate(dh.optim.sgd({ lr, momentum: beta }))) - predicted) <= 0.03);
    assert.ok(Math.abs((await rate(dh.optim.sgd({ lr, momentum: beta, dampening: beta }))) - predicted) > 0.03);
  });

  it('plot.sweepCurves circles the lowest finite score and leaves diverged values as gaps', () => {
    const fig = dh.plot.sweepCurves({ a: { values: [0.1, 0.3, 1], scores: [0.5, 0.01, Infinity] } });
    assert.deepEqual(fig.data[0].y, [0.5, 0.01, null]);
    assert.deepEqual(fig.data[1].x, [0.3]);
    assert.match(fig.warnings!.join(' '), /a: diverged/);
    assert.throws(() => dh.plot.sweepCurves({ a: { values: [1, 2], scores: [1] } }), /as many scores as values/);
  });

  it('plot.comparisonDots draws every seed and starts its axis at 0', () => {
    const fig = dh.plot.comparisonDots({ Lion: [0.9, 0.92], Adam: [0.93, 0.95] }, { metric: 'test accuracy' });
    assert.deepEqual(fig.data[0].y, [0.9, 0.92]);
    assert.equal((fig.layout.yaxis as { rangemode?: string }).rangemode, 'tozero');
    assert.throws(() => dh.plot.comparisonDots({ Lion: [NaN] }), /no finite value/);
  });
});
