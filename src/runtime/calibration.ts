import * as tf from '@tensorflow/tfjs';

/** The calibration step: what a tutorial's MNIST MLP does on every step. */
export const CALIBRATION_STEP = 'one Adam step of a 784→128→10 ReLU MLP with softmax cross-entropy, batch 128';

const WARMUP_STEPS = 2;
const TIMED_STEPS = 5;

/**
 * Milliseconds per training step on the active backend: a few warm-up steps
 * (kernel compilation, memory growth), then TIMED_STEPS steps queued back to back
 * and one read at the end, so a GPU backend is timed by its throughput and not by
 * a round trip per step. Plain TensorFlow.js ops (the runtime sits below models and
 * optim); every tensor is disposed.
 */
export async function timeTrainingStep(): Promise<number> {
  const [x, y] = tf.tidy(() => {
    const images = tf.randomUniform([128, 784], 0, 1, 'float32', 1);
    const labels = tf.oneHot(tf.randomUniform([128], 0, 10, 'int32', 2), 10).toFloat();
    return [images, labels];
  });
  const weights = [
    tf.variable(tf.randomNormal([784, 128], 0, 0.05, 'float32', 3)),
    tf.variable(tf.zeros([128])),
    tf.variable(tf.randomNormal([128, 10], 0, 0.05, 'float32', 4)),
    tf.variable(tf.zeros([10])),
  ];
  const [w1, b1, w2, b2] = weights;
  const optimizer = tf.train.adam(1e-3);
  const step = () =>
    optimizer.minimize(() => {
      const hidden = tf.relu(tf.add(tf.matMul(x, w1), b1));
      return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(hidden, w2), b2));
    });
  try {
    for (let i = 0; i < WARMUP_STEPS; i++) step();
    await w2.data();
    const start = performance.now();
    for (let i = 0; i < TIMED_STEPS; i++) step();
    await w2.data();
    return (performance.now() - start) / TIMED_STEPS;
  } finally {
    optimizer.dispose();
    tf.dispose([x, y, ...weights]);
  }
}
