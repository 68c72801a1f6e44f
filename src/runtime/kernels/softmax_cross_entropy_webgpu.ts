import * as tf from '@tensorflow/tfjs';

/**
 * Softmax cross-entropy on WebGPU (see softmax_cross_entropy.ts for the formula):
 * two WGSL programs, one thread per entry of the gradient (softmax(z) − t)/n, and
 * one workgroup that sums the rows' losses. An out-of-range class index gives a
 * NaN loss (a GPU kernel cannot raise), which the training loop reports as
 * divergence at that step.
 */

interface Program {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  workgroupSize: [number, number, number];
  size?: boolean;
  getUserCode(): string;
}
export type WebGPUBackend = { runWebGPUProgram(program: Program, inputs: tf.TensorInfo[], dtype: tf.DataType): tf.TensorInfo };

/** log Σⱼ exp(z[row, j]), stably. */
const ROW_LOG_SUM_EXP = `
  fn rowLogSumExp(row : i32, c : i32) -> f32 {
    var m = logits[row * c];
    for (var j = 1; j < c; j++) { m = max(m, logits[row * c + j]); }
    var s = 0.0;
    for (var j = 0; j < c; j++) { s += exp(logits[row * c + j] - m); }
    return m + log(s);
  }`;

function gradientProgram(n: number, c: number, sparse: boolean): Program {
  const target = sparse ? 'select(0.0, 1.0, truth[row] == j)' : 'truth[index]';
  return {
    outputShape: [n, c],
    shaderKey: `downhill_softmax_cross_entropy_gradient_${sparse ? 'labels' : 'rows'}`,
    dispatchLayout: { x: [0, 1] },
    dispatch: [Math.ceil((n * c) / 64), 1, 1],
    variableNames: ['logits', 'truth'],
    workgroupSize: [64, 1, 1],
    size: true,
    getUserCode: () => `
      ${ROW_LOG_SUM_EXP}
      fn main(index : i32) {
        if (index < uniforms.size) {
          let n = uniforms.logitsShape.x;
          let c = uniforms.logitsShape.y;
          let row = index / c;
          let j = index - row * c;
          setOutputAtIndex(index, (exp(logits[index] - rowLogSumExp(row, c)) - ${target}) / f32(n));
        }
      }`,
  };
}

const THREADS = 256;

function lossProgram(sparse: boolean): Program {
  const rowLoss = sparse
    ? `let label = truth[row];
       if (label < 0 || label >= c) { acc += uniforms.NAN; } else { acc += lse - logits[row * c + label]; }`
    : `for (var j = 0; j < c; j++) {
         let t = truth[row * c + j];
         if (t != 0.0) { acc += t * (lse - logits[row * c + j]); }
       }`;
  return {
    outputShape: [1],
    shaderKey: `downhill_softmax_cross_entropy_loss_${sparse ? 'labels' : 'rows'}`,
    dispatchLayout: { x: [0] },
    dispatch: [1, 1, 1],
    variableNames: ['logits', 'truth'],
    workgroupSize: [THREADS, 1, 1],
    getUserCode: () => `
      ${ROW_LOG_SUM_EXP}
      var<workgroup> partial : array<f32, ${THREADS}>;
      fn main(index : i32) {
        let n = uniforms.logitsShape.x;
        let c = uniforms.logitsShape.y;
        var acc = 0.0;
        for (var row = index; row < n; row += ${THREADS}) {
          let lse = rowLogSumExp(row, c);
          ${rowLoss}
        }
        partial[index] = acc;
        workgroupBarrier();
        for (var s = ${THREADS / 2}; s > 0; s = s / 2) {
          if (index < s) { partial[index] += partial[index + s]; }
          workgroupBarrier();
        }
        if (index == 0) { setOutputAtIndex(0, partial[0] / f32(n)); }
      }`,
  };
}

export function webgpuKernel({ inputs, backend }: { inputs: { logits: tf.TensorInfo; target: tf.TensorInfo }; backend: WebGPUBackend }): tf.TensorInfo[] {
  const [n, c] = inputs.logits.shape;
  const sparse = inputs.target.dtype === 'int32';
  const gradient = backend.runWebGPUProgram(gradientProgram(n, c, sparse), [inputs.logits, inputs.target], 'float32');
  const loss = backend.runWebGPUProgram(lossProgram(sparse), [inputs.logits, inputs.target], 'float32');
  // The loss buffer holds one value: hand it out as a scalar.
  return [{ dataId: loss.dataId, shape: [], dtype: 'float32' }, gradient];
}
