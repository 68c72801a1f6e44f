import * as tf from '@tensorflow/tfjs';
import { NamedTensors, mapNamed, zipNamed } from '../named_tensors';
import { checkInRange, checkNonNegative } from '../validate';
import { DownhillError } from '../errors';
import { GradientTransformation } from './transformation';

export interface TraceOptions {
  /** The momentum factor μ. */
  decay: number;
  /** τ: the new gradient enters the buffer scaled by (1 − τ). Default 0. */
  dampening?: number;
  /** Nesterov's look-ahead: the update is g + μ·buf. Default false. */
  nesterov?: boolean;
}

/**
 * Momentum, with PyTorch's SGD formulas: buf ← g on the first update, then
 * buf ← μ·buf + (1 − τ)·g; the update is buf (or g + μ·buf with Nesterov).
 */
export function trace(options: TraceOptions): GradientTransformation<{ buf: NamedTensors | null }> {
  const mu = checkInRange('trace', 'decay', options.decay, 0, 1, true);
  const dampening = checkNonNegative('trace', 'dampening', options.dampening ?? 0);
  const nesterov = options.nesterov ?? false;
  if (nesterov && (mu <= 0 || dampening !== 0)) {
    throw new DownhillError(
      `trace: Nesterov momentum needs a momentum > 0 and zero dampening (got momentum ${mu}, dampening ${dampening}).`,
      `set momentum: 0.9 and leave dampening at 0, or turn nesterov off.`,
    );
  }
  return {
    name: `momentum=${mu}`,
    init: () => ({ buf: null }),
    update(grads, state) {
      const buf =
        state.buf === null
          ? mapNamed(grads, (g) => tf.clone(g))
          : zipNamed(state.buf, grads, (b, g) => tf.add(tf.mul(b, mu), dampening ? tf.mul(g, 1 - dampening) : g));
      const updates = nesterov ? zipNamed(grads, buf, (g, b) => tf.add(g, tf.mul(b, mu))) : buf;
      return { updates, state: { buf } };
    },
  };
}
