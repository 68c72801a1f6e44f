import { elementwiseUpdate } from './elementwise_update';
import { TORCH_ATTRIBUTES, TORCH_GRADIENT, TORCH_STEP } from './torch_terms';

/** Sign-SGD: θ ← θ − η·(sign(g) + λ·θ). */
export const SIGN_SGD_UPDATE = elementwiseUpdate({
  kernelName: 'DownhillSignSgdUpdate',
  inputs: ['theta', 'grad'],
  attributes: TORCH_ATTRIBUTES,
  formula: `${TORCH_GRADIENT}
  let d = sign(g);${TORCH_STEP}`,
  outputs: ['theta_next'],
});

/** Lion (optax.lion): θ moves along sign(β1·m + (1 − β1)·g); then m ← β2·m + (1 − β2)·g. */
export const LION_UPDATE = elementwiseUpdate({
  kernelName: 'DownhillLionUpdate',
  inputs: ['theta', 'grad', 'm'],
  attributes: [...TORCH_ATTRIBUTES, 'beta1', 'beta2'],
  formula: `${TORCH_GRADIENT}
  let d = sign(m * beta1 + g * (1.0 - beta1));
  let m_next = m * beta2 + g * (1.0 - beta2);${TORCH_STEP}`,
  outputs: ['theta_next', 'm_next'],
});
