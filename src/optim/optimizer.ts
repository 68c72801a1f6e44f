import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { disposeAll } from '../named_tensors';
import { descentStep } from './step';
import { GradientTransformation } from './transformation';

/**
 * The PyTorch-like way in: an optimizer bound to some variables.
 *
 *   const w = tf.variable(tf.scalar(5));
 *   const opt = new Optimizer({ w }, sgd({ lr: 0.1 }));
 *   const loss = opt.step(() => tf.square(w.sub(2)));   // w is now 4.4
 *
 * `step` computes the gradient of the loss with respect to the variables, applies
 * one update and returns the loss before the update, as a number.
 */
export class Optimizer {
  readonly params: Record<string, tf.Variable>;
  readonly transform: GradientTransformation;
  /** Updates made so far. */
  steps = 0;
  /** The gradient norm of the last step (before clipping). */
  lastGradNorm = NaN;
  private state: unknown;

  constructor(params: Record<string, tf.Variable>, transform: GradientTransformation) {
    if (!params || typeof params !== 'object' || Object.keys(params).length === 0) {
      throw new DownhillError('Optimizer: no parameters to optimize.', 'pass named variables, e.g. new Optimizer({ w, b }, sgd({ lr: 0.1 })).');
    }
    for (const [name, p] of Object.entries(params)) {
      if (!(p instanceof tf.Variable)) {
        throw new DownhillError(
          `Optimizer: parameter '${name}' is not a tf.Variable, so it cannot be updated in place.`,
          `wrap it: ${name} = tf.variable(${name}).`,
        );
      }
    }
    if (!transform || typeof transform.update !== 'function') {
      throw new DownhillError('Optimizer: the second argument is not an optimizer.', 'pass e.g. optim.sgd({ lr: 0.1 }).');
    }
    this.params = params;
    this.transform = transform;
    this.state = tf.tidy(() => transform.init(params) as tf.TensorContainer);
  }

  /** The learning rate the next step will use (undefined if the transformation has none). */
  get lr(): number | undefined {
    return this.transform.learningRate?.(this.state);
  }

  step(loss: () => tf.Tensor): number {
    const out = descentStep(this.params, () => loss(), this.transform, this.state);
    this.state = out.state;
    const [value, norm] = [out.loss.dataSync()[0], out.gradNorm.dataSync()[0]];
    out.loss.dispose();
    out.gradNorm.dispose();
    this.steps++;
    this.lastGradNorm = norm;
    return value;
  }

  /** Frees the optimizer state (the parameters are left alone). */
  dispose(): void {
    disposeAll(this.state);
    this.state = undefined;
  }
}
