import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { NamedTensors, mapNamed, zipNamed } from '../named_tensors';
import { FusedUpdate } from './fused_update';

/**
 * A gradient transformation (as in optax): `init` makes the state from the
 * parameters; `update` turns gradients into updates and returns the next state.
 * Updates are added to the parameters: `params + updates` (see applyUpdates), so a
 * descent step carries the minus sign (scaleByLearningRate does that).
 *
 * State is any nested structure of tensors, numbers and arrays. Transformations
 * never dispose anything: the training step runs them inside tf.tidy and then
 * disposes the tensors of the old state that the new one no longer holds.
 */
export interface GradientTransformation<S = any> {
  init(params: NamedTensors): S;
  update(grads: NamedTensors, state: S, params?: NamedTensors): { updates: NamedTensors; state: S };
  /** The learning rate the next update will use, when this transformation knows it. */
  learningRate?(state: S): number | undefined;
  /** A short label for legends and tables, e.g. "sgd(lr=0.1, momentum=0.9)". */
  name?: string;
  /** Present when this whole transformation (lr, weight decay, maximize included) can run as fused kernels. */
  fused?: FusedUpdate<S>;
}

/**
 * Runs transformations one after another; the state is the list of their states.
 * The chain is fused when its last transformation is: the others transform the
 * gradients as usual (e.g. clipByGlobalNorm), then the last one's fused update runs.
 */
export function chain(...transforms: GradientTransformation[]): GradientTransformation<unknown[]> {
  transforms.forEach((t, i) => {
    if (!t || typeof t.init !== 'function' || typeof t.update !== 'function') {
      throw new DownhillError(
        `chain: argument ${i + 1} is not a gradient transformation (it needs init and update functions).`,
        `pass transformations such as optim.scaleByAdam() or optim.scaleByLearningRate(0.01).`,
      );
    }
  });
  const leading = transforms.slice(0, -1);
  const lastFused = transforms.at(-1)?.fused;
  const updateAll = (list: GradientTransformation[], grads: NamedTensors, state: unknown[], params?: NamedTensors) => {
    let updates = grads;
    const next: unknown[] = [];
    list.forEach((t, i) => {
      const out = t.update(updates, state[i], params);
      updates = out.updates;
      next.push(out.state);
    });
    return { updates, state: next };
  };
  return {
    init: (params) => transforms.map((t) => t.init(params)),
    update: (grads, state, params) => updateAll(transforms, grads, state, params),
    ...(lastFused && {
      fused: {
        apply(params, grads, state) {
          const { updates, state: next } = updateAll(leading, grads, state, params);
          return [...next, lastFused.apply(params, updates, state[leading.length])];
        },
      },
    }),
    learningRate(state) {
      for (let i = 0; i < transforms.length; i++) {
        const lr = transforms[i].learningRate?.(state[i]);
        if (lr !== undefined) return lr;
      }
      return undefined;
    },
  };
}

/**
 * A transformation without state that maps each gradient on its own:
 * `stateless((g, p) => tf.sign(g))`. `p` is the parameter of the same name.
 */
export function stateless(
  fn: (grad: tf.Tensor, param: tf.Tensor | undefined, name: string) => tf.Tensor,
  name?: string,
): GradientTransformation<null> {
  return {
    name,
    init: () => null,
    update: (grads, state, params) => ({
      updates: mapNamed(grads, (g, n) => fn(g, params?.[n], n)),
      state,
    }),
  };
}

/** The identity: updates are the gradients. */
export function identity(): GradientTransformation<null> {
  return stateless((g) => g, 'identity');
}

/**
 * The reference way to take one update in place: update, then params + updates
 * assigned to the variables. Returns the next state.
 */
export function updateInPlace<S>(transform: GradientTransformation<S>, params: Record<string, tf.Variable>, grads: NamedTensors, state: S): S {
  const { updates, state: next } = transform.update(grads, state, params);
  const updated = applyUpdates(params, updates);
  for (const name of Object.keys(updated)) params[name].assign(updated[name]);
  return next;
}

/** params + updates, as new tensors (the inputs are not changed). */
export function applyUpdates(params: NamedTensors, updates: NamedTensors): NamedTensors {
  return zipNamed(params, updates, (p, u) => tf.add(p, u), 'applyUpdates');
}

/** Zeros shaped like each parameter: the usual starting state of a moment estimate. */
export function zerosLike(params: NamedTensors): NamedTensors {
  return mapNamed(params, (p) => tf.zerosLike(p));
}
