import * as tf from '@tensorflow/tfjs';
import { checkFiniteNumber, checkOptions, checkPositive } from '../validate';
import { Landscape, defineLandscape } from './landscape';

/** (w − center)²: the one-parameter bowl of the first lesson. */
export function parabola(options: { center?: number } = {}): Landscape {
  checkOptions('landscapes.parabola', options, ['center']);
  const c = checkFiniteNumber('landscapes.parabola', 'center', options.center ?? 2);
  return defineLandscape({
    name: 'parabola',
    formula: `J(w) = (w - ${c})^2`,
    dims: 1,
    expr: (w) => tf.square(tf.sub(w, c)),
    minima: [{ point: [c], value: 0, global: true }],
    domain: [[c - 4, c + 4]],
    start: [c + 3],
  });
}

/**
 * ½(a(x − cx)² + b(y − cy)²), optionally rotated: a bowl whose condition number
 * b/a sets how stretched the valley is (the harder for plain gradient descent).
 */
export function quadratic(options: { scales?: [number, number]; center?: [number, number]; rotation?: number } = {}): Landscape {
  checkOptions('landscapes.quadratic', options, ['scales', 'center', 'rotation']);
  const [a, b] = options.scales ?? [1, 10];
  checkPositive('landscapes.quadratic', 'scales[0]', a, '1');
  checkPositive('landscapes.quadratic', 'scales[1]', b, '10');
  const [cx, cy] = options.center ?? [0, 0];
  const theta = checkFiniteNumber('landscapes.quadratic', 'rotation', options.rotation ?? 0);
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const span = 3 * Math.max(1, Math.sqrt(b / a));
  return defineLandscape({
    name: `quadratic (condition ${b / a})`,
    formula: `\\tfrac12\\left(${a}\\,u^2 + ${b}\\,v^2\\right)`,
    dims: 2,
    expr: (x, y) => {
      const dx = tf.sub(x, cx);
      const dy = tf.sub(y, cy);
      const u = theta ? tf.add(tf.mul(dx, cos), tf.mul(dy, sin)) : dx;
      const v = theta ? tf.sub(tf.mul(dy, cos), tf.mul(dx, sin)) : dy;
      return tf.mul(tf.add(tf.mul(tf.square(u), a), tf.mul(tf.square(v), b)), 0.5);
    },
    minima: [{ point: [cx, cy], value: 0, global: true }],
    domain: [
      [cx - span, cx + span],
      [cy - span / 2, cy + span / 2],
    ],
    start: [cx + span * 0.8, cy + span * 0.3],
  });
}

/** Rosenbrock's banana valley, (a − x)² + b(y − x²)², minimum 0 at (a, a²). */
export function rosenbrock(options: { a?: number; b?: number } = {}): Landscape {
  checkOptions('landscapes.rosenbrock', options, ['a', 'b']);
  const a = options.a ?? 1;
  const b = options.b ?? 100;
  return defineLandscape({
    name: 'Rosenbrock',
    formula: `(${a} - x)^2 + ${b}\\,(y - x^2)^2`,
    dims: 2,
    expr: (x, y) => tf.add(tf.square(tf.sub(a, x)), tf.mul(tf.square(tf.sub(y, tf.square(x))), b)),
    minima: [{ point: [a, a * a], value: 0, global: true }],
    domain: [
      [-2, 2],
      [-1, 3],
    ],
    start: [-1.5, 2],
  });
}

/** Himmelblau's function: four minima of equal height 0, one local maximum between them. */
export function himmelblau(): Landscape {
  return defineLandscape({
    name: 'Himmelblau',
    formula: '(x^2 + y - 11)^2 + (x + y^2 - 7)^2',
    dims: 2,
    expr: (x, y) => tf.add(tf.square(tf.add(tf.square(x), tf.sub(y, 11))), tf.square(tf.add(x, tf.sub(tf.square(y), 7)))),
    minima: [
      { point: [3, 2], value: 0, global: true },
      { point: [-2.805118, 3.131312], value: 0, global: true },
      { point: [-3.77931, -3.283186], value: 0, global: true },
      { point: [3.584428, -1.848126], value: 0, global: true },
    ],
    domain: [
      [-5, 5],
      [-5, 5],
    ],
    start: [0, 0],
  });
}

/** Beale's function: a flat plateau and sharp ridges, minimum 0 at (3, 0.5). */
export function beale(): Landscape {
  const term = (c: number, x: tf.Tensor, y: tf.Tensor, power: number) => tf.square(tf.add(tf.sub(c, x), tf.mul(x, tf.pow(y, power))));
  return defineLandscape({
    name: 'Beale',
    formula: '(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2',
    dims: 2,
    expr: (x, y) => tf.addN([term(1.5, x, y, 1), term(2.25, x, y, 2), term(2.625, x, y, 3)]),
    minima: [{ point: [3, 0.5], value: 0, global: true }],
    domain: [
      [-4.5, 4.5],
      [-4.5, 4.5],
    ],
    start: [1, 1.5],
  });
}

/** x² − y²: a saddle at the origin, a minimum along x and a maximum along y (unbounded below). */
export function saddle(): Landscape {
  return defineLandscape({
    name: 'saddle',
    formula: 'x^2 - y^2',
    dims: 2,
    expr: (x, y) => tf.sub(tf.square(x), tf.square(y)),
    minima: [],
    saddles: [[0, 0]],
    domain: [
      [-2, 2],
      [-2, 2],
    ],
    start: [1.5, 0.001],
  });
}
