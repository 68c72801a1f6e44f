import * as fs from 'fs';
import * as path from 'path';

const BUILD_DIR = path.join(__dirname, '..', '..', 'build');
/** The compiled addon (see native/blas_matmul.c; built by npm run build). */
export const ADDON_PATH = path.join(BUILD_DIR, 'blas_matmul.node');
/** What the last build said, when it did not build. */
export const BUILD_STATUS_PATH = path.join(BUILD_DIR, 'blas_matmul.json');

export type BuildStatus = { built: true; compiler: string; headers: string; flags?: string[] } | { built: false; reason: string; fix: string };

export interface BlasAddon {
  /** out[i] = op(a[i])·op(b[i]), row-major float32; see native/blas_matmul.c. */
  sgemm(
    transposeA: boolean, transposeB: boolean, m: number, n: number, k: number,
    a: Float32Array, b: Float32Array, out: Float32Array, batch: number, batchA: number, batchB: number,
  ): void;
  /** In place: out[r][c] = act(out[r][c] + bias[c or 0]), act relu or none (a dense layer after its product). */
  biasActivation(out: Float32Array, bias: Float32Array | null, columns: number, relu: boolean): void;
  /**
   * A dense layer's parameter gradients: g = dy ⊙ step(y) when y (its relu output) and g are given, else dy;
   * db = Σ rows of g; dw = xᵀ·g.
   */
  denseParamGrad(
    rows: number, inputs: number, outputs: number,
    dy: Float32Array, x: Float32Array, y: Float32Array | null, dw: Float32Array, db: Float32Array, g: Float32Array | null,
  ): void;
  /** out's rows are source's rows order[start + j] (or start + j), each `width` floats; every index is checked. */
  gatherRows(source: Float32Array, width: number, order: Int32Array | null, start: number, count: number, out: Float32Array): void;
  /** "OpenBLAS <config>, <n> threads". */
  describe(): string;
  /** The fused elementwise updates compiled in (native/fused_updates.c): kernel name → updateSignature. Absent from addons built before them. */
  fusedUpdateSignatures?(): Record<string, string>;
  /** Runs one compiled update on whole arrays (every output as long as the first; inputs at least as long). */
  fusedUpdate(kernelName: string, inputs: Float32Array[], outputs: Float32Array[], attributes: Float32Array): void;
}

let loaded: { addon?: BlasAddon; reason?: string; fix?: string } | undefined;

/** What the JavaScript calls unconditionally (the fused updates are checked per formula: native_fused_update.ts). */
const REQUIRED = ['sgemm', 'describe', 'biasActivation', 'denseParamGrad', 'gatherRows'] as const;

/** The native OpenBLAS matMul, or why there is none. Loaded once. */
export function nativeBlas(): { addon?: BlasAddon; reason?: string; fix?: string } {
  if (loaded) return loaded;
  if (process.env.DOWNHILL_NATIVE_BLAS === '0') return (loaded = { reason: 'turned off by DOWNHILL_NATIVE_BLAS=0', fix: 'unset DOWNHILL_NATIVE_BLAS' });
  if (!fs.existsSync(ADDON_PATH)) {
    let status: BuildStatus | undefined;
    try {
      status = JSON.parse(fs.readFileSync(BUILD_STATUS_PATH, 'utf8')) as BuildStatus;
    } catch {
      status = undefined;
    }
    return (loaded =
      status && !status.built
        ? { reason: status.reason, fix: status.fix }
        : { reason: 'the native matMul has not been built', fix: 'npm run build (needs gcc and libopenblas-dev)' });
  }
  return (loaded = loadAddon(ADDON_PATH));
}

/** Loads an addon file: the addon, or why it cannot be used (it fails to load, or it is from an older build). */
export function loadAddon(file: string): { addon?: BlasAddon; reason?: string; fix?: string } {
  let addon: BlasAddon;
  try {
    addon = require(file) as BlasAddon;
  } catch (e) {
    return { reason: `the native matMul failed to load: ${(e as Error).message.split('\n')[0]}`, fix: 'apt-get install libopenblas0, or rebuild: npm run build' };
  }
  // An addon built from older sources lacks what this version calls: never half-used.
  const missing = REQUIRED.filter((name) => typeof addon[name] !== 'function');
  if (missing.length) return { reason: `the native addon is from an older build (it has no ${missing.join(', ')})`, fix: 'rebuild it: npm run build' };
  return { addon };
}
