import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';

function checkSameShape(where: string, prediction: tf.Tensor, target: tf.Tensor): void {
  const same = prediction.rank === target.rank && prediction.shape.every((s, i) => s === target.shape[i]);
  if (!same) {
    throw new DownhillError(
      `${where}: predictions have shape [${prediction.shape.join(', ')}] but targets have shape [${target.shape.join(', ')}]; ` +
        `subtracting them would broadcast to a wrong-sized matrix and give a wrong loss.`,
      `make them match, e.g. target.reshape([${prediction.shape.map((s) => (s === -1 ? -1 : s)).join(', ')}]).`,
    );
  }
}

/** Mean squared error: mean((prediction − target)²), as torch.nn.MSELoss. */
export function mse(prediction: tf.Tensor, target: tf.Tensor): tf.Scalar {
  checkSameShape('mse', prediction, target);
  return tf.mean(tf.square(tf.sub(prediction, target)));
}

/**
 * Half the mean squared error, (1/2N)·Σ(prediction − target)²: the textbook
 * convention whose gradient has no factor 2.
 */
export function halfMse(prediction: tf.Tensor, target: tf.Tensor): tf.Scalar {
  checkSameShape('halfMse', prediction, target);
  return tf.mul(tf.mean(tf.square(tf.sub(prediction, target))), 0.5);
}
