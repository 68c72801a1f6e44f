import * as tf from '@tensorflow/tfjs';

/**
 * Whether the active backend can read a tensor back synchronously (dataSync,
 * arraySync). WebGPU in Node cannot: its only synchronous path draws through an
 * OffscreenCanvas, which exists in browsers only.
 */
export function canReadSync(): boolean {
  return !(tf.getBackend() === 'webgpu' && typeof (globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas === 'undefined');
}

/**
 * Runs a small synchronous computation whose result is read at once (a landscape
 * evaluated on a plotting grid) on the plain-JavaScript backend when the active one
 * cannot read synchronously, then switches back. `fn` must make its own tensors
 * from plain numbers and return plain values.
 */
export function computeOnCpu<T>(fn: () => T): T {
  if (canReadSync()) return fn();
  const active = tf.getBackend();
  switchNow('cpu');
  try {
    return fn();
  } finally {
    switchNow(active);
  }
}

/**
 * Switches the active backend without awaiting. TensorFlow.js's setBackend does
 * all its work before its first await when the backend is already initialised
 * (the cpu backend initialises synchronously), so the switch is complete when it
 * returns; this checks that rather than trusting it.
 */
function switchNow(name: string): void {
  void tf.setBackend(name);
  if (tf.getBackend() !== name || (tf.engine() as unknown as { backendInstance: unknown }).backendInstance == null) {
    throw new Error(`downhill: could not switch to the '${name}' backend synchronously (TensorFlow.js changed how setBackend works)`);
  }
}
