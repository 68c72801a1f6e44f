import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { disposeAll } from '../named_tensors';
import { descentStep, trainableParams } from './step';
import { GradientTransformation } from './transformation';

/**
 * The PyTorch-like way in: an optimizer bound to some variables.
 *
 *   const w = tf.variable(tf.scalar(5));
 *   const opt = new Optimizer({ w }, sgd({ lr: 0.1 }));
 *   const loss = await opt.step(() => tf.square(w.sub(2)));   // w is now 4.4
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
  private current: unknown;

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
    this.current = tf.tidy(() => transform.init(trainableParams(params)) as tf.TensorContainer);
  }

  /**
   * The optimizer state, as torch's `optimizer.state`: read it (e.g.
   * `optim.averagedParams(opt.state)` for ASGD), do not dispose or keep it; the next step replaces it.
   */
  get state(): unknown {
    return this.current;
  }

  /** The learning rate the next step will use (undefined if the transformation has none). */
  get lr(): number | undefined {
    return this.transform.learningRate?.(this.current);
  }

  /**
   * One update. Resolves to the loss before the update; awaiting reads it back
   * without blocking, which is also what lets a WebGPU backend run it.
   */
  async step(loss: () => tf.Tensor): Promise<number> {
    const out = descentStep(this.params, () => loss(), this.transform, this.current);
    this.current = out.state;
    this.steps++;
    const both = tf.stack([out.loss, out.gradNorm!]);
    tf.dispose([out.loss, out.gradNorm!]);
    const [value, norm] = await both.data();
    both.dispose();
    this.lastGradNorm = norm;
    return value;
  }

  /** Frees the optimizer state (the parameters are left alone). */
  dispose(): void {
    disposeAll(this.current);
    this.current = undefined;
  }
}
