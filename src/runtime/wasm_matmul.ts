import * as tf from '@tensorflow/tfjs';

type KernelArgs = {
  inputs: { a: tf.TensorInfo; b: tf.TensorInfo };
  backend: { disposeData(dataId: object): void };
  attrs: { transposeA?: boolean; transposeB?: boolean; [key: string]: unknown };
};

const PATCHED = Symbol.for('downhill.wasmTransposedMatMul');

/**
 * The WASM backend multiplies untransposed matrices fast (XNNPACK, ~20 GFLOP/s on
 * one core here) but falls back to a slow loop when an operand is transposed (~1.7
 * GFLOP/s). Backpropagation through a dense layer is exactly that: dW = xᵀ·dy and
 * dx = dy·Wᵀ. This wraps the registered BatchMatMul kernel: a transposed operand is
 * first transposed for real by the backend's own Transpose kernel (a cheap copy),
 * then the fast kernel runs. Results are the same; every matMul benefits, the
 * gradients of every model included.
 */
export function speedUpTransposedMatMul(): void {
  const original = tf.getKernel('BatchMatMul', 'wasm') as (tf.KernelConfig & { [PATCHED]?: true }) | undefined;
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!original || !transpose || original[PATCHED]) return;
  const transposeLast2 = (x: tf.TensorInfo, backend: KernelArgs['backend']): tf.TensorInfo => {
    const rank = x.shape.length;
    const perm = [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
    return transpose.kernelFunc({ inputs: { x }, backend: backend as never, attrs: { perm } }) as tf.TensorInfo;
  };
  const kernelFunc = (args: KernelArgs) => {
    const { inputs, backend, attrs } = args;
    if (!attrs.transposeA && !attrs.transposeB) return original.kernelFunc(args as never);
    const a = attrs.transposeA ? transposeLast2(inputs.a, backend) : inputs.a;
    const b = attrs.transposeB ? transposeLast2(inputs.b, backend) : inputs.b;
    try {
      return original.kernelFunc({ inputs: { a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } } as never);
    } finally {
      if (a !== inputs.a) backend.disposeData(a.dataId);
      if (b !== inputs.b) backend.disposeData(b.dataId);
    }
  };
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...original, kernelFunc: kernelFunc as unknown as tf.KernelFunc, [PATCHED]: true } as tf.KernelConfig);
}
