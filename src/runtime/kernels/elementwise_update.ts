import * as tf from '@tensorflow/tfjs';
import { UpdateLoop, nativeUpdateLoop, nativeUpdatesBuilt } from '../native_fused_update';

/**
 * An update that is the same formula for every element of a parameter and its
 * optimizer state (every optimizer in torch.optim's "foreach" style is one): one
 * TF.js kernel that reads the parameter, its gradient and its state tensors and
 * writes their next values, registered for the cpu, wasm and webgpu backends.
 *
 * The formula is written once, as `let name = expression;` lines in the syntax that
 * JavaScript and WGSL share (+ − * /, comparisons, float literals with a point, and
 * sqrt, abs, sign, max, min, select(ifFalse, ifTrue, condition)). Inputs and
 * attributes are in scope under their names. On cpu it becomes one JavaScript loop over
 * the backend's Float32Arrays; on wasm, a C loop over the WASM heap in place (the
 * native addon, native/fused_updates.c, with the formula translated to C at build
 * time), or the JavaScript loop there without the addon; on webgpu, a WGSL program per
 * output, each one pass over the elements.
 */
export interface ElementwiseUpdate {
  /** The TF.js kernel name, e.g. 'DownhillAdamUpdate'. */
  kernelName: string;
  /** The tensors read, all of the parameter's shape: the parameter, its gradient, the state. */
  inputs: readonly string[];
  /** Numbers computed on the host for this step (learning rate, bias corrections; flags as 0/1). */
  attributes: readonly string[];
  formula: string;
  /** The names (from the formula) of the values written: the parameter first, then the state. */
  outputs: readonly string[];
}

/** The backends that have the fused kernels. */
const FUSED_BACKENDS = ['cpu', 'wasm', 'webgpu'];

/**
 * On wasm the kernel is a C loop when the native addon is built (native/fused_updates.c:
 * single precision, SIMD), faster than the reference's dozen XNNPACK kernels at every
 * size. Without the addon it is a JavaScript loop (one pass, float64 arithmetic), which
 * wins on small tensors and loses on large ones. Measured with bench/fused_updates.ts
 * (one Adam update of one tensor, interleaved blocks, a loaded 2-core machine):
 * 2.4× faster at 1,000 elements, even (0.95×) at 10,000, 0.49× at 30,000, 0.44× at
 * 100,000. So on wasm without the addon an update is fused only when every tensor has
 * at most this many elements; larger models keep the reference path, which is never slower.
 */
export const WASM_FUSED_MAX_ELEMENTS = 10000;

/**
 * Whether the active backend runs elementwise updates on tensors of these sizes and
 * gains by it (a backend without the kernels, tfjs-node, takes the reference path).
 */
export function elementwiseUpdatesPay(sizes: number[]): boolean {
  const backend = tf.getBackend();
  if (backend === 'wasm') return nativeUpdatesBuilt() || sizes.every((n) => n <= WASM_FUSED_MAX_ELEMENTS);
  return FUSED_BACKENDS.includes(backend);
}

const registered: ElementwiseUpdate[] = [];

/** Every update made by elementwiseUpdate so far (the native build compiles each to C). */
export function registeredElementwiseUpdates(): readonly ElementwiseUpdate[] {
  return registered;
}

/** Registers the kernel on every backend (once), and returns the spec for runElementwiseUpdate. */
export function elementwiseUpdate(spec: ElementwiseUpdate): ElementwiseUpdate {
  if (!registered.some((s) => s.kernelName === spec.kernelName)) registered.push(spec);
  if (!tf.getKernel(spec.kernelName, 'cpu')) {
    const loop = hostLoop(spec);
    tf.registerKernel({ kernelName: spec.kernelName, backendName: 'cpu', kernelFunc: ((args: KernelArgs<CpuBackend>) => onCpu(spec, loop, args)) as never });
    // On wasm, the C loop when the addon has this formula, else the JavaScript one.
    tf.registerKernel({ kernelName: spec.kernelName, backendName: 'wasm', kernelFunc: ((args: KernelArgs<WasmBackend>) => onWasm(spec, nativeUpdateLoop(spec) ?? loop, args)) as never });
    tf.registerKernel({ kernelName: spec.kernelName, backendName: 'webgpu', kernelFunc: ((args: KernelArgs<WebGpuBackend>) => onWebGpu(spec, args)) as never });
  }
  return spec;
}

/** Runs the update on tensors given in the order of spec.inputs; returns the outputs in the order of spec.outputs. */
export function runElementwiseUpdate(spec: ElementwiseUpdate, inputs: tf.Tensor[], attributes: Record<string, number>): tf.Tensor[] {
  const named: tf.NamedTensorMap = {};
  spec.inputs.forEach((name, i) => (named[name] = inputs[i]));
  const out = tf.engine().runKernel(spec.kernelName, named, attributes as unknown as tf.NamedAttrMap);
  return Array.isArray(out) ? out : [out as tf.Tensor];
}

type KernelArgs<B> = { inputs: Record<string, tf.TensorInfo>; backend: B; attrs: Record<string, number> };

