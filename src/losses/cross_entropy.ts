import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { checkLabelRange } from '../data/labels';
import { hasSoftmaxCrossEntropyKernel, softmaxCrossEntropyKernel } from '../runtime/kernels/softmax_cross_entropy';

/** Labels are class indices (int32, [n]) or float rows [n, classes] (one-hot or probabilities). */
function checkTargets(where: string, logits: tf.Tensor, target: tf.Tensor): void {
  if (logits.rank !== 2) {
    throw new DownhillError(`${where}: logits must be [n, classes], got shape [${logits.shape.join(', ')}].`, `return one row of class scores per sample.`);
  }
  const [n, classes] = logits.shape;
  if (target.dtype === 'int32') {
    if (target.rank !== 1 || target.shape[0] !== n) {
      throw new DownhillError(
        `${where}: ${n} rows of logits but labels of shape [${target.shape.join(', ')}].`,
        `pass one class index per sample, shape [${n}].`,
      );
    }
    checkLabelRange(where, target, classes);
  } else if (target.rank !== 2 || target.shape[0] !== n || target.shape[1] !== classes) {
    throw new DownhillError(
      `${where}: logits are [${n}, ${classes}] but targets are [${target.shape.join(', ')}] (${target.dtype}).`,
      `pass class indices as int32 (e.g. tf.tensor1d(labels, 'int32')) or one-hot rows of width ${classes}.`,
    );
  }
}

/**
 * Cross-entropy from logits, computed stably through log-softmax
 * (logits − logsumexp(logits)), averaged over the batch: torch.nn.CrossEntropyLoss.
 * Its gradient is written out, (softmax(logits) − targets)/n. On cpu, wasm and
 * webgpu one fused kernel computes both (runtime/kernels/softmax_cross_entropy.ts),
 * taking class indices as they are; on other backends a few TF.js ops do, through
 * one-hot rows (on WASM and GPUs the per-kernel overhead, not the arithmetic,
 * dominates a small model's step).
 */
export function crossEntropy(logits: tf.Tensor, target: tf.Tensor): tf.Scalar {
  checkTargets('crossEntropy', logits, target);
  const [n, classes] = logits.shape as [number, number];
  if (hasSoftmaxCrossEntropyKernel() && logits.dtype === 'float32') {
    // One kernel forward (loss and gradient together), one multiplication back; no one-hot rows.
    const [value, gradient] = softmaxCrossEntropyKernel(logits, target);
    gradient.dispose();
    return value;
  }
  return tf.tidy(() => {
    // (tf.oneHot's float32 option writes integer bits on the WASM backend: cast instead.)
    const rows = target.dtype === 'int32' ? tf.cast(tf.oneHot(target as tf.Tensor1D, classes), 'float32') : target;
    const loss = tf.customGrad(((z: tf.Tensor, save: tf.GradSaveFunc) => {
      const logProbabilities = tf.logSoftmax(z);
      save([logProbabilities, rows]);
      return {
        value: tf.div(tf.neg(tf.sum(tf.mul(rows, logProbabilities))), n) as tf.Scalar,
        gradFunc: (dy: tf.Tensor, [saved, oneHot]: tf.Tensor[]) => tf.mul(tf.sub(tf.exp(saved), oneHot), tf.div(dy, n)),
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    return loss(logits) as tf.Scalar;
  });
}

/** The fraction of samples whose highest logit is the true class. */
export function accuracy(logits: tf.Tensor, target: tf.Tensor): tf.Scalar {
  checkTargets('accuracy', logits, target);
  return tf.tidy(() => {
    const truth = target.dtype === 'int32' ? target : tf.argMax(target, -1);
    return tf.mean(tf.cast(tf.equal(tf.argMax(logits, -1), truth), "float32")) as tf.Scalar;
  });
}
