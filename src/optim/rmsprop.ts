import { LearningRate, asSchedule } from '../schedules/schedule';
import { checkNonNegative, checkOptions } from '../validate';
import { describeOptimizer } from './describe';
import { scaleByLearningRate } from './learning_rate';
import { scaleByRms } from './scale_by_rms';
import { trace } from './trace';
import { GradientTransformation, chain } from './transformation';
import { addWeightDecay } from './weight_decay';

export interface RmspropOptions {
  lr?: LearningRate;
  alpha?: number;
  eps?: number;
  momentum?: number;
  centered?: boolean;
  weightDecay?: number;
}

/** RMSProp with PyTorch's defaults (lr 0.01, alpha 0.99, eps 1e-8): torch.optim.RMSprop. */
export function rmsprop(options: RmspropOptions = {}): GradientTransformation {
  checkOptions('rmsprop', options, ['lr', 'alpha', 'eps', 'momentum', 'centered', 'weightDecay']);
  const lr = options.lr ?? 0.01;
  asSchedule('rmsprop', lr);
  const momentum = checkNonNegative('rmsprop', 'momentum', options.momentum ?? 0);
  const weightDecay = checkNonNegative('rmsprop', 'weightDecay', options.weightDecay ?? 0);
  const parts: GradientTransformation[] = [];
  if (weightDecay > 0) parts.push(addWeightDecay(weightDecay));
  parts.push(scaleByRms({ alpha: options.alpha, eps: options.eps, centered: options.centered }));
  if (momentum > 0) parts.push(trace({ decay: momentum }));
  parts.push(scaleByLearningRate(lr));
  return { ...chain(...parts), name: describeOptimizer('rmsprop', options) };
}
