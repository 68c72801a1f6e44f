import { LearningRate, Schedule, asSchedule } from '../schedules/schedule';
import { checkNonNegative, checkOptions } from '../validate';
import { describeOptimizer } from './describe';
import { scaleByLearningRate } from './learning_rate';
import { scaleByAdagrad } from './scale_by_adagrad';
import { GradientTransformation, chain } from './transformation';
import { addWeightDecay } from './weight_decay';

export interface AdagradOptions {
  lr?: LearningRate;
  lrDecay?: number;
  eps?: number;
  initialAccumulatorValue?: number;
  weightDecay?: number;
}

/** Adagrad with PyTorch's defaults (lr 0.01, eps 1e-10): torch.optim.Adagrad. */
export function adagrad(options: AdagradOptions = {}): GradientTransformation {
  checkOptions('adagrad', options, ['lr', 'lrDecay', 'eps', 'initialAccumulatorValue', 'weightDecay']);
  const base = asSchedule('adagrad', options.lr ?? 0.01);
  const lrDecay = checkNonNegative('adagrad', 'lrDecay', options.lrDecay ?? 0);
  const weightDecay = checkNonNegative('adagrad', 'weightDecay', options.weightDecay ?? 0);
  const lr: Schedule = lrDecay > 0 ? (t) => base(t) / (1 + t * lrDecay) : base;
  const parts: GradientTransformation[] = [];
  if (weightDecay > 0) parts.push(addWeightDecay(weightDecay));
  parts.push(
    scaleByAdagrad({ eps: options.eps, initialAccumulatorValue: options.initialAccumulatorValue }),
    scaleByLearningRate(lr),
  );
  return { ...chain(...parts), name: describeOptimizer('adagrad', options) };
}
