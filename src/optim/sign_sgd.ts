import * as tf from '@tensorflow/tfjs';
import { OptionValues, nonNegative, readOptions } from '../options';
import { learningRate, refuseCycledMomentum } from '../schedules/hyperparameter';
import { describeOptimizer } from './describe';
import { SIGN_SGD_UPDATE } from '../runtime/kernels/sign_update';
import { FusedDirection, torchChain, updateEveryParameter } from './torch_chain';
import { GradientTransformation, stateless } from './transformation';

/**
 * Sign-SGD (Bernstein et al., 2018): every parameter moves by the learning rate,
 * in the direction opposite to its gradient's sign.
 *
 *   θ ← θ − η·(sign(g) + λ·θ)            (decoupled weight decay; sign(0) = 0)
 */

const SIGN_SGD = {
  lr: learningRate(),
  weightDecay: nonNegative(0),
};

export type SignSgdOptions = Partial<OptionValues<typeof SIGN_SGD>> & Pick<OptionValues<typeof SIGN_SGD>, 'lr'>;

/** Sign-SGD; lr is required (there is no PyTorch default to copy). */
export function signSgd(options: SignSgdOptions): GradientTransformation {
  const o = readOptions('signSgd', options, SIGN_SGD);
  refuseCycledMomentum('signSgd', o.lr);
  const direction = stateless((g) => tf.sign(g), 'sign');
  const fused: FusedDirection<[null]> = (params, grads, states, terms) => {
    updateEveryParameter(SIGN_SGD_UPDATE, params, grads, {}, { ...terms });
    return states;
  };
  return { ...torchChain({ ...o, decoupledWeightDecay: true, fused }, direction), name: describeOptimizer('signSgd', options) };
}
