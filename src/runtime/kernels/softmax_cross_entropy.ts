import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../../errors';
import { webgpuKernel } from './softmax_cross_entropy_webgpu';

/**
 * Softmax cross-entropy in one kernel: from logits z [n, c] and targets (class
 * indices [n] as int32, or rows [n, c] of probabilities) it returns the mean loss
 *
 *   L = (1/n) Σᵢ (logsumexp(zᵢ) − Σⱼ tᵢⱼ zᵢⱼ)
 *
 * and its gradient (softmax(z) − t)/n together, so the backward pass is one
 * multiplication by the incoming gradient. The composite of TF.js ops it replaces
 * launches about a dozen kernels forward and back, and needs one-hot targets.
 */
export const SOFTMAX_CROSS_ENTROPY = 'DownhillSoftmaxCrossEntropy';

/** Computes the loss and gradient on plain arrays (the cpu and wasm kernels' shared arithmetic). */
export function softmaxCrossEntropyInto(
  z: Float32Array, n: number, c: number, target: Int32Array | Float32Array, sparse: boolean, grad: Float32Array,
): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const row = i * c;
    let max = -Infinity;
    for (let j = 0; j < c; j++) if (z[row + j] > max) max = z[row + j];
    // exp(z − max) once per element, kept in grad until the sum is known: softmax = exp(z − max) / sum.
    let sum = 0;
    for (let j = 0; j < c; j++) sum += grad[row + j] = Math.exp(z[row + j] - max);
    const logSumExp = max + Math.log(sum);
    if (sparse) {
      const label = target[i];
      if (!(label >= 0 && label < c)) {
        throw new DownhillError(
          `crossEntropy: sample ${i} has label ${label}, but the logits have ${c} classes (labels 0 to ${c - 1}).`,
          `check the labels (e.g. 1-based labels need label − 1), or give the model ${label + 1} or more outputs.`,
        );
      }
      total += logSumExp - z[row + label];
      for (let j = 0; j < c; j++) grad[row + j] = (grad[row + j] / sum - (j === label ? 1 : 0)) / n;
    } else {
      for (let j = 0; j < c; j++) {
        const t = target[row + j];
        if (t !== 0) total += t * (logSumExp - z[row + j]);
        grad[row + j] = (grad[row + j] / sum - t) / n;
      }
    }
  }
  return total / n;
}

type Inputs = { logits: tf.TensorInfo; target: tf.TensorInfo };
type CpuBackend = { data: { get(dataId: object): { values: ArrayLike<number> } }; makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo };
type WasmBackend = {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  wasm: { HEAPU8: Uint8Array };
};

function cpuKernel({ inputs, backend }: { inputs: Inputs; backend: CpuBackend }): tf.TensorInfo[] {
  const [n, c] = inputs.logits.shape;
  const z = backend.data.get(inputs.logits.dataId).values as Float32Array;
  const t = backend.data.get(inputs.target.dataId).values as Int32Array | Float32Array;
  const grad = new Float32Array(n * c);
  const loss = softmaxCrossEntropyInto(z, n, c, t, inputs.target.dtype === 'int32', grad);
  return [backend.makeTensorInfo([], 'float32', Float32Array.of(loss)), backend.makeTensorInfo([n, c], 'float32', grad)];
}

function wasmKernel({ inputs, backend }: { inputs: Inputs; backend: WasmBackend }): tf.TensorInfo[] {
  const [n, c] = inputs.logits.shape;
  const loss = backend.makeOutput([], 'float32');
  const grad = backend.makeOutput([n, c], 'float32');
  // Views after the outputs are made: allocating may grow the heap and replace its buffer.
  const heap = backend.wasm.HEAPU8.buffer;
  const at = (t: tf.TensorInfo) => backend.dataIdMap.get(t.dataId).memoryOffset;
  const sparse = inputs.target.dtype === 'int32';
  const z = new Float32Array(heap, at(inputs.logits), n * c);
  const t = sparse ? new Int32Array(heap, at(inputs.target), n) : new Float32Array(heap, at(inputs.target), n * c);
  const value = softmaxCrossEntropyInto(z, n, c, t, sparse, new Float32Array(heap, at(grad), n * c));
  new Float32Array(heap, at(loss), 1)[0] = value;
  return [loss, grad];
}

for (const [backendName, kernelFunc] of [['cpu', cpuKernel], ['wasm', wasmKernel], ['webgpu', webgpuKernel]] as const) {
  if (!tf.getKernel(SOFTMAX_CROSS_ENTROPY, backendName)) {
    tf.registerKernel({ kernelName: SOFTMAX_CROSS_ENTROPY, backendName, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
  }
}

// Backward: the incoming gradient of the loss times the gradient the kernel saved (its second output).
if (!tf.getGradient(SOFTMAX_CROSS_ENTROPY)) {
  tf.registerGradient({
    kernelName: SOFTMAX_CROSS_ENTROPY,
    outputsToSave: [false, true],
    gradFunc: (dy, saved) => ({ logits: () => tf.mul((dy as tf.Tensor[])[0], saved[0]) }),
  });
}

/** Whether the active backend has the fused kernel (else the composite of TF.js ops runs). */
export function hasSoftmaxCrossEntropyKernel(): boolean {
  return !!tf.getKernel(SOFTMAX_CROSS_ENTROPY, tf.getBackend());
}

/** [loss, gradient] from the fused kernel. */
export function softmaxCrossEntropyKernel(logits: tf.Tensor, target: tf.Tensor): [tf.Scalar, tf.Tensor] {
  const [loss, grad] = tf.engine().runKernel(SOFTMAX_CROSS_ENTROPY, { logits, target } as unknown as tf.NamedTensorMap, {}) as unknown as tf.Tensor[];
  return [loss as tf.Scalar, grad];
}