/** The formula as a JavaScript loop over whole arrays (compiled once per kernel). */
function hostLoop(spec: ElementwiseUpdate): UpdateLoop {
  const body = [
    'const { sqrt, abs, sign, max, min } = Math;',
    'const select = (ifFalse, ifTrue, condition) => (condition ? ifTrue : ifFalse);',
    ...spec.attributes.map((a) => `const ${a} = attributes.${a};`),
    ...spec.inputs.map((name, i) => `const ${name}_ = inputs[${i}];`),
    ...spec.outputs.map((name, i) => `const ${name}_ = outputs[${i}];`),
    'const n = outputs[0].length;',
    'for (let i = 0; i < n; i++) {',
    ...spec.inputs.map((name) => `  const ${name} = ${name}_[i];`),
    spec.formula,
    ...spec.outputs.map((name) => `  ${name}_[i] = ${name};`),
    '}',
  ].join('\n');
  return new Function('inputs', 'outputs', 'attributes', body) as UpdateLoop;
}

type CpuBackend = {
  readSync(dataId: object): ArrayLike<number>;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
};

function onCpu(spec: ElementwiseUpdate, loop: UpdateLoop, { inputs, backend, attrs }: KernelArgs<CpuBackend>): tf.TensorInfo[] {
  const shape = inputs[spec.inputs[0]].shape;
  const size = tf.util.sizeFromShape(shape);
  const ins = spec.inputs.map((name) => asFloat32(backend.readSync(inputs[name].dataId)));
  const outs = spec.outputs.map(() => new Float32Array(size));
  loop(ins, outs, attrs);
  return outs.map((values) => backend.makeTensorInfo(shape, 'float32', values));
}

function asFloat32(values: ArrayLike<number>): Float32Array {
  return values instanceof Float32Array ? values : Float32Array.from(values);
}

type WasmBackend = {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  dataIdMap: { get(dataId: object): { memoryOffset: number } };
  wasm: { HEAPU8: Uint8Array };
};

/** On the WASM heap in place: the inputs are read and the outputs written where the backend keeps them. */
function onWasm(spec: ElementwiseUpdate, loop: UpdateLoop, { inputs, backend, attrs }: KernelArgs<WasmBackend>): tf.TensorInfo[] {
  const shape = inputs[spec.inputs[0]].shape;
  const size = tf.util.sizeFromShape(shape);
  const outs = spec.outputs.map(() => backend.makeOutput(shape, 'float32'));
  // Views are taken after makeOutput: allocating may grow the heap and replace its buffer.
  const heap = backend.wasm.HEAPU8.buffer;
  const view = (t: tf.TensorInfo) => new Float32Array(heap, backend.dataIdMap.get(t.dataId).memoryOffset, size);
  loop(
    spec.inputs.map((name) => view(inputs[name])),
    outs.map(view),
    attrs,
  );
  return outs;
}

type WebGpuBackend = {
  runWebGPUProgram(program: UpdateProgram, inputs: tf.TensorInfo[], outputDtype: tf.DataType, uniforms: { type: string; data: number[] }[]): tf.TensorInfo;
};

/** One WGSL program per output (a program writes one tensor); each recomputes the formula, which costs nothing next to the memory traffic. */
function onWebGpu(spec: ElementwiseUpdate, { inputs, backend, attrs }: KernelArgs<WebGpuBackend>): tf.TensorInfo[] {
  const shape = inputs[spec.inputs[0]].shape;
  const uniforms = spec.attributes.map((a) => ({ type: 'float32', data: [attrs[a]] }));
  const ins = spec.inputs.map((name) => inputs[name]);
  return spec.outputs.map((output) => backend.runWebGPUProgram(new UpdateProgram(spec, output, shape), ins, 'float32', uniforms));
}

/** tfjs-backend-webgpu's program protocol (WebGPUProgram), for one output of an elementwise update. */
class UpdateProgram {
  readonly variableNames: string[];
  readonly uniforms: string;
  readonly outputShape: number[];
  readonly shaderKey: string;
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [64, 1, 1];
  readonly size = true;

  constructor(
    private readonly spec: ElementwiseUpdate,
    private readonly output: string,
    shape: number[],
  ) {
    this.variableNames = spec.inputs.map((name) => `in_${name}`);
    this.uniforms = spec.attributes.map((a) => `${a} : f32,`).join(' ');
    this.outputShape = shape;
    this.shaderKey = `${spec.kernelName}_${output}`;
    this.dispatchLayout = { x: shape.map((_, i) => i) };
    this.dispatch = [Math.ceil(tf.util.sizeFromShape(shape) / this.workgroupSize[0]), 1, 1];
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${this.spec.attributes.map((a) => `let ${a} = uniforms.${a};`).join('\n          ')}
          ${this.spec.inputs.map((name) => `let ${name} = in_${name}[index];`).join('\n          ')}
          ${this.spec.formula}
          setOutputAtIndex(index, ${this.output});
        }
      }`;
  }
}
