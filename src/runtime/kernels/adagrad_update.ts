import { elementwiseUpdate } from './elementwise_update';
import { TORCH_ATTRIBUTES, TORCH_GRADIENT, TORCH_STEP } from './torch_terms';

/** Adagrad (torch.optim.Adagrad): s ← s + g²; θ ← θ − η·g / (sqrt(s) + ε) (η already decayed on the host). */
export const ADAGRAD_UPDATE = elementwiseUpdate({
  kernelName: 'DownhillAdagradUpdate',
  inputs: ['theta', 'grad', 'sum'],
  attributes: [...TORCH_ATTRIBUTES, 'eps'],
  formula: `${TORCH_GRADIENT}
  let sum_next = sum + g * g;
  let d = g / (sqrt(sum_next) + eps);${TORCH_STEP}`,
  outputs: ['theta_next', 'sum_next'],
});
