import * as tf from '@tensorflow/tfjs';

/**
 * The largest dataset, in bytes, worth keeping on the active backend's device
 * and gathering batches from: on WebGPU its maxStorageBufferBindingSize (128 MiB on
 * lavapipe and many GPUs, 2 GiB on an H100; a larger binding trains on garbage).
 * On wasm and cpu the "device" is host memory, where copying a batch out of the
 * typed arrays is cheaper than TF.js's gather (on WASM 1.8 ms for 128 MNIST rows,
 * which also reads its indices back to check them): 0, so batches are copied.
 */
export function largestResidentDatasetBytes(): number {
  if (tf.getBackend() !== 'webgpu') return 0;
  const backend = tf.backend() as unknown as { device?: { limits?: { maxStorageBufferBindingSize?: number } } };
  return backend.device?.limits?.maxStorageBufferBindingSize ?? 128 * 2 ** 20;
}
