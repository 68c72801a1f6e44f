import { strict as assert } from 'assert';
import * as path from 'path';
import * as dh from '../src';
import { readNotebook } from '../src/notebook/nbformat';
import { executeNotebook } from '../src/notebook/runner';
import { ROOT } from './helpers/notebooks';
import { expectDownhillError, initRuntime } from './helpers/setup';

/** What lessons 01, 02 and 07 rely on from the library, and proof that their key checks can fail. */
describe('lessons 01, 02, 07: library parts', () => {
  before(initRuntime);

  // Lesson 2's loss, J(w, b) = 1/(2N) Σ (w x + b − y)², and its gradient.
  const X = [1, 2, 3, 4];
  const Y = [3, 5, 7, 9];
  const J = ([w, b]: number[]) => X.reduce((s, x, i) => s + (w * x + b - Y[i]) ** 2, 0) / (2 * X.length);
  const rightGradient = ([w, b]: number[]) => [X.reduce((s, x, i) => s + (w * x + b - Y[i]) * x, 0) / 4, X.reduce((s, x, i) => s + (w * x + b - Y[i]), 0) / 4];
  // A typical slip: the chain rule's factor x_i forgotten in ∂J/∂w.
  const wrongGradient = ([w, b]: number[]) => [X.reduce((s, x, i) => s + (w * x + b - Y[i]), 0) / 4, X.reduce((s, x, i) => s + (w * x + b - Y[i]), 0) / 4];

  it('check.gradient passes the right gradient and catches a wrong one, naming both', () => {
    const at = [0.3, -0.7];
    dh.check.gradient('right gradient', J, rightGradient(at), at);
    assert.ok(dh.check.relativeError(rightGradient(at), dh.check.numericalGradient(J, at)) < 1e-8);
    assert.throws(() => dh.check.gradient('wrong gradient', J, wrongGradient(at), at), (e: Error) => e instanceof dh.CheckError && /relative error/.test(e.message) && /central differences/.test(e.message));
    assert.throws(() => dh.check.gradient('too few values', J, [1], at), dh.CheckError);
  });

  it('numericalGradient and relativeError refuse bad input with a fix', async () => {
    await expectDownhillError(() => dh.check.numericalGradient(J, []), /non-empty list/);
    await expectDownhillError(() => dh.check.numericalGradient(J, [0, 0], 0), /positive/);
    await expectDownhillError(() => dh.check.relativeError([1], [1, 2]), /1 values against 2/);
  });

  it('basinsOf: every start lands where descend with optim.sgd lands', async () => {
    const himmelblau = dh.landscapes.himmelblau();
    const map = await dh.landscapes.basinsOf(himmelblau, { lr: 0.01, steps: 200, resolution: 7, range: [[-4.5, 4.5], [-4.5, 4.5]] });
    assert.equal(map.counts.reduce((s, c) => s + c, 0) + map.elsewhere, 49);
    assert.ok(map.counts.every((c) => c > 0), `every minimum has a basin: ${map.counts}`);
    for (const [i, j] of [[0, 0], [6, 6], [1, 5], [5, 1], [3, 2]]) {
      const h = await dh.descend({ f: himmelblau, start: [map.xs[i], map.ys[j]], optimizer: dh.optim.sgd({ lr: 0.01 }), steps: 200 });
      const end = h.trajectory().at(-1)!;
      const k = himmelblau.minima.findIndex((m) => Math.hypot(m.point[0] - end[0], m.point[1] - end[1]) <= 1e-2);
      assert.equal(map.basin[j][i], k, `start (${map.xs[i]}, ${map.ys[j]})`);
    }
    await expectDownhillError(() => dh.landscapes.basinsOf(dh.landscapes.parabola(), { lr: 0.1 }), /two-dimensional/);
    await expectDownhillError(() => dh.landscapes.basinsOf(himmelblau, { lr: -1 }), /lr must be a positive/);
  });

  it("contour colorBy 'end' and plot.basins: one colour and one legend entry per minimum reached", async () => {
    const himmelblau = dh.landscapes.himmelblau();
    const runs: Record<string, dh.History> = {};
    for (const [name, start] of [['a', [4, 4]], ['b', [3.5, 3]], ['c', [-4, -4]]] as const) {
      runs[name] = await dh.descend({ f: himmelblau, start: [...start], optimizer: dh.optim.sgd({ lr: 0.01 }), steps: 200, label: name });
    }
    const fig = dh.plot.contour(himmelblau, runs, { colorBy: 'end' });
    const paths = fig.data.filter((t) => t.legendgroup !== undefined && !String(t.name).endsWith('start / end'));
    const colors = paths.map((t) => (t.line as { color: string }).color);
    assert.equal(colors[0], colors[1], 'a and b end in the same minimum, so share a colour');
    assert.notEqual(colors[0], colors[2]);
    assert.deepEqual(paths.map((t) => t.showlegend), [true, false, true]);
    assert.match(String(paths[0].name), /ends at minimum \(3, 2\)/);
    const map = await dh.landscapes.basinsOf(himmelblau, { lr: 0.01, steps: 200, resolution: 5 });
    const basinsFig = dh.plot.basins(map, runs);
    const heat = basinsFig.data.find((t) => t.type === 'heatmap')!;
    // The heatmap's colour for minimum k is the colour of the paths that end there.
    const scale = heat.colorscale as [number, string][];
    const k = himmelblau.minima.findIndex((m) => m.point[0] === 3 && m.point[1] === 2);
    assert.equal(scale[2 * (k + 1)][1], colors[0]);
  });
});

describe('lesson 01: a claim made false makes its check fail', function () {
  this.timeout(300000);

  it("with 3 steps instead of 30, the check 'lr 0.01 is too small' fails (and only the final checks cell fails)", async () => {
    const file = path.join(ROOT, 'notebooks', '01-descent-on-a-curve.ipynb');
    const result = await executeNotebook(readNotebook(file), { cwd: path.dirname(file), parameters: { steps: 3 }, label: '01 with steps = 3', timeoutSeconds: 300 });
    assert.equal(result.failures.length, 1, result.failures.map((f) => f.message).join('\n'));
    const [failure] = result.failures;
    assert.equal(failure.codeCell, failure.codeCells, 'the failure is in the last code cell, the checks');
    assert.match(failure.message, /check failed: lr 0\.01 is too small/);
  });
});
