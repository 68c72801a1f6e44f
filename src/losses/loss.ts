import * as tf from '@tensorflow/tfjs';

/** A loss: predictions and targets in, a scalar tensor out (checked when training). */
export type LossFn = (prediction: tf.Tensor, target: tf.Tensor) => tf.Tensor;

/** A metric has the same shape as a loss; it is only reported, never differentiated. */
export type MetricFn = LossFn;
