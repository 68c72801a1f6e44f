import * as tf from '@tensorflow/tfjs';

type ReadMethod = 'data' | 'dataSync' | 'array' | 'arraySync' | 'bytes';
const METHODS: ReadMethod[] = ['data', 'dataSync', 'array', 'arraySync', 'bytes'];

/** Counts device→host reads (every Tensor read method) until restore() is called. */
export function countReads(): { count(): number; reset(): void; restore(): void } {
  const proto = tf.Tensor.prototype as unknown as Record<ReadMethod, (...args: unknown[]) => unknown>;
  const originals = METHODS.map((m) => [m, proto[m]] as const);
  let n = 0;
  let inside = 0;
  for (const [m, original] of originals) {
    proto[m] = function (this: tf.Tensor, ...args: unknown[]) {
      // array() calls data() inside: count the outermost read only.
      if (inside === 0) n++;
      inside++;
      try {
        const out = original.apply(this, args);
        if (out instanceof Promise) return out.finally(() => inside--);
        inside--;
        return out;
      } catch (e) {
        inside--;
        throw e;
      }
    };
  }
  return {
    count: () => n,
    reset: () => void (n = 0),
    restore: () => originals.forEach(([m, original]) => (proto[m] = original)),
  };
}
