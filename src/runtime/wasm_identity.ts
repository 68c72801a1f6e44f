import * as tf from '@tensorflow/tfjs';

const SHARED = Symbol.for('downhill.wasmIdentity');

/**
 * Makes the WASM backend's Identity kernel share its input's data, as the cpu and
 * webgpu backends' do, instead of copying it. TF.js runs Identity for every tensor
 * the tape saves for the backward pass (engine.saveTensorsForBackwardMode clones
 * them): six per MLP training step, a batch of 128 images among them. Sharing is
 * safe because a TF.js tensor's data is never written after it is made (a
 * Variable's assign takes new data; no downhill kernel writes into an input).
 */
export function shareIdentityData(): void {
  const original = tf.getKernel('Identity', 'wasm') as (tf.KernelConfig & { [SHARED]?: true }) | undefined;
  if (!original || original[SHARED]) return;
  const kernelFunc = ({ inputs: { x }, backend }: { inputs: { x: tf.TensorInfo }; backend: { incRef(dataId: object): void } }) => {
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({ ...original, kernelFunc: kernelFunc as unknown as tf.KernelFunc, [SHARED]: true } as tf.KernelConfig);
}
