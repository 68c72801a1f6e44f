import * as tf from '@tensorflow/tfjs';
import { NamedTensors, mapNamed, zipNamed } from '../named_tensors';
import { inRange, nonNegative, flag, readOptions } from '../options';
import { Hyperparameter, scheduled, valueAt } from '../schedules/hyperparameter';
import { DownhillError } from '../errors';
import { GradientTransformation } from './transformation';

export interface TraceOptions {
  /** The momentum factor μ: a number or a schedule (e.g. oneCycle's momentum). */
  decay: Hyperparameter;
  /** τ: the new gradient enters the buffer scaled by (1 − τ). Default 0. */
  dampening?: number;
  /** Nesterov's look-ahead: the update is g + μ·buf. Default false. */
  nesterov?: boolean;
}

export interface TraceState {
  count: number;
  buf: NamedTensors | null;
}

const TRACE = {
  decay: scheduled(inRange(undefined, 0, 1, true)),
  dampening: nonNegative(0),
  nesterov: flag(false),
};

/**
 * Momentum, with PyTorch's SGD formulas: buf ← g on the first update, then
 * buf ← μ·buf + (1 − τ)·g; the update is buf (or g + μ·buf with Nesterov).
 */
export function trace(options: TraceOptions): GradientTransformation<TraceState> {
  const { decay, dampening, nesterov } = readOptions('trace', options, TRACE);
  if (nesterov && (decay === 0 || dampening !== 0)) {
    throw new DownhillError(
      `trace: Nesterov momentum needs a momentum > 0 and zero dampening (got momentum ${decay}, dampening ${dampening}).`,
      `set momentum: 0.9 and leave dampening at 0, or turn nesterov off.`,
    );
  }
  return {
    name: `momentum=${typeof decay === 'number' ? decay : 'schedule'}`,
    init: () => ({ count: 0, buf: null }),
    update(grads, state) {
      const mu = valueAt(decay, state.count);
      const buf =
        state.buf === null
          ? mapNamed(grads, (g) => tf.clone(g))
          : zipNamed(state.buf, grads, (b, g) => tf.add(tf.mul(b, mu), dampening ? tf.mul(g, 1 - dampening) : g));
      const updates = nesterov ? zipNamed(grads, buf, (g, b) => tf.add(g, tf.mul(b, mu))) : buf;
      return { updates, state: { count: state.count + 1, buf } };
    },
  };
}
