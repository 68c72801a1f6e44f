import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { NamedTensors, checkNotDisposed, disposeReplaced, globalNorm } from '../named_tensors';
import { fusedUpdatesEnabled } from './fused_update';
import { GradientTransformation, updateInPlace } from './transformation';

/** What one descent step reports: tensors the caller reads and disposes. */
export interface StepOutput<S> {
  /** The loss at which the gradient was taken (before the update). */
  loss: tf.Scalar;
  /** The norm of the raw gradient (before any clipping), when asked for. */
  gradNorm?: tf.Scalar;
  state: S;
}

/**
 * One step of gradient descent on variables, in place: computes the loss and its
 * gradient with respect to every parameter, transforms the gradient into updates,
 * and adds them to the parameters (through the transformation's fused kernels when it
 * has them and fused updates are on: see setFusedUpdates). Intermediate tensors are freed, and so are the
 * tensors of the old optimizer state that the new one replaces.
 */
export function descentStep<S>(
  params: Record<string, tf.Variable>,
  objective: (params: NamedTensors) => tf.Tensor,
  transform: GradientTransformation<S>,
  state: S,
  withGradNorm = true,
): StepOutput<S> {
  const trained = trainableParams(params);
  const names = Object.keys(trained);
  const variables = names.map((n) => params[n]);
  const out = tf.tidy(() => {
    let value: tf.Scalar;
    let gradList: tf.Tensor[];
    try {
      const result = tf.valueAndGrads((...xs: tf.Tensor[]) => {
        const named: NamedTensors = { ...params };
        names.forEach((n, i) => (named[n] = xs[i]));
        const loss = objective(named);
        checkScalar(loss);
        return loss;
      })(variables);
      value = result.value as tf.Scalar;
      gradList = result.grads;
    } catch (e) {
      throw explainGradientError(e, names);
    }
    const grads: NamedTensors = {};
    names.forEach((n, i) => (grads[n] = gradList[i]));
    const gradNorm = withGradNorm ? globalNorm(grads) : undefined;
    const next =
      transform.fused && fusedUpdatesEnabled()
        ? transform.fused.apply(trained, grads, state)
        : updateInPlace(transform, trained, grads, state);
    return { loss: value, gradNorm, state: next as tf.TensorContainer };
  });
  disposeReplaced(state, out.state);
  return out as unknown as StepOutput<S>;
}

/**
 * The parameters that training updates: a variable made with `trainable: false`
 * (tf.variable(x, false)) is left alone, like a tensor with requires_grad=False in
 * PyTorch; the loss may still use it. Optimizer state is made for these only.
 */
export function trainableParams(params: Record<string, tf.Variable>): Record<string, tf.Variable> {
  if (Object.keys(params).length === 0) {
    throw new DownhillError(`the model has no parameters, so there is nothing to train.`, `give the model tf.variable parameters, e.g. use models.linear() or models.mlp({ sizes: [...] }).`);
  }
  checkNotDisposed('training', params);
  const trained = Object.fromEntries(Object.entries(params).filter(([, p]) => p.trainable !== false));
  if (Object.keys(trained).length === 0) {
    throw new DownhillError(
      `no trainable parameters: every one of ${Object.keys(params).join(', ') || '(none)'} was made with trainable: false.`,
      `create the parameters to train with tf.variable(x), which is trainable by default.`,
    );
  }
  return trained;
}

function checkScalar(loss: unknown): void {
  if (!(loss instanceof tf.Tensor)) {
    throw new DownhillError(
      `the loss function returned ${typeof loss}, not a tensor.`,
      `return a scalar tensor, e.g. tf.mean(tf.square(pred.sub(y))).`,
    );
  }
  if (loss.rank !== 0) {
    throw new DownhillError(
      `the loss function returned a tensor of shape [${loss.shape.join(', ')}], not a scalar.`,
      `reduce it to one number, e.g. with tf.mean(...) or tf.sum(...).`,
    );
  }
}

function explainGradientError(e: unknown, names: string[]): Error {
  if (e instanceof DownhillError) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (/Cannot compute gradient/.test(message)) {
    return new DownhillError(
      `the loss does not depend on every parameter (${names.join(', ')}): at least one has no gradient.`,
      `use every parameter in the loss, or leave the unused ones out of the parameters you optimize.`,
    );
  }
  return e instanceof Error ? e : new Error(message);
}
