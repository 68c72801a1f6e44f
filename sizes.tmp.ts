import * as tf from '@tensorflow/tfjs';
import * as dh from './src';
import { disposeReplaced } from './src/named_tensors';
import { updateInPlace } from './src/optim/transformation';
(async () => {
  await dh.runtime.init({ backend: 'wasm' });
  for (const n of [1000, 10000, 30000, 100000]) {
    const params = { w: tf.variable(tf.randomNormal([n])) };
    const grads = { w: tf.randomNormal([n]) };
    const t = dh.optim.adam({ lr: 1e-3 });
    let state: unknown = tf.tidy(() => t.init(params) as tf.TensorContainer);
    const ups: Record<string, () => unknown> = { fused: () => t.fused!.apply(params, grads, state as unknown[]), reference: () => updateInPlace(t, params, grads, state) };
    const times: Record<string, number[]> = { fused: [], reference: [] };
    const reps = Math.max(20, Math.round(2e6 / n));
    for (let b = 0; b < 9; b++) for (const [k, u] of Object.entries(ups)) {
      const s = performance.now();
      for (let i = 0; i < reps; i++) { const next = tf.tidy(() => u() as tf.TensorContainer); disposeReplaced(state, next); state = next; }
      times[k].push((performance.now() - s) / reps);
    }
    const med = (x: number[]) => [...x].sort((a, b) => a - b)[4];
    console.log(n, 'fused', med(times.fused).toFixed(4), 'ref', med(times.reference).toFixed(4), 'ratio ref/fused', (med(times.reference) / med(times.fused)).toFixed(2));
  }
})();
