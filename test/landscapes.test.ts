import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import * as dh from '../src';
import { expectDownhillError, initRuntime } from './helpers/setup';

const ALL = () => [
  dh.landscapes.parabola(),
  dh.landscapes.quadratic({ scales: [1, 25] }),
  dh.landscapes.quadratic({ scales: [1, 10], rotation: Math.PI / 4, center: [1, -1] }),
  dh.landscapes.rosenbrock(),
  dh.landscapes.himmelblau(),
  dh.landscapes.beale(),
  dh.landscapes.doubleWell(),
  dh.landscapes.saddle(),
];

function gradientAt(l: dh.landscapes.Landscape, point: number[]): number[] {
  return tf.tidy(() => Array.from(tf.grad((p: tf.Tensor) => l.f(p))(tf.tensor1d(point)).dataSync()));
}

describe('landscapes with known minima', () => {
  before(initRuntime);

  for (const l of ALL()) {
    it(`${l.name}: each listed minimum has the listed value, zero gradient, and higher neighbours`, () => {
      for (const m of l.minima) {
        assert.ok(Math.abs(l.value(m.point) - m.value) < 1e-4, `f(${m.point}) = ${l.value(m.point)}, listed ${m.value}`);
        const g = gradientAt(l, m.point);
        assert.ok(Math.hypot(...g) < 2e-3, `gradient at ${m.point}: ${g}`);
        for (let d = 0; d < l.dims; d++) {
          for (const step of [-0.05, 0.05]) {
            const q = [...m.point];
            q[d] += step;
            assert.ok(l.value(q) > m.value, `f rises away from ${m.point}`);
          }
        }
      }
      assert.equal(l.minima.filter((m) => m.global).length > 0, l.minima.length > 0);
      for (const s of l.saddles) assert.ok(Math.hypot(...gradientAt(l, s)) < 1e-6);
    });
  }

  it('the double well has a deeper left valley when tilted, and two distinct minima', () => {
    const l = dh.landscapes.doubleWell({ tilt: 0.3 });
    assert.equal(l.minima.length, 2);
    const [left, right] = l.minima;
    assert.ok(left.point[0] < 0 && right.point[0] > 0);
    assert.ok(left.global && !right.global);
  });

  it('the saddle goes up along x and down along y', () => {
    const s = dh.landscapes.saddle();
    assert.ok(s.value([0.5, 0]) > 0 && s.value([0, 0.5]) < 0);
  });

  it('grid evaluates z[j][i] = f(x_i, y_j) in one batched call', () => {
    const l = dh.landscapes.rosenbrock();
    const xs = [-1, 0, 1];
    const ys = [0, 1];
    const z = l.grid(xs, ys);
    assert.equal(z.length, 2);
    assert.equal(z[0].length, 3);
    assert.ok(Math.abs(z[1][2] - l.value([1, 1])) < 1e-6);
    assert.ok(Math.abs(z[0][0] - l.value([-1, 0])) < 1e-4);
  });

  it('curve evaluates a 1-D landscape', () => {
    assert.deepEqual(dh.landscapes.parabola().curve([0, 2, 5]), [4, 0, 9]);
  });

  it('bad input: a point with the wrong number of coordinates', () =>
    expectDownhillError(() => dh.landscapes.rosenbrock().f(tf.tensor1d([1, 2, 3])), /expected a point with 2 coordinates, got shape \[3\]/));

  it('descend follows a landscape to its minimum (Adam on Rosenbrock)', async () => {
    const l = dh.landscapes.rosenbrock();
    const h = await dh.descend({ f: l, start: l.start, optimizer: dh.optim.adam({ lr: 0.02 }), steps: 3000 });
    const [x, y] = h.trajectory().at(-1)!;
    assert.ok(Math.hypot(x - 1, y - 1) < 0.05, `ended at (${x}, ${y})`);
    assert.deepEqual(h.paramNames, ['x', 'y']);
  });

  it('restarts from different points end in different Himmelblau minima', async () => {
    const l = dh.landscapes.himmelblau();
    const found = new Set<number>();
    for (const start of [[4, 4], [-4, 4], [-4, -4], [4, -4]]) {
      const h = await dh.descend({ f: l, start, optimizer: dh.optim.sgd({ lr: 0.01 }), steps: 300 });
      const end = h.trajectory().at(-1)!;
      const nearest = l.minima.findIndex((m) => Math.hypot(m.point[0] - end[0], m.point[1] - end[1]) < 1e-2);
      assert.ok(nearest >= 0, `ended at ${end}`);
      found.add(nearest);
    }
    assert.equal(found.size, 4);
  });
});
