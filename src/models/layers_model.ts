import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { NamedTensors } from '../named_tensors';
import { Model } from './model';

/**
 * A TensorFlow.js Layers model (tf.sequential(), tf.model()) as a downhill Model, so
 * fit trains it with downhill's optimizers: its weights are the parameters (by
 * their names, e.g. "dense_Dense1/kernel"; non-trainable weights stay untrained),
 * updated in place, and forward applies the model. Its last layer should output
 * logits (no softmax) for losses.crossEntropy.
 *
 * The gradient is taken through the model's own variables, so forward must be given
 * exactly those parameters (fit and Optimizer do that).
 */
export function fromLayersModel(layers: tf.LayersModel): Model {
  const params: Record<string, tf.Variable> = {};
  for (const weight of layers.weights) {
    const variable = weight.read() as tf.Variable;
    params[weight.originalName ?? weight.name] = variable;
  }
  return {
    name: `${layers.name} (tf.LayersModel)`,
    params,
    forward(p: NamedTensors, x: tf.Tensor) {
      for (const [name, v] of Object.entries(params)) {
        if (p[name] !== v) {
          throw new DownhillError(
            `${layers.name}: a tf.LayersModel can only be evaluated at its own weights ('${name}' was given another tensor).`,
            `assign the values to the model's weights first (model.setWeights), or use a downhill model.`,
          );
        }
      }
      return layers.apply(x) as tf.Tensor;
    },
  };
}

/** Whether a value is a TensorFlow.js Layers model (tf.Sequential included). */
export function isLayersModel(value: unknown): value is tf.LayersModel {
  return value instanceof tf.LayersModel;
}
