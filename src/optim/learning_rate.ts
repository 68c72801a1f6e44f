import * as tf from '@tensorflow/tfjs';
import { mapNamed } from '../named_tensors';
import { LearningRate, asSchedule, evaluateSchedule } from '../schedules/schedule';
import { GradientTransformation } from './transformation';

/**
 * Multiplies updates by −lr (the descent direction). `lr` is a number or a
 * schedule `step -> lr`; the state counts the updates made so far.
 */
export function scaleByLearningRate(lr: LearningRate): GradientTransformation<{ count: number }> {
  const schedule = asSchedule('scaleByLearningRate', lr);
  return {
    name: typeof lr === 'number' ? `lr=${lr}` : 'lr=schedule',
    init: () => ({ count: 0 }),
    update(grads, state) {
      const factor = -evaluateSchedule(schedule, state.count);
      return { updates: mapNamed(grads, (g) => tf.mul(g, factor)), state: { count: state.count + 1 } };
    },
    learningRate: (state) => evaluateSchedule(schedule, state.count),
  };
}

/** Multiplies updates by a fixed factor. */
export function scale(factor: number): GradientTransformation<null> {
  return {
    name: `scale(${factor})`,
    init: () => null,
    update: (grads, state) => ({ updates: mapNamed(grads, (g) => tf.mul(g, factor)), state }),
  };
}
