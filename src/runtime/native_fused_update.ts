import { createHash } from 'crypto';
import type { ElementwiseUpdate } from './kernels/elementwise_update';
import { nativeBlas } from './native_blas';

/** A loop over whole arrays: the formula applied to every element of the inputs, written to the outputs. */
export type UpdateLoop = (inputs: Float32Array[], outputs: Float32Array[], attributes: Record<string, number>) => void;

/**
 * What a kernel's C function was generated from (its names and formula), hashed: the
 * addon holds it for each kernel, so a stale addon, built before a formula changed,
 * is never used for that formula.
 */
export function updateSignature(spec: ElementwiseUpdate): string {
  const text = JSON.stringify([spec.kernelName, spec.inputs, spec.attributes, spec.outputs, spec.formula]);
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/**
 * The update as a C loop (native/fused_updates.c, the formula compiled with -O3 by
 * npm run build: single precision, SIMD), or undefined without the addon or when the
 * addon was built from another version of the formula.
 */
export function nativeUpdateLoop(spec: ElementwiseUpdate): UpdateLoop | undefined {
  if (!useNative) return undefined;
  if (!loops.has(spec.kernelName)) loops.set(spec.kernelName, compiledLoop(spec));
  return loops.get(spec.kernelName);
}

const loops = new Map<string, UpdateLoop | undefined>();
let useNative = true;

function compiledLoop(spec: ElementwiseUpdate): UpdateLoop | undefined {
  const addon = nativeBlas().addon;
  if (!addon?.fusedUpdateSignatures || addon.fusedUpdateSignatures()[spec.kernelName] !== updateSignature(spec)) return undefined;
  const attributes = new Float32Array(spec.attributes.length);
  return (inputs, outputs, attrs) => {
    spec.attributes.forEach((name, i) => (attributes[i] = attrs[name]));
    addon.fusedUpdate(spec.kernelName, inputs, outputs, attributes);
  };
}

/** Whether the addon has the native fused updates and they are in use (then wasm fuses updates of every size). */
export function nativeUpdatesBuilt(): boolean {
  return useNative && !!nativeBlas().addon?.fusedUpdateSignatures;
}

/** Whether wasm runs fused updates as C loops when the addon has them (tests and the benchmark compare both); returns whether it has them. */
export function useNativeUpdates(on: boolean): boolean {
  useNative = on;
  return !!nativeBlas().addon?.fusedUpdateSignatures;
}
