import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { canReadSync } from './sync_reads';

/** Two failures of the WebGPU backend that would otherwise be silent or cryptic, made into errors that say what to do. */

export type BufferManager = { acquireBuffer(size: number, usage: number, ...rest: unknown[]): unknown; downhillGuard?: boolean };

/**
 * A WebGPU kernel cannot bind a storage buffer larger than the adapter's
 * maxStorageBufferBindingSize (128 MiB on many, lavapipe included; 2 GiB on an
 * H100). Dawn then reports a validation message and the kernel quietly returns
 * zeros: a preloaded 60000×784 MNIST tensor (188 MB) trains to 9.8% accuracy
 * without an error. This makes such a buffer an
 * error at the moment it would be created, naming the size and the fix.
 */
export function guardStorageBindings(limit: number): void {
  const backend = tf.backend() as unknown as { bufferManager?: BufferManager };
  const manager = backend.bufferManager;
  if (!manager || manager.downhillGuard) return;
  const storage = (globalThis as { GPUBufferUsage?: { STORAGE: number } }).GPUBufferUsage?.STORAGE ?? 0x80;
  const acquire = manager.acquireBuffer.bind(manager);
  manager.acquireBuffer = (size: number, usage: number, ...rest: unknown[]) => {
    if (size > limit && usage & storage) {
      throw new DownhillError(
        `a ${mib(size)} tensor is larger than this WebGPU adapter can bind at once (${mib(limit)}); its results would be silently wrong.`,
        'feed the data in batches (fit and evaluate do: pass a Dataset and a batchSize, do not preload it as one tensor), or use DOWNHILL_BACKEND=wasm.',
      );
    }
    return acquire(size, usage, ...rest);
  };
  manager.downhillGuard = true;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 24 ? 1 : 0)} MiB`;
}

type ReadableBackend = {
  readSync(dataId: object): unknown;
  tensorMap: { get(dataId: object): { values?: unknown } | undefined };
  downhillReadSync?: boolean;
};

/**
 * dataSync()/arraySync() of a tensor that lives on the GPU fails under WebGPU in
 * Node with "OffscreenCanvas is not defined"; this says what happened and what to
 * write instead. Tensors whose values are still on the host read as before.
 */
export function explainSyncReads(): void {
  const backend = tf.backend() as unknown as ReadableBackend;
  if (backend.downhillReadSync || canReadSync()) return;
  const readSync = backend.readSync.bind(backend);
  backend.readSync = (dataId: object) => {
    if (backend.tensorMap.get(dataId)?.values == null) {
      throw new DownhillError(
        'a synchronous read (dataSync, arraySync, or a function that uses them) of a tensor that lives on the GPU: WebGPU in Node can only read back asynchronously.',
        'read it with `await t.data()` or `await t.array()` (downhill\'s fit, evaluate and Optimizer.step already do), or use DOWNHILL_BACKEND=wasm.',
      );
    }
    return readSync(dataId);
  };
  backend.downhillReadSync = true;
}
