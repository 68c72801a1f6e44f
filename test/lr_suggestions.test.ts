import { strict as assert } from 'assert';
import * as dh from '../src';
import { minimum, slide, steep, valley } from '../src/train/lr_suggestions';
import { initRuntime } from './helpers/setup';

/** fast.ai's valley / slide / minimum / steep, on curves traced by hand (fastai/callback/schedule.py). */
describe("lrRangeTest suggestions as fast.ai's (valley, slide, minimum, steep)", () => {
  before(initRuntime);

  it('valley: the longest run down is losses[0..4]; the suggestion sits at max_start + ⌊sections⌋ + ⌊sections/2⌋', () => {
    // lds = [1,2,3,4,5,4,3]: max_end 4, max_start 4 − 5 = −1, sections 5/3: index −1 + 1 + 0 = 0.
    assert.equal(valley([1, 2, 3, 4, 5, 6, 7], [5, 4, 3, 2, 1, 2, 3]), 1);
    // A longer valley: lds reaches 8 at index 7 (losses 10..3), max_start 7 − 8 = −1, sections 8/3: index −1 + 2 + 1 = 2.
    assert.equal(valley([10, 20, 30, 40, 50, 60, 70, 80, 90], [10, 9, 8, 7, 6, 5, 4, 3, 8]), 30);
  });

  it('slide: moves left until the gradient (np.gradient) agrees at both ends of the interval', () => {
    // gradient [-1, -1, -1, -0.5, 0, 2, 4]; with lrDiff 2 the interval stops at (0, 2): suggestion lrs[1].
    assert.equal(slide([1, 2, 3, 4, 5, 6, 7], [4, 3, 2, 1, 1, 1, 5], 2), 2);
  });

  it('minimum: a tenth of the lr at the lowest loss; steep: where the loss falls fastest per log(lr)', () => {
    const lrs = [1, 2, 4, 8, 16];
    const losses = [5, 4, 2, 1.5, 3];
    assert.equal(minimum(lrs, losses), 0.8);
    assert.equal(steep(lrs, losses), 2);
  });

  it('lrRangeTest reports the four suggestions, each a learning rate it tried', async () => {
    const rng = new dh.Random(2);
    const x = Array.from({ length: 128 }, () => [rng.normal(), rng.normal()]);
    const data = { x, y: x.map(([a, b]) => [3 * a - 2 * b + 1]) };
    const model = dh.models.linear({ inputs: 2 });
    const result = await dh.lrRangeTest({ model, loss: dh.losses.mse, data, optimizer: (lr) => dh.optim.sgd({ lr }), minLr: 1e-4, maxLr: 10, steps: 60, batchSize: 16 });
    const { valley: v, slide: s, minimum: m, steep: st } = result.suggestions;
    for (const lr of [v, s, st]) assert.ok(result.lrs.includes(lr), `${lr} is one of the learning rates tried`);
    assert.ok(result.lrs.includes(m * 10));
    assert.ok(v < result.minLossLr, 'valley suggests below the loss minimum');
    dh.models.disposeModel(model);
  });
});
