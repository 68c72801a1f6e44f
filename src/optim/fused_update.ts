import * as tf from '@tensorflow/tfjs';
import { NamedTensors } from '../named_tensors';

/**
 * An accelerated equivalent of a transformation's update + applyUpdates + assign:
 * the parameter and its optimizer state advance together in few kernels (one per
 * parameter on cpu and wasm). The composable transformations stay the readable
 * reference; a fused update matches them to float32 precision.
 */
export interface FusedUpdate<S> {
  /**
   * One update in place: computes the next state and assigns params[n] ← new value for every
   * trainable parameter. Called inside tf.tidy; returns the next state with exactly the layout
   * init() makes (so checkpoints, opt.state, averagedParams… see the same thing fused or not).
   * Host-side scalars (step count, learning rate, betas from schedules) come from the state's
   * plain-number counts: no device→host read.
   */
  apply(params: Record<string, tf.Variable>, grads: NamedTensors, state: S): S;
}

let enabled = typeof process === 'undefined' || process.env.DOWNHILL_FUSED !== '0';

/**
 * Turns fused updates on or off for every later step (on by default; the environment
 * variable DOWNHILL_FUSED=0 starts with them off). Off, every optimizer runs its
 * composable reference: for A/B comparisons and debugging. Returns the previous setting.
 */
export function setFusedUpdates(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}

/** Whether descent steps use a transformation's fused update when it has one. */
export function fusedUpdatesEnabled(): boolean {
  return enabled;
}
