import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { Random } from '../random';

/**
 * How weights start. 'he' (Kaiming normal, std sqrt(2 / fanIn)) suits ReLU layers;
 * 'xavier' (Glorot uniform, ±sqrt(6 / (fanIn + fanOut))) suits tanh / linear
 * layers; 'zeros' is fine for linear and softmax regression (a convex loss), never
 * for hidden layers (every unit would stay identical).
 */
export type Init = 'he' | 'xavier' | 'zeros';
export const INITS: readonly Init[] = ['he', 'xavier', 'zeros'];

/** A [fanIn, fanOut] weight matrix drawn on the host with a seeded generator. */
export function initWeights(init: Init, fanIn: number, fanOut: number, rng: Random, where: string): tf.Tensor2D {
  const n = fanIn * fanOut;
  let values: Float32Array;
  switch (init) {
    case 'he':
      values = rng.normalArray(n, 0, Math.sqrt(2 / fanIn));
      break;
    case 'xavier': {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      values = rng.uniformArray(n, -limit, limit);
      break;
    }
    case 'zeros':
      values = new Float32Array(n);
      break;
    default:
      throw new DownhillError(`${where}: unknown init '${String(init)}'.`, `use one of: ${INITS.join(', ')}.`);
  }
  return tf.tensor2d(values, [fanIn, fanOut]);
}
