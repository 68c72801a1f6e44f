import * as tf from '@tensorflow/tfjs';
import { NamedTensors } from '../named_tensors';
import { ElementwiseUpdate, elementwiseUpdatesPay, runElementwiseUpdate } from '../runtime/kernels/elementwise_update';
import { LearningRate } from '../schedules/schedule';
import { FusedUpdate } from './fused_update';
import { scale, scaleByLearningRate } from './learning_rate';
import { GradientTransformation, chain, updateInPlace } from './transformation';
import { addWeightDecay } from './weight_decay';

export interface TorchTerms {
  /** Absent for optimizers whose direction sets its own step size (rprop, asgd). */
  lr?: LearningRate;
  /** Climb the objective: the gradient is negated first. */
  maximize?: boolean;
  weightDecay?: number;
  /** θ ← θ − η·λ·θ (AdamW's decay) instead of adding λ·θ to the gradient. */
  decoupledWeightDecay?: boolean;
}

/** The host-side numbers of one fused step of a torch.optim optimizer, as kernel attributes. */
export interface TorchStepTerms {
  lr: number;
  weightDecay: number;
  /** 1 when the decay is decoupled (AdamW), else 0. */
  decoupled: number;
  /** 1 with maximize, else 0. */
  maximize: number;
}

/**
 * The fused form of an optimizer's direction: updates every parameter in place with
 * its kernels, given the direction's states (one per direction transformation, in
 * order) and this step's terms; returns the next states in the same layout.
 */
export type FusedDirection<D extends unknown[]> = (params: Record<string, tf.Variable>, grads: NamedTensors, states: D, terms: TorchStepTerms) => D;

/**
 * A torch.optim optimizer around its direction: g ← −g with maximize; g ← g + λ·θ
 * (coupled L2) before the direction, or λ·θ after it (decoupled); then −η when lr is given.
 * With `fused`, the chain is fused too: the whole step (lr, decay and maximize
 * included) runs as the direction's kernels; its state stays the chain's.
 */
export function torchChain<D extends unknown[]>(o: TorchTerms & { fused?: FusedDirection<D> }, ...direction: GradientTransformation[]): GradientTransformation {
  const parts: GradientTransformation[] = [];
  if (o.maximize) parts.push(scale(-1));
  const decay = o.weightDecay ? [addWeightDecay(o.weightDecay)] : [];
  if (!o.decoupledWeightDecay) parts.push(...decay);
  const directionAt = parts.length;
  parts.push(...direction);
  if (o.decoupledWeightDecay) parts.push(...decay);
  if (o.lr !== undefined) parts.push(scaleByLearningRate(o.lr));
  const reference = chain(...parts);
  if (!o.fused || o.lr === undefined) return reference;
  return { ...reference, fused: fusedTorchStep(reference, o, o.fused, directionAt, direction.length) };
}

function fusedTorchStep<D extends unknown[]>(
  reference: GradientTransformation<unknown[]>,
  o: TorchTerms,
  fused: FusedDirection<D>,
  directionAt: number,
  directionLength: number,
): FusedUpdate<unknown[]> {
  const lrAt = -1; // scaleByLearningRate is last; its state is { count }
  const terms = (state: unknown[]): TorchStepTerms => ({
    lr: reference.learningRate!(state) ?? NaN,
    weightDecay: o.weightDecay ?? 0,
    decoupled: o.decoupledWeightDecay ? 1 : 0,
    maximize: o.maximize ? 1 : 0,
  });
  return {
    apply(params, grads, state) {
      // A backend without the kernels (tfjs-node), or wasm on large tensors, takes the reference path.
      if (!elementwiseUpdatesPay(Object.values(grads).map((g) => g.size))) return updateInPlace(reference, params, grads, state);
      const next = [...state];
      const states = state.slice(directionAt, directionAt + directionLength) as D;
      next.splice(directionAt, directionLength, ...fused(params, grads, states, terms(state)));
      const { count } = state.at(lrAt) as { count: number };
      next[next.length - 1] = { count: count + 1 };
      return next;
    },
  };
}

/**
 * Runs an elementwise update kernel on every parameter: its inputs are θ, the gradient
 * and the state tensors named by the kernel's other inputs (`tensors[input][param]`);
 * assigns θ's next value and returns the next state tensors under the same names.
 */
export function updateEveryParameter<T extends object>(
  kernel: ElementwiseUpdate,
  params: Record<string, tf.Variable>,
  grads: NamedTensors,
  tensors: T,
  attributes: TorchStepTerms & Record<string, number>,
): Record<string, NamedTensors> {
  const stateNames = kernel.inputs.slice(2);
  const state = tensors as Record<string, NamedTensors>;
  const next: Record<string, NamedTensors> = Object.fromEntries(stateNames.map((k) => [k, {}]));
  for (const name of Object.keys(grads)) {
    const [theta, ...outputs] = runElementwiseUpdate(kernel, [params[name], grads[name], ...stateNames.map((k) => state[k][name])], attributes);
    params[name].assign(theta);
    stateNames.forEach((k, i) => (next[k][name] = outputs[i]));
  }
  return next;
}
