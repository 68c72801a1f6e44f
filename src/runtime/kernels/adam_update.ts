import { elementwiseUpdate } from './elementwise_update';
import { TORCH_ATTRIBUTES, TORCH_GRADIENT, TORCH_STEP } from './torch_terms';

const ADAM_ATTRIBUTES = [...TORCH_ATTRIBUTES, 'beta1', 'beta2', 'eps', 'correction1', 'sqrtCorrection2'];
const MOMENTS = `
  let m_next = m * beta1 + g * (1.0 - beta1);
  let v_next = v * beta2 + g * g * (1.0 - beta2);`;

/** Adam / AdamW (torch.optim.Adam): m, v ← their averages; θ ← θ − η·(m / c1) / (sqrt(v) / sqrt(c2) + ε). */
export const ADAM_UPDATE = elementwiseUpdate({
  kernelName: 'DownhillAdamUpdate',
  inputs: ['theta', 'grad', 'm', 'v'],
  attributes: ADAM_ATTRIBUTES,
  formula: `${TORCH_GRADIENT}${MOMENTS}
  let d = (m_next / correction1) / (sqrt(v_next) / sqrtCorrection2 + eps);${TORCH_STEP}`,
  outputs: ['theta_next', 'm_next', 'v_next'],
});

/** AMSGrad: as Adam with the largest v so far in the denominator. */
export const AMSGRAD_UPDATE = elementwiseUpdate({
  kernelName: 'DownhillAmsgradUpdate',
  inputs: ['theta', 'grad', 'm', 'v', 'vMax'],
  attributes: ADAM_ATTRIBUTES,
  formula: `${TORCH_GRADIENT}${MOMENTS}
  let vMax_next = max(vMax, v_next);
  let d = (m_next / correction1) / (sqrt(vMax_next) / sqrtCorrection2 + eps);${TORCH_STEP}`,
  outputs: ['theta_next', 'm_next', 'v_next', 'vMax_next'],
});

/** NAdam (torch.optim.NAdam): the gradient and the momentum, each with its host-computed factor, over sqrt(v / c2) + ε. */
export const NADAM_UPDATE = elementwiseUpdate({
  kernelName: 'DownhillNadamUpdate',
  inputs: ['theta', 'grad', 'm', 'v'],
  attributes: [...TORCH_ATTRIBUTES, 'beta1', 'beta2', 'eps', 'correction2', 'gradFactor', 'momentumFactor'],
  formula: `${TORCH_GRADIENT}${MOMENTS}
  let d = (g * gradFactor + m_next * momentumFactor) / (sqrt(v_next / correction2) + eps);${TORCH_STEP}`,
  outputs: ['theta_next', 'm_next', 'v_next'],
});

/** RAdam (torch.optim.RAdam): m̂ while the variance is untrusted (`rectified` = 0), then the rectified adaptive step m·factor / (sqrt(v) + ε). */
export const RADAM_UPDATE = elementwiseUpdate({
  kernelName: 'DownhillRadamUpdate',
  inputs: ['theta', 'grad', 'm', 'v'],
  attributes: [...TORCH_ATTRIBUTES, 'beta1', 'beta2', 'eps', 'correction1', 'factor', 'rectified'],
  formula: `${TORCH_GRADIENT}${MOMENTS}
  let d = select(m_next / correction1, (m_next * factor) / (sqrt(v_next) + eps), rectified > 0.5);${TORCH_STEP}`,
  outputs: ['theta_next', 'm_next', 'v_next'],
});

/** Adamax (torch.optim.Adamax): u ← max(β2·u, |g| + ε); θ ← θ − η·(m / c1) / u. */
export const ADAMAX_UPDATE = elementwiseUpdate({
  kernelName: 'DownhillAdamaxUpdate',
  inputs: ['theta', 'grad', 'm', 'u'],
  attributes: [...TORCH_ATTRIBUTES, 'beta1', 'beta2', 'eps', 'correction1'],
  formula: `${TORCH_GRADIENT}
  let m_next = m * beta1 + g * (1.0 - beta1);
  let u_next = max(u * beta2, abs(g) + eps);
  let d = (m_next / correction1) / u_next;${TORCH_STEP}`,
  outputs: ['theta_next', 'm_next', 'u_next'],
});
