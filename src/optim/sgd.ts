import { LearningRate, asSchedule } from '../schedules/schedule';
import { checkNonNegative, checkOptions } from '../validate';
import { describeOptimizer } from './describe';
import { scaleByLearningRate } from './learning_rate';
import { trace } from './trace';
import { GradientTransformation, chain } from './transformation';
import { addWeightDecay } from './weight_decay';

export interface SgdOptions {
  lr: LearningRate;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  /** L2 penalty added to the gradient (coupled), as in torch.optim.SGD. */
  weightDecay?: number;
}

/** Stochastic gradient descent with optional momentum, Nesterov and L2: torch.optim.SGD. */
export function sgd(options: SgdOptions): GradientTransformation {
  checkOptions('sgd', options, ['lr', 'momentum', 'dampening', 'nesterov', 'weightDecay']);
  asSchedule('sgd', options?.lr);
  options = options ?? {};
  const momentum = checkNonNegative('sgd', 'momentum', options.momentum ?? 0);
  const weightDecay = checkNonNegative('sgd', 'weightDecay', options.weightDecay ?? 0);
  const parts: GradientTransformation[] = [];
  if (weightDecay > 0) parts.push(addWeightDecay(weightDecay));
  if (momentum > 0 || options.nesterov) {
    parts.push(trace({ decay: momentum, dampening: options.dampening, nesterov: options.nesterov }));
  }
  parts.push(scaleByLearningRate(options.lr));
  return { ...chain(...parts), name: describeOptimizer('sgd', options) };
}
