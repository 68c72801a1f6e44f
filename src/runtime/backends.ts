import * as tf from '@tensorflow/tfjs';
import { shareIdentityData } from './wasm_identity';
import { speedUpMatMul } from './wasm_matmul';
import { missingSharedLibrary } from './shared_library';
import { webgpu } from './webgpu';

export { missingSharedLibrary };

/** downhill's names for the TensorFlow.js backends it knows, best first. */
export const BACKEND_NAMES = ['node-gpu', 'node', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export type LoadResult =
  | {
      ok: true;
      tfName: string;
      detail?: string;
      /** Where it really runs, when not where the candidate usually does (a software GPU adapter). */
      device?: 'gpu' | 'cpu';
      /** Works, but auto should pass it over, for this reason (it is used when asked for by name). */
      onlyWhenAsked?: string;
    }
  | { ok: false; reason: string; fix: string };

/** One backend: how to load it, and what it runs on. */
export interface BackendCandidate {
  name: BackendName;
  device: 'gpu' | 'cpu';
  label: string;
  /** Loads its package and registers it with TensorFlow.js, or says why it cannot (`auto`: for the automatic choice). */
  load(auto?: boolean): Promise<LoadResult>;
  /** Runs once it is the active TensorFlow.js backend. */
  afterActivate?(): void;
}

/** Requires an optional package; tells a missing package apart from one that fails to load. */
export function tryRequire(pkg: string): { module?: unknown; missing?: boolean; error?: string } {
  try {
    return { module: require(pkg) };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'MODULE_NOT_FOUND' && String(err.message).includes(`'${pkg}'`)) return { missing: true };
    return { error: err.message ?? String(e) };
  }
}


function nodeBinding(name: 'node' | 'node-gpu'): BackendCandidate {
  const pkg = name === 'node' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu';
  const gpu = name === 'node-gpu';
  return {
    name,
    device: gpu ? 'gpu' : 'cpu',
    label: gpu ? 'TensorFlow C library with CUDA (tfjs-node-gpu)' : 'TensorFlow C library on the CPU (tfjs-node)',
    async load() {
      const found = tryRequire(pkg);
      if (found.missing) {
        return {
          ok: false,
          reason: `the package ${pkg} is not installed`,
          fix: gpu
            ? `npm install ${pkg}@4.22.0 (needs network access to download libtensorflow 2.9.1, and CUDA 11.2 with cuDNN 8.1)`
            : `npm install ${pkg}@4.22.0 (needs network access to download libtensorflow 2.9.1)`,
        };
      }
      if (found.error) {
        const lib = missingSharedLibrary(found.error);
        return {
          ok: false,
          reason: lib ? `${pkg} is installed but ${lib} cannot be loaded` : `${pkg} failed to load: ${found.error.split('\n')[0]}`,
          fix: lib
            ? gpu
              ? `install the library that provides ${lib} (CUDA 11.2 / cuDNN 8.1) and add its folder to LD_LIBRARY_PATH`
              : `reinstall ${pkg} so that its libtensorflow download completes`
            : `reinstall ${pkg}@4.22.0`,
        };
      }
      return { ok: true, tfName: 'tensorflow' };
    },
  };
}

const wasm: BackendCandidate = {
  name: 'wasm',
  device: 'cpu',
  label: 'WebAssembly with SIMD (tfjs-backend-wasm)',
  async load() {
    const found = tryRequire('@tensorflow/tfjs-backend-wasm');
    if (!found.module) {
      return {
        ok: false,
        reason: found.missing ? 'the package @tensorflow/tfjs-backend-wasm is not installed' : `it failed to load: ${found.error}`,
        fix: 'npm install @tensorflow/tfjs-backend-wasm@4.22.0',
      };
    }
    shareIdentityData();
    return { ok: true, tfName: 'wasm', detail: speedUpMatMul() };
  },
};

const cpu: BackendCandidate = {
  name: 'cpu',
  device: 'cpu',
  label: 'plain JavaScript (tfjs-backend-cpu)',
  async load() {
    return { ok: true, tfName: 'cpu' };
  },
};

/** Every backend downhill can use, best first. */
export const CANDIDATES: BackendCandidate[] = [nodeBinding('node-gpu'), nodeBinding('node'), webgpu, wasm, cpu];

/** Activates a loaded backend; false when TensorFlow.js could not initialise it. */
export async function activate(tfName: string): Promise<boolean> {
  try {
    const ok = await tf.setBackend(tfName);
    if (ok) await tf.ready();
    return ok;
  } catch {
    return false;
  }
}
