import { OptionValues, flag, inRange, nonNegative, readOptions } from '../options';
import { SGD_MOMENTUM_UPDATE, SGD_UPDATE } from '../runtime/kernels/sgd_update';
import { Hyperparameter, cycledMomentum, learningRate, scheduled, valueAt } from '../schedules/hyperparameter';
import { describeOptimizer } from './describe';
import { FusedDirection, torchChain, updateEveryParameter } from './torch_chain';
import { TraceState, trace } from './trace';
import { GradientTransformation } from './transformation';

const SGD = {
  lr: learningRate(),
  /** μ: a number or a schedule. */
  momentum: scheduled(inRange(undefined, 0, 1, true), 0),
  /** τ: the new gradient enters the momentum buffer scaled by (1 − τ). */
  dampening: nonNegative(0),
  nesterov: flag(false),
  /** L2 penalty added to the gradient (coupled), as in torch.optim.SGD. */
  weightDecay: nonNegative(0),
  /** Climb the objective instead: the gradient is negated first (the decay still pulls toward 0). */
  maximize: flag(false),
};

export type SgdOptions = Partial<OptionValues<typeof SGD>> & Pick<OptionValues<typeof SGD>, 'lr'>;

/**
 * Stochastic gradient descent with optional momentum, Nesterov and L2: torch.optim.SGD.
 *
 *   g ← ∇f(θ) (−∇f(θ) when maximize) + λ·θ
 *   b ← g on the first step, then μ·b + (1 − τ)·g
 *   θ ← θ − η·b           (θ − η·(g + μ·b) with Nesterov)
 *
 * A learning-rate schedule that cycles momentum (oneCycle, cyclic) sets μ, as in PyTorch.
 */
export function sgd(options: SgdOptions): GradientTransformation {
  const o = readOptions('sgd', options, SGD);
  const momentum = cycledMomentum(o.lr) ?? o.momentum;
  if (momentum === 0 && !o.nesterov) return { ...torchChain({ ...o, fused: fusedSgd }), name: describeOptimizer('sgd', options) };
  const direction = trace({ decay: momentum, dampening: o.dampening, nesterov: o.nesterov });
  const fused = fusedSgdMomentum(momentum, o.dampening, o.nesterov);
  return { ...torchChain({ ...o, fused }, direction), name: describeOptimizer('sgd', options) };
}

/** Plain SGD as one kernel per parameter (src/runtime/kernels/sgd_update.ts). */
const fusedSgd: FusedDirection<[]> = (params, grads, _states, terms) => {
  updateEveryParameter(SGD_UPDATE, params, grads, {}, { ...terms });
  return [];
};

/** trace's step and the parameter's as one kernel per parameter: the momentum buffer and θ at once. */
function fusedSgdMomentum(momentum: Hyperparameter, dampening: number, nesterov: boolean): FusedDirection<[TraceState]> {
  return (params, grads, [state], terms) => {
    const attributes = { ...terms, momentum: valueAt(momentum, state.count), dampening, nesterov: nesterov ? 1 : 0, first: state.buf ? 0 : 1 };
    // On the first step there is no buffer yet (b ← g): the gradient stands in for it.
    const { buf } = updateEveryParameter(SGD_MOMENTUM_UPDATE, params, grads, { buf: state.buf ?? grads }, attributes);
    return [{ count: state.count + 1, buf }];
  };
}
