import { OptionValues, flag, inRange, nonNegative, readOptions } from '../options';
import { cycledMomentum, learningRate, scheduled } from '../schedules/hyperparameter';
import { describeOptimizer } from './describe';
import { torchChain } from './torch_chain';
import { trace } from './trace';
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
  const direction = momentum !== 0 || o.nesterov ? [trace({ decay: momentum, dampening: o.dampening, nesterov: o.nesterov })] : [];
  return { ...torchChain(o, ...direction), name: describeOptimizer('sgd', options) };
}
