import { elementwiseUpdate } from './elementwise_update';
import { TORCH_ATTRIBUTES, TORCH_GRADIENT, TORCH_STEP } from './torch_terms';

/** Plain SGD: θ ← θ − η·g. */
export const SGD_UPDATE = elementwiseUpdate({
  kernelName: 'DownhillSgdUpdate',
  inputs: ['theta', 'grad'],
  attributes: TORCH_ATTRIBUTES,
  formula: `${TORCH_GRADIENT}
  let d = g;${TORCH_STEP}`,
  outputs: ['theta_next'],
});

/**
 * SGD with momentum (torch.optim.SGD): b ← g on the first step (`first` = 1, when
 * `buf` is a placeholder), then μ·b + (1 − τ)·g; θ ← θ − η·b, or θ − η·(g + μ·b) with Nesterov.
 */
export const SGD_MOMENTUM_UPDATE = elementwiseUpdate({
  kernelName: 'DownhillSgdMomentumUpdate',
  inputs: ['theta', 'grad', 'buf'],
  attributes: [...TORCH_ATTRIBUTES, 'momentum', 'dampening', 'nesterov', 'first'],
  formula: `${TORCH_GRADIENT}
  let buf_next = select(buf * momentum + g * (1.0 - dampening), g, first > 0.5);
  let d = select(buf_next, g + buf_next * momentum, nesterov > 0.5);${TORCH_STEP}`,
  outputs: ['theta_next', 'buf_next'],
});
