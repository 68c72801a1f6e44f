import * as tf from '@tensorflow/tfjs';

/** The backend methods every device→host read goes through (dataSync, data, arraySync, array, bytes…). */
type Reader = { read: (...args: unknown[]) => unknown; readSync: (...args: unknown[]) => unknown };

/**
 * Counts device→host reads while `fn` runs, by wrapping the active backend's
 * read and readSync: every tensor.data(), dataSync(), array() and arraySync()
 * ends in one of them, whoever calls it (downhill or TF.js itself). On wasm a read
 * is a copy and on WebGPU it waits for the queue to drain; on cpu TF.js's own
 * kernels read their inputs through readSync too, so counts there are not syncs.
 */
export async function countHostReads(fn: () => Promise<void>): Promise<number> {
  const backend = tf.engine().backend as unknown as Reader;
  const own = { read: Object.prototype.hasOwnProperty.call(backend, 'read'), readSync: Object.prototype.hasOwnProperty.call(backend, 'readSync') };
  const original = { read: backend.read, readSync: backend.readSync };
  let reads = 0;
  // WASM's read() is readSync() inside an async function: one read, not two.
  let insideRead = false;
  backend.read = function (...args: unknown[]) {
    reads++;
    insideRead = true;
    try {
      return original.read.apply(this, args);
    } finally {
      insideRead = false;
    }
  };
  backend.readSync = function (...args: unknown[]) {
    if (!insideRead) reads++;
    return original.readSync.apply(this, args);
  };
  try {
    await fn();
  } finally {
    for (const name of ['read', 'readSync'] as const) {
      if (own[name]) backend[name] = original[name];
      else delete (backend as Partial<Reader>)[name];
    }
  }
  return reads;
}
