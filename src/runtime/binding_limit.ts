import * as tf from '@tensorflow/tfjs';

/** Keep a dataset on WASM's heap only below this: the heap tops out at a few GiB and also holds every activation. */
const WASM_RESIDENT_BYTES = 512 * 2 ** 20;

/**
 * The largest tensor, in bytes, the active backend can use in one kernel: WebGPU's
 * maxStorageBufferBindingSize (128 MiB on lavapipe and many GPUs, 2 GiB on an
 * H100), a share of the WASM heap, or no limit on the cpu backend (host memory).
 */
export function largestTensorBytes(): number {
  const backend = tf.backend() as unknown as { device?: { limits?: { maxStorageBufferBindingSize?: number } } };
  const name = tf.getBackend();
  if (name === 'webgpu') return backend.device?.limits?.maxStorageBufferBindingSize ?? 128 * 2 ** 20;
  if (name === 'wasm') return WASM_RESIDENT_BYTES;
  return Infinity;
}
