import * as tf from '@tensorflow/tfjs';
import { BlasAddon, nativeBlas } from './native_blas';

type WasmBackend = {
  disposeData(dataId: object): void;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  wasm: { HEAPU8: Uint8Array };
};
type KernelArgs = {
  inputs: { a: tf.TensorInfo; b: tf.TensorInfo };
  backend: WasmBackend;
  attrs: { transposeA?: boolean; transposeB?: boolean; [key: string]: unknown };
};

const PATCHED = Symbol.for('downhill.wasmMatMul');
let useNative = true;

/**
 * Makes the WASM backend's matMul (the BatchMatMul kernel, which every dense layer
 * and its gradients use) fast, in one of two ways:
 *
 * - With the native addon built (native/blas_matmul.c), OpenBLAS's sgemm runs on the
 *   tensors in place in the WebAssembly heap, transposes included: about 75 GFLOP/s
 *   on one core here against about 20 for XNNPACK inside WASM (128-bit SIMD only).
 * - Without it, XNNPACK: it is fast for untransposed operands but falls back to a
 *   slow loop (~1.7 GFLOP/s) when one is transposed, as in dW = xᵀ·dy and
 *   dx = dy·Wᵀ. A transposed operand is first transposed for real by the backend's
 *   own Transpose kernel (a cheap copy), then the fast kernel runs.
 *
 * Returns a line for the doctor: which one runs, and why.
 */
export function speedUpMatMul(): string {
  const native = nativeBlas();
  const original = tf.getKernel('BatchMatMul', 'wasm') as (tf.KernelConfig & { [PATCHED]?: true }) | undefined;
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (original && transpose && !original[PATCHED]) {
    const xnnpack = withRealTransposes(original.kernelFunc as unknown as (args: KernelArgs) => tf.TensorInfo, transpose);
    const kernelFunc = (args: KernelArgs) => {
      const addon = useNative ? native.addon : undefined;
      return (addon && sgemmKernel(addon, args)) || xnnpack(args);
    };
    tf.unregisterKernel('BatchMatMul', 'wasm');
    tf.registerKernel({ ...original, kernelFunc: kernelFunc as unknown as tf.KernelFunc, [PATCHED]: true } as tf.KernelConfig);
  }
  const fused = tf.getKernel('_FusedMatMul', 'wasm') as (tf.KernelConfig & { [PATCHED]?: true }) | undefined;
  if (fused && !fused[PATCHED]) {
    const xnnpack = fused.kernelFunc as unknown as (args: FusedArgs) => tf.TensorInfo;
    const kernelFunc = (args: FusedArgs) => {
      const addon = useNative ? native.addon : undefined;
      return (addon && fusedSgemmKernel(addon, args)) || xnnpack(args);
    };
    tf.unregisterKernel('_FusedMatMul', 'wasm');
    tf.registerKernel({ ...fused, kernelFunc: kernelFunc as unknown as tf.KernelFunc, [PATCHED]: true } as tf.KernelConfig);
  }
  if (native.addon && !tf.getKernel(DENSE_PARAM_GRAD, 'wasm')) {
    tf.registerKernel({ kernelName: DENSE_PARAM_GRAD, backendName: 'wasm', kernelFunc: denseParamGradKernel as unknown as tf.KernelFunc });
  }
  return native.addon
    ? `matMul: native OpenBLAS (${native.addon.describe()})`
    : `matMul: XNNPACK inside WASM; the faster native OpenBLAS matMul is not in use: ${native.reason} (fix: ${native.fix})`;
}

/**
 * Whether WASM uses the native addon when it is built, for matMul and the passes around it (a
 * dense layer's bias, relu and gradient, the batch gather): lesson 11, the tests and the
 * benchmark compare both. Returns whether the addon is built.
 */
export function useNativeMatMul(on: boolean): boolean {
  useNative = on;
  return !!nativeBlas().addon;
}

