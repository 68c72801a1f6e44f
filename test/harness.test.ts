import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import * as dh from '../src';
import { expectDownhillError, initRuntime } from './helpers/setup';

function regression(n: number, seed: number) {
  const rng = new dh.Random(seed);
  const x = Array.from({ length: n }, () => [rng.normal(), rng.normal()]);
  const y = x.map(([a, b]) => [2 * a - b + 0.5 + 0.1 * rng.normal()]);
  return { x, y };
}

describe('the fair comparison harness (benchmarkOptimizers)', () => {
  before(initRuntime);
  const train = regression(64, 1);
  const validation = regression(32, 2);
  const run = (optimizer: dh.optim.GradientTransformation, trial: dh.Trial) =>
    dh.fit({ model: dh.models.mlp({ sizes: [2, 4, 1], seed: trial.seed }), loss: dh.losses.mse, data: train, validation, optimizer, batchSize: 16, epochs: 3, seed: trial.seed, label: trial.label, onDivergence: 'stop' });
  const optimizers = {
    sgd: { make: ({ lr }: Record<string, number>) => dh.optim.sgd({ lr, momentum: 0.9 }), grid: { lr: dh.logGrid(1e-3, 1e-1, 3) } },
    adam: { make: ({ lr }: Record<string, number>) => dh.optim.adam({ lr }), grid: { lr: dh.logGrid(1e-3, 1e-1, 3) } },
  };

  it('same budget for each, several seeds, the best configuration chosen on validation loss (mean over seeds), mean and spread, steps to target; models disposed', async () => {
    const before = tf.memory().numTensors;
    const result = await dh.benchmarkOptimizers({ optimizers, run, seeds: [0, 1], targetLoss: 1.0 });
    assert.equal(tf.memory().numTensors, before, 'every model is disposed');
    assert.equal(result.trials.length, 2 * 3 * 2);
    for (const row of result.table) {
      const mine = result.trials.filter((t) => t.optimizer === row.optimizer);
      assert.equal(row.runs, 6);
      // Recompute the choice from the trials: the lowest mean validation loss.
      const means = [1e-3, 1e-2, 1e-1].map((lr) => {
        const ls = mine.filter((t) => t.config.lr === lr).map((t) => t.valLoss);
        return { lr, mean: (ls[0] + ls[1]) / 2, sd: Math.abs(ls[0] - ls[1]) / Math.SQRT2 };
      });
      const best = means.reduce((a, b) => (b.mean < a.mean ? b : a));
      assert.equal(result.best[row.optimizer].lr, best.lr);
      assert.equal(row.best, `lr=${best.lr}`);
      assert.ok(Math.abs(row.valLossMean - best.mean) < 1e-12);
      assert.ok(Math.abs(row.valLossStd - best.sd) < 1e-9);
      // The validation loss is the last epoch's, as the histories say.
      for (const t of mine) assert.equal(t.valLoss, t.history.epochs.at(-1)!.valLoss);
      const chosen = mine.filter((t) => t.config.lr === best.lr);
      const reached = chosen.filter((t) => t.history.epochs.some((e) => e.valLoss! <= 1.0));
      assert.equal(row.reached, `${reached.length}/2`);
      if (reached.length) {
        const firstSteps = reached.map((t) => t.history.epochs.find((e) => e.valLoss! <= 1.0)!.steps);
        assert.equal(row.stepsToTarget, firstSteps.reduce((a, b) => a + b, 0) / reached.length);
      }
    }
    const fig = dh.plot.tuningCurves(result);
    assert.deepEqual(fig.data.filter((t) => t.showlegend !== false).map((t) => t.x), [[0.001, 0.01, 0.1], [0.001, 0.01, 0.1]]);
  });

  it('seeds are reproducible: the same seeds give the same numbers, other seeds other numbers', async () => {
    const once = await dh.benchmarkOptimizers({ optimizers, run, seeds: [3] });
    const again = await dh.benchmarkOptimizers({ optimizers, run, seeds: [3] });
    const other = await dh.benchmarkOptimizers({ optimizers, run, seeds: [4] });
    const losses = (r: dh.BenchmarkResult) => r.trials.map((t) => t.valLoss);
    assert.deepEqual(losses(again), losses(once));
    assert.notDeepEqual(losses(other), losses(once));
  });

  it('a grid larger than the budget is sampled (seeded); a smaller one is refused; runs need validation', async () => {
    const wide = { make: ({ lr }: Record<string, number>) => dh.optim.sgd({ lr }), grid: { lr: dh.logGrid(1e-3, 1, 5) } };
    const narrow = { make: ({ lr }: Record<string, number>) => dh.optim.adam({ lr }), grid: { lr: [1e-2, 1e-3] } };
    const a = await dh.benchmarkOptimizers({ optimizers: { wide, narrow }, run, seeds: [0], searchSeed: 7 });
    const b = await dh.benchmarkOptimizers({ optimizers: { wide, narrow }, run, seeds: [0], searchSeed: 7 });
    assert.equal(a.budget, 2);
    const wideLrs = (r: dh.BenchmarkResult) => r.trials.filter((t) => t.optimizer === 'wide').map((t) => t.config.lr);
    assert.equal(wideLrs(a).length, 2);
    assert.deepEqual(wideLrs(b), wideLrs(a));
    await expectDownhillError(() => dh.benchmarkOptimizers({ optimizers: { wide, narrow }, run, budget: 3 }), /'narrow' has 2 configurations, fewer than the budget of 3/);
    await expectDownhillError(
      () => dh.benchmarkOptimizers({ optimizers: { narrow }, seeds: [0], run: (o, t) => dh.fit({ model: dh.models.linear({ inputs: 2 }), loss: dh.losses.mse, data: train, optimizer: o, epochs: 1, label: t.label }) }),
      /no validation loss/,
    );
    assert.deepEqual(dh.logGrid(1e-4, 1, 5), [1e-4, 1e-3, 1e-2, 1e-1, 1]);
  });
});
