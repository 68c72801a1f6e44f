import { LearningRate } from '../schedules/schedule';
import { scale, scaleByLearningRate } from './learning_rate';
import { GradientTransformation, chain } from './transformation';
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

/**
 * A torch.optim optimizer around its direction: g ← −g with maximize; g ← g + λ·θ
 * (coupled L2) before the direction, or λ·θ after it (decoupled); then −η when lr is given.
 */
export function torchChain(o: TorchTerms, ...direction: GradientTransformation[]): GradientTransformation {
  const parts: GradientTransformation[] = [];
  if (o.maximize) parts.push(scale(-1));
  const decay = o.weightDecay ? [addWeightDecay(o.weightDecay)] : [];
  if (!o.decoupledWeightDecay) parts.push(...decay);
  parts.push(...direction);
  if (o.decoupledWeightDecay) parts.push(...decay);
  if (o.lr !== undefined) parts.push(scaleByLearningRate(o.lr));
  return chain(...parts);
}
