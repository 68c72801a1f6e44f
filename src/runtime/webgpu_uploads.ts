import * as tf from '@tensorflow/tfjs';
import type { BufferManager } from './webgpu_guards';

type UploadingBackend = {
  uploadToGPU(dataId: object): void;
  tensorMap: { get(dataId: object): { values?: ArrayLike<number> | null; dtype: tf.DataType; shape: number[]; resource?: unknown } };
  bufferManager: BufferManager;
  device: { queue: { writeBuffer(buffer: unknown, offset: number, data: ArrayBufferLike, dataOffset: number, size: number): void } };
  downhillUploads?: boolean;
};

/**
 * tfjs-backend-webgpu copies every tensor that starts on the host (a batch, a
 * scalar such as a learning rate) into a new buffer created mapped, plus a fresh
 * staging buffer. Creating mapped buffers is slow on some drivers: on an NVIDIA
 * H100 through Dawn an op with a new scalar cost 1.2 ms against 0.13 ms with an
 * existing one, and an MLP training step with Adam took 71 ms. This uploads with
 * queue.writeBuffer into a pooled buffer instead (Dawn stages the bytes in its own
 * ring buffer): 0.11 ms, and the same step takes 9 ms. The buffer comes from the
 * free pool, which holds only buffers no pending command uses, and the queue runs
 * the write before any command recorded after it, so the order of reads and
 * writes is unchanged.
 */
export function uploadThroughQueue(): void {
  const backend = tf.backend() as unknown as UploadingBackend;
  if (backend.downhillUploads || typeof backend.uploadToGPU !== 'function') return;
  const original = backend.uploadToGPU.bind(backend);
  const usage = (globalThis as unknown as { GPUBufferUsage?: { STORAGE: number; COPY_SRC: number; COPY_DST: number } }).GPUBufferUsage;
  if (!usage) return;
  backend.uploadToGPU = (dataId: object) => {
    const data = backend.tensorMap.get(dataId);
    if (!data || data.resource != null || data.values == null || !['float32', 'int32', 'bool'].includes(data.dtype)) return original(dataId);
    const bytes = 4 * tf.util.sizeFromShape(data.shape);
    const values = data.dtype === 'float32' ? (data.values instanceof Float32Array ? data.values : Float32Array.from(data.values)) : Int32Array.from(data.values);
    const buffer = backend.bufferManager.acquireBuffer(bytes, usage.STORAGE | usage.COPY_SRC | usage.COPY_DST);
    backend.device.queue.writeBuffer(buffer, 0, values.buffer, values.byteOffset, bytes);
    data.values = null; // as the original: once on the GPU, the host copy is dropped
    data.resource = buffer;
  };
  backend.downhillUploads = true;
}
