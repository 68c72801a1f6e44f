import { LearningRate, asSchedule } from '../schedules/schedule';
import { checkNonNegative, checkOptions } from '../validate';
import { describeOptimizer } from './describe';
import { scaleByLearningRate } from './learning_rate';
import { scaleByAdam } from './scale_by_adam';
import { GradientTransformation, chain } from './transformation';
import { addWeightDecay } from './weight_decay';
import { DownhillError } from '../errors';

export interface AdamOptions {
  lr?: LearningRate;
  betas?: [number, number];
  eps?: number;
  /** Adam: L2 penalty added to the gradient (coupled). AdamW: decoupled decay. */
  weightDecay?: number;
}

const KNOWN = ['lr', 'betas', 'eps', 'weightDecay'];

function betasOf(where: string, betas: unknown): [number, number] {
  if (betas === undefined) return [0.9, 0.999];
  if (!Array.isArray(betas) || betas.length !== 2) {
    throw new DownhillError(`${where}: 'betas' must be a pair [beta1, beta2], got ${JSON.stringify(betas)}.`, `use betas: [0.9, 0.999].`);
  }
  return [betas[0], betas[1]];
}

/** Adam with PyTorch's defaults (lr 1e-3, betas [0.9, 0.999], eps 1e-8); weightDecay is coupled L2. */
export function adam(options: AdamOptions = {}): GradientTransformation {
  checkOptions('adam', options, KNOWN);
  const lr = options.lr ?? 1e-3;
  asSchedule('adam', lr);
  const [b1, b2] = betasOf('adam', options.betas);
  const weightDecay = checkNonNegative('adam', 'weightDecay', options.weightDecay ?? 0);
  const parts: GradientTransformation[] = [];
  if (weightDecay > 0) parts.push(addWeightDecay(weightDecay));
  parts.push(scaleByAdam({ b1, b2, eps: options.eps }), scaleByLearningRate(lr));
  return { ...chain(...parts), name: describeOptimizer('adam', options) };
}

/** AdamW: Adam with decoupled weight decay (default 0.01), as torch.optim.AdamW. */
export function adamw(options: AdamOptions = {}): GradientTransformation {
  checkOptions('adamw', options, KNOWN);
  const lr = options.lr ?? 1e-3;
  asSchedule('adamw', lr);
  const [b1, b2] = betasOf('adamw', options.betas);
  const weightDecay = checkNonNegative('adamw', 'weightDecay', options.weightDecay ?? 1e-2);
  const parts: GradientTransformation[] = [scaleByAdam({ b1, b2, eps: options.eps })];
  if (weightDecay > 0) parts.push(addWeightDecay(weightDecay));
  parts.push(scaleByLearningRate(lr));
  return { ...chain(...parts), name: describeOptimizer('adamw', options) };
}