/** OpenBLAS on the operands in the WASM heap; undefined for what it does not handle (then XNNPACK runs). */
function sgemmKernel(addon: BlasAddon, { inputs: { a, b }, backend, attrs }: KernelArgs): tf.TensorInfo | undefined {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return undefined;
  const ta = !!attrs.transposeA;
  const tb = !!attrs.transposeB;
  const [ra, rb] = [a.shape.length, b.shape.length];
  const m = ta ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = ta ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = tb ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = tb ? b.shape[rb - 2] : b.shape[rb - 1];
  const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
  const batch = Math.max(batchA, batchB);
  // Mismatched inner sizes, empty operands and unusual broadcasts: XNNPACK's kernel handles (or reports) them.
  if (k !== kb || m * n * k === 0 || (batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return undefined;
  const outer = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  if (tf.util.sizeFromShape(outer) !== batch) return undefined;
  const out = backend.makeOutput([...outer, m, n], 'float32');
  const view = heapView(backend);
  addon.sgemm(ta, tb, m, n, k, view(a), view(b), view(out), batch, batchA, batchB);
  return out;
}

type FusedArgs = {
  inputs: { a: tf.TensorInfo; b: tf.TensorInfo; bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo };
  backend: WasmBackend;
  attrs: { transposeA?: boolean; transposeB?: boolean; activation?: string; [key: string]: unknown };
};

/**
 * A dense layer's forward pass, x·W + b then relu, as one kernel: OpenBLAS's sgemm,
 * then the bias and the activation in one pass over the output in the heap (in C).
 * Other activations, and biases that are not one value per column, go to XNNPACK.
 */
function fusedSgemmKernel(addon: BlasAddon, { inputs: { a, b, bias, preluActivationWeights }, backend, attrs }: FusedArgs): tf.TensorInfo | undefined {
  const activation = attrs.activation ?? 'linear';
  if (preluActivationWeights || (activation !== 'linear' && activation !== 'relu')) return undefined;
  const n = attrs.transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  if (bias && (bias.dtype !== 'float32' || (tf.util.sizeFromShape(bias.shape) !== n && tf.util.sizeFromShape(bias.shape) !== 1))) return undefined;
  const out = sgemmKernel(addon, { inputs: { a, b }, backend, attrs });
  if (!out) return undefined;
  if (!bias && activation === 'linear') return out;
  const view = heapView(backend);
  addon.biasActivation(view(out), bias ? view(bias) : null, n, activation === 'relu');
  return out;
}

/** The native addon when it is built and in use (useNativeMatMul), else undefined. */
export function nativeAddonInUse(): BlasAddon | undefined {
  return useNative ? nativeBlas().addon : undefined;
}

/** The kernel that gives a dense layer its parameter gradients in one call (see runtime/kernels/dense.ts). */
export const DENSE_PARAM_GRAD = 'DownhillDenseParamGrad';

/** Whether the active backend has DENSE_PARAM_GRAD: wasm with the native addon in use. */
export function hasDenseParamGrad(): boolean {
  return tf.getBackend() === 'wasm' && useNative && !!nativeBlas().addon && !!tf.getKernel(DENSE_PARAM_GRAD, 'wasm');
}

type DenseParamGradArgs = { inputs: { dy: tf.TensorInfo; x: tf.TensorInfo; y?: tf.TensorInfo }; backend: WasmBackend };

/**
 * dy [rows, out], x [rows, in] and, for a relu layer, y [rows, out] (its output) →
 * [∂w, ∂b] for a linear layer, [∂w, ∂b, g] for a relu one (g = dy ⊙ step(y), which ∂x needs):
 * the mask, the bias sums and xᵀ·g in one native call instead of five TF.js kernels.
 */
function denseParamGradKernel({ inputs: { dy, x, y }, backend }: DenseParamGradArgs): tf.TensorInfo[] {
  const addon = nativeBlas().addon!;
  const [rows, outputs] = dy.shape;
  const inputs = x.shape[1];
  const dw = backend.makeOutput([inputs, outputs], 'float32');
  const db = backend.makeOutput([outputs], 'float32');
  const g = y ? backend.makeOutput([rows, outputs], 'float32') : undefined;
  const made = g ? [dw, db, g] : [dw, db];
  const view = heapView(backend);
  try {
    addon.denseParamGrad(rows, inputs, outputs, view(dy), view(x), y ? view(y) : null, view(dw), view(db), g ? view(g) : null);
  } catch (e) {
    for (const t of made) backend.disposeData(t.dataId);
    throw e;
  }
  return made;
}

/** A float32 tensor's data in the WASM heap; taken after every makeOutput, since allocating may grow the heap and replace its buffer. */
function heapView(backend: WasmBackend): (t: tf.TensorInfo) => Float32Array {
  const heap = backend.wasm.HEAPU8.buffer;
  return (t) => new Float32Array(heap, backend.dataIdMap.get(t.dataId).memoryOffset, tf.util.sizeFromShape(t.shape));
}

function withRealTransposes(original: (args: KernelArgs) => tf.TensorInfo, transpose: tf.KernelConfig) {
  const transposeLast2 = (x: tf.TensorInfo, backend: WasmBackend): tf.TensorInfo => {
    const rank = x.shape.length;
    const perm = [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
    return transpose.kernelFunc({ inputs: { x }, backend: backend as never, attrs: { perm } }) as tf.TensorInfo;
  };
  return (args: KernelArgs): tf.TensorInfo => {
    const { inputs, backend, attrs } = args;
    if (!attrs.transposeA && !attrs.transposeB) return original(args);
    const a = attrs.transposeA ? transposeLast2(inputs.a, backend) : inputs.a;
    const b = attrs.transposeB ? transposeLast2(inputs.b, backend) : inputs.b;
    try {
      return original({ inputs: { a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
    } finally {
      if (a !== inputs.a) backend.disposeData(a.dataId);
      if (b !== inputs.b) backend.disposeData(b.dataId);
    }
  };
}
