import * as tf from '@tensorflow/tfjs';
import { DownhillError } from './errors';

/** Parameters, gradients and updates are named tensors: `{ w: Tensor, b: Tensor }`. */
export type NamedTensors = Record<string, tf.Tensor>;

/** Applies `fn` to every tensor, keeping the names. */
export function mapNamed(tensors: NamedTensors, fn: (t: tf.Tensor, name: string) => tf.Tensor): NamedTensors {
  const out: NamedTensors = {};
  for (const name of Object.keys(tensors)) out[name] = fn(tensors[name], name);
  return out;
}

/** Applies `fn` to matching pairs; both must have the same names. */
export function zipNamed(
  a: NamedTensors,
  b: NamedTensors,
  fn: (x: tf.Tensor, y: tf.Tensor, name: string) => tf.Tensor,
  where = 'zipNamed',
): NamedTensors {
  const out: NamedTensors = {};
  for (const name of Object.keys(a)) {
    if (!(name in b)) {
      throw new DownhillError(
        `${where}: '${name}' is missing from the second set (it has ${Object.keys(b).join(', ') || 'no names'}).`,
        `pass updates with the same names as the parameters.`,
      );
    }
    out[name] = fn(a[name], b[name], name);
  }
  return out;
}

/** sqrt(sum of squares of every element of every tensor), as a scalar tensor. */
export function globalNorm(tensors: NamedTensors): tf.Scalar {
  return tf.tidy(() => {
    const squares = Object.values(tensors).map((t) => tf.sum(tf.square(t)));
    if (squares.length === 0) return tf.scalar(0);
    return tf.sqrt(tf.addN(squares)) as tf.Scalar;
  });
}

/** Number of scalar parameters. */
export function countElements(tensors: NamedTensors): number {
  return Object.values(tensors).reduce((n, t) => n + t.size, 0);
}

/** The names of every scalar in a flattened view: `w`, or `w[0]`, `w[1]`, ... */
export function flatNames(tensors: NamedTensors): string[] {
  const names: string[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    if (t.size === 1) names.push(name);
    else for (let i = 0; i < t.size; i++) names.push(`${name}[${i}]`);
  }
  return names;
}

/** All values, flattened in name order, as one 1-D tensor (one read instead of many). */
export function flatten(tensors: NamedTensors): tf.Tensor1D {
  return tf.tidy(() => {
    const parts = Object.values(tensors).map((t) => tf.reshape(t, [-1]));
    return (parts.length ? tf.concat(parts) : tf.zeros([0])) as tf.Tensor1D;
  });
}

/** Every tensor inside a nested structure of objects and arrays. */
export function tensorsIn(tree: unknown, out: tf.Tensor[] = []): tf.Tensor[] {
  if (tree instanceof tf.Tensor) out.push(tree);
  else if (Array.isArray(tree)) for (const x of tree) tensorsIn(x, out);
  else if (tree !== null && typeof tree === 'object') for (const x of Object.values(tree)) tensorsIn(x, out);
  return out;
}

/**
 * Disposes the tensors of `previous` that `next` no longer holds. An optimizer's
 * update returns a new state; the old state's tensors are garbage unless they were
 * passed through unchanged.
 */
export function disposeReplaced(previous: unknown, next: unknown): void {
  const kept = new Set(tensorsIn(next));
  for (const t of tensorsIn(previous)) if (!kept.has(t) && !t.isDisposed) t.dispose();
}

/** Disposes every tensor in a nested structure. */
export function disposeAll(tree: unknown): void {
  for (const t of tensorsIn(tree)) if (!t.isDisposed) t.dispose();
}

/** Refuses disposed tensors by name (TensorFlow.js would fail later with "reading 'backend'" or, for a variable, compute on garbage). */
export function checkNotDisposed(where: string, tensors: NamedTensors, what = 'parameter'): void {
  for (const [name, t] of Object.entries(tensors)) {
    if (t.isDisposed) {
      throw new DownhillError(
        `${where}: ${what} '${name}' has been disposed (by tf.dispose, disposeModel, or a tf.tidy it was made in).`,
        `make it again (e.g. create the model anew), and dispose it only when you are done with it.`,
      );
    }
  }
}
