import { elementwiseUpdate } from './elementwise_update';
import { TORCH_ATTRIBUTES, TORCH_GRADIENT, TORCH_STEP } from './torch_terms';

/** Adadelta (torch.optim.Adadelta): Δ = sqrt(u + ε) / sqrt(v + ε) · g with v, then u, moving averages of g² and Δ². */
export const ADADELTA_UPDATE = elementwiseUpdate({
  kernelName: 'DownhillAdadeltaUpdate',
  inputs: ['theta', 'grad', 'v', 'u'],
  attributes: [...TORCH_ATTRIBUTES, 'rho', 'eps'],
  formula: `${TORCH_GRADIENT}
  let v_next = v * rho + g * g * (1.0 - rho);
  let d = sqrt(u + eps) / sqrt(v_next + eps) * g;
  let u_next = u * rho + d * d * (1.0 - rho);${TORCH_STEP}`,
  outputs: ['theta_next', 'v_next', 'u_next'],
});
