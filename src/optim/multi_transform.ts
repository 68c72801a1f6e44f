import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { NamedTensors } from '../named_tensors';
import { GradientTransformation, identity } from './transformation';

/** Which parameters a rule applies to: their names, or a test on the name. */
export type ParamSelector = readonly string[] | ((name: string) => boolean);

/** Names to labels: a record, or a function of the name. */
export type ParamLabels = Record<string, string> | ((name: string) => string);

function labelOf(labels: ParamLabels, name: string, known: string[]): string {
  const label = typeof labels === 'function' ? labels(name) : labels[name];
  if (label === undefined || !known.includes(label)) {
    throw new DownhillError(
      `multiTransform: parameter '${name}' has ${label === undefined ? 'no label' : `the label '${label}'`}, which is not one of ${known.map((k) => `'${k}'`).join(', ')}.`,
      `give every parameter one of the transformations' labels.`,
    );
  }
  return label;
}

function split<T extends tf.Tensor>(tensors: Record<string, T>, labels: ParamLabels, known: string[]): Record<string, Record<string, T>> {
  const parts: Record<string, Record<string, T>> = Object.fromEntries(known.map((k) => [k, {}]));
  for (const [name, t] of Object.entries(tensors)) parts[labelOf(labels, name, known)][name] = t;
  return parts;
}

/**
 * A different transformation for each group of parameters (optax's multi_transform):
 * `multiTransform({ decay: adamw(), noDecay: adamw({ weightDecay: 0 }) }, (n) => n.startsWith('b') ? 'noDecay' : 'decay')`.
 * The state is one state per label, each over its own parameters. It is fused when
 * every transformation is: each group's fused update runs on its own parameters.
 */
export function multiTransform(
  transforms: Record<string, GradientTransformation>,
  labels: ParamLabels,
): GradientTransformation<Record<string, unknown>> {
  const known = Object.keys(transforms);
  if (known.length === 0) {
    throw new DownhillError('multiTransform: no transformations given.', 'pass at least one, e.g. { all: optim.sgd({ lr: 0.1 }) }.');
  }
  const fused = known.every((k) => transforms[k].fused);
  return {
    ...(fused && {
      fused: {
        apply(params, grads, state) {
          const gradParts = split(grads, labels, known);
          const paramParts = split(params, labels, known);
          return Object.fromEntries(known.map((k) => [k, transforms[k].fused!.apply(paramParts[k], gradParts[k], state[k])]));
        },
      },
    }),
    name: `multiTransform(${known.map((k) => `${k}: ${transforms[k].name ?? 'transformation'}`).join(', ')})`,
    init(params) {
      const parts = split(params, labels, known);
      return Object.fromEntries(known.map((k) => [k, transforms[k].init(parts[k])]));
    },
    update(grads, state, params) {
      const gradParts = split(grads, labels, known);
      const paramParts = params && split(params, labels, known);
      const updates: NamedTensors = {};
      const next: Record<string, unknown> = {};
      for (const k of known) {
        const out = transforms[k].update(gradParts[k], state[k], paramParts?.[k]);
        Object.assign(updates, out.updates);
        next[k] = out.state;
      }
      return { updates, state: next };
    },
    learningRate(state) {
      for (const k of known) {
        const lr = transforms[k].learningRate?.(state[k]);
        if (lr !== undefined) return lr;
      }
      return undefined;
    },
  };
}

/** Whether a parameter name is selected. */
export function selects(selector: ParamSelector, name: string): boolean {
  return typeof selector === 'function' ? selector(name) : selector.includes(name);
}

/**
 * Applies `inner` to the selected parameters only; the others' updates pass through
 * unchanged (optax's masked). No weight decay on biases:
 * `chain(masked(addWeightDecay(0.01), (n) => !n.startsWith('b')), scaleByAdam(), scaleByLearningRate(1e-3))`.
 */
export function masked(inner: GradientTransformation, mask: ParamSelector): GradientTransformation<Record<string, unknown>> {
  const t = multiTransform({ masked: inner, rest: identity() }, (name) => (selects(mask, name) ? 'masked' : 'rest'));
  return { ...t, name: `masked(${inner.name ?? 'transformation'})` };
}
