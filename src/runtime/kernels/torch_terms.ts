/**
 * The lines every torch.optim-style fused formula starts and ends with, in the
 * shared JavaScript/WGSL syntax of elementwise_update.ts. Inputs `theta`, `grad`;
 * attributes `maximize` (0/1), `weightDecay`, `decoupled` (0/1), `lr`.
 */

/** g ← −∇ with maximize, + λ·θ unless the decay is decoupled: the gradient the direction sees. */
export const TORCH_GRADIENT = `
  let g = select(grad, -grad, maximize > 0.5) + select(theta * weightDecay, 0.0, decoupled > 0.5);`;

/** θ ← θ − η·(d + λ·θ) with decoupled decay, θ − η·d otherwise, for the direction `d`. */
export const TORCH_STEP = `
  let theta_next = theta - lr * (d + select(0.0, theta * weightDecay, decoupled > 0.5));`;

export const TORCH_ATTRIBUTES = ['lr', 'weightDecay', 'decoupled', 'maximize'] as const;
