/**
 * Fused optimizer updates against the composable reference: one Adam update of an
 * MLP's 4 parameters (w1, b1, w2, b2; MNIST's 784→128→10 and a small 64→32→10), the
 * loss and gradient left out, on cpu, wasm and webgpu. (On wasm the fused kernels are
 * the native addon's C loops; with DOWNHILL_NATIVE_BLAS=0, JavaScript loops, and the
 * MNIST MLP, whose w1 has more than WASM_FUSED_MAX_ELEMENTS, takes the reference path.)
 * Prints the TF.js kernels one update runs (tf.profile)
 * and the time per update: medians of interleaved blocks (fused, reference, fused, …),
 * each block ended by a read that waits for the device.
 *
 *   npx tsx bench/fused_updates.ts [backends…]     (default: cpu wasm webgpu)
 */
import * as tf from '@tensorflow/tfjs';
import * as dh from '../src';
import { disposeReplaced } from '../src/named_tensors';
import { updateInPlace } from '../src/optim/transformation';

const BLOCKS = Number(process.env.BLOCKS ?? 7);
const STEPS_PER_BLOCK: Record<string, number> = { cpu: 50, wasm: 100, webgpu: 50 };

type Update = (params: Record<string, tf.Variable>, grads: dh.optim.NamedTensors, state: unknown) => unknown;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function run(backend: string, sizes: number[]): Promise<void> {
  const info = await dh.runtime.init({ backend: backend as dh.runtime.InitOptions['backend'] });
  const model = dh.models.mlp({ sizes, seed: 1 });
  const params = model.params as Record<string, tf.Variable>;
  const grads = tf.tidy(() => dh.optim.mapNamed(params, (p, name) => tf.randomNormal(p.shape, 0, 0.01, 'float32', name.length)));
  const transform = dh.optim.adam({ lr: 1e-3 });
  const updates: Record<string, Update> = {
    fused: (p, g, s) => transform.fused!.apply(p, g, s as unknown[]),
    reference: (p, g, s) => updateInPlace(transform, p, g, s),
  };
  let state = tf.tidy(() => transform.init(params) as tf.TensorContainer) as unknown;
  const step = (update: Update) => {
    const next = tf.tidy(() => update(params, grads, state) as tf.TensorContainer);
    disposeReplaced(state, next);
    state = next;
  };
  const kernels: Record<string, string> = {};
  for (const [name, update] of Object.entries(updates)) {
    step(update); // warm: shaders compiled, buffers allocated
    const profile = await tf.profile(() => step(update));
    const counts: Record<string, number> = {};
    for (const k of profile.kernels) counts[k.name] = (counts[k.name] ?? 0) + 1;
    kernels[name] = `${profile.kernels.length} (${Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(', ')})`;
  }
  const n = STEPS_PER_BLOCK[backend] ?? 50;
  const times: Record<string, number[]> = { fused: [], reference: [] };
  for (let block = 0; block < BLOCKS; block++) {
    for (const [name, update] of Object.entries(updates)) {
      await params.b2.data();
      const start = performance.now();
      for (let i = 0; i < n; i++) step(update);
      await params.b2.data();
      times[name].push((performance.now() - start) / n);
    }
  }
  const before = tf.memory().numTensors;
  step(updates.fused);
  const leak = tf.memory().numTensors - before;
  const [f, r] = [median(times.fused), median(times.reference)];
  console.log(`${info.backend}, mlp ${sizes.join('→')}${backend === 'webgpu' ? ` (${dh.runtime.describe(info).split('\n')[0]})` : ''}`);
  console.log(`  kernels per Adam update: fused ${kernels.fused}; reference ${kernels.reference}`);
  console.log(`  ms per update (median of ${BLOCKS} blocks of ${n}): fused ${f.toFixed(3)} [${Math.min(...times.fused).toFixed(3)}–${Math.max(...times.fused).toFixed(3)}], reference ${r.toFixed(3)} [${Math.min(...times.reference).toFixed(3)}–${Math.max(...times.reference).toFixed(3)}]; reference / fused ${(r / f).toFixed(2)}×; tensors left by a step: ${leak}`);
  dh.models.disposeModel(model);
  tf.dispose([grads, state as tf.TensorContainer]);
}

async function main(): Promise<void> {
  const backends = process.argv.slice(2);
  for (const backend of backends.length ? backends : ['cpu', 'wasm', 'webgpu']) {
    for (const sizes of [[784, 128, 10], [64, 32, 10]]) await run(backend, sizes);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
