import * as tf from '@tensorflow/tfjs';
import { DENSE_PARAM_GRAD, hasDenseParamGrad } from '../wasm_matmul';

/**
 * A dense layer, y = act(x·w + b) with act relu or linear, as one kernel while
 * training. TF.js has the fused kernel (_FusedMatMul) on every backend, but its
 * tf.fused.matMul runs a separate matMul, add and activation whenever gradients
 * are recorded with an activation, and otherwise wraps the kernel in a custom
 * gradient that reshapes and copies its inputs and computes the gradient of every
 * input, the data included. These two kernels run _FusedMatMul itself and give
 * the tape the layer's gradient, so it computes only what it needs:
 *
 *   g = dy ⊙ [y > 0] (relu) or dy (linear)
 *   ∂x = g·wᵀ   ∂w = xᵀ·g   ∂b = Σ over the rows of g
 *
 * The linear one does not keep its output for the backward pass (the relu one
 * needs it for the mask). On wasm with the native addon, g, ∂w and ∂b come from one
 * native call (DENSE_PARAM_GRAD, runtime/wasm_matmul.ts) instead of five kernels; it
 * computes them whenever the layer is differentiated, so a gradient with respect to
 * the data alone also pays for ∂w (a second-order gradient takes the separate ops).
 */
const KERNELS = { linear: 'DownhillDense', relu: 'DownhillDenseRelu' } as const;
const BACKENDS = ['cpu', 'wasm', 'webgpu', 'webgl', 'tensorflow'];

for (const [activation, kernelName] of Object.entries(KERNELS)) {
  for (const backendName of BACKENDS) {
    if (tf.getKernel(kernelName, backendName)) continue;
    tf.registerKernel({
      kernelName,
      backendName,
      // Looked up at each call, so that a faster _FusedMatMul registered later (runtime/wasm_matmul.ts) is the one used.
      kernelFunc: ({ inputs, backend }) => {
        // _FusedMatMul takes batches of matrices ([1, n, k] · [1, k, m]; WASM's reads the shapes so):
        // the same data seen as one batch, as TF.js's reshape does, and the result seen as [n, m].
        const batchOfOne = (t: tf.TensorInfo): tf.TensorInfo => ({ ...t, shape: [1, ...t.shape] });
        const out = tf.getKernel('_FusedMatMul', backendName)!.kernelFunc({
          inputs: { a: batchOfOne(inputs.x!), b: batchOfOne(inputs.w!), bias: inputs.b },
          backend,
          attrs: { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0 },
        }) as tf.TensorInfo;
        return { ...out, shape: out.shape.slice(1) };
      },
    });
  }
  tf.registerGradient({
    kernelName,
    inputsToSave: ['x', 'w'],
    outputsToSave: [activation === 'relu'],
    gradFunc: (dy, saved) => {
      const [x, w, y] = saved;
      if (nativeGradientFits(dy as tf.Tensor, x, w)) {
        const [dw, db, g = dy as tf.Tensor] = tf.engine().runKernel(DENSE_PARAM_GRAD, { dy, x, ...(y ? { y } : {}) } as unknown as tf.NamedTensorMap, {}) as tf.Tensor[];
        return { x: () => tf.matMul(g, w, false, true), w: () => dw, b: () => db };
      }
      // Computed once, here: each input's gradient below runs in a tidy of its own.
      const g = activation === 'relu' ? tf.mul(dy as tf.Tensor, tf.step(y)) : (dy as tf.Tensor);
      return {
        x: () => tf.matMul(g, w, false, true),
        w: () => tf.matMul(x, g, true, false),
        b: () => tf.sum(g, 0),
      };
    },
  });
}

/**
 * Whether DENSE_PARAM_GRAD can give this gradient: on wasm with the addon, float32 and non-empty 2-D
 * operands, and not while an outer tape records (a second-order gradient needs the separate ops,
 * which have gradients of their own; the native kernel has none).
 */
function nativeGradientFits(dy: tf.Tensor, x: tf.Tensor, w: tf.Tensor): boolean {
  return (
    hasDenseParamGrad() && tf.engine().state.gradientDepth === 0 && x.rank === 2 && dy.rank === 2 &&
    [dy, x, w].every((t) => t.dtype === 'float32' && t.size > 0)
  );
}

/** Whether the active backend can run the fused dense kernels (else TF.js's separate ops do). */
export function hasDenseKernel(): boolean {
  return BACKENDS.includes(tf.getBackend()) && !!tf.getKernel('_FusedMatMul', tf.getBackend());
}

/** act(x·w + b) for x [n, in], w [in, out], b [out], as one kernel. */
export function fusedDense(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, activation: 'linear' | 'relu'): tf.Tensor {
  return tf.engine().runKernel(KERNELS[activation], { x, w, b } as unknown as tf.NamedTensorMap, {}) as tf.Tensor;
}
