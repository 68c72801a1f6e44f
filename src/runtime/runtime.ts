import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { BACKEND_NAMES, BackendCandidate, BackendName, CANDIDATES, activate } from './backends';

export interface BackendStatus {
  name: BackendName;
  device: 'gpu' | 'cpu';
  label: string;
  available: boolean;
  /** Why it is not available (or a detail when it is). */
  reason?: string;
  fix?: string;
  /** Available, but the automatic choice passes it over, for this reason. */
  passedOver?: string;
}

export interface RuntimeInfo {
  /** downhill's name of the backend in use. */
  backend: BackendName;
  /** TensorFlow.js's name for it (tf.getBackend()). */
  tfBackend: string;
  device: 'gpu' | 'cpu';
  /** Why this backend was chosen. */
  reason: string;
  /** Every backend that was looked at, in order. */
  backends: BackendStatus[];
  tfjsVersion: string;
}

export interface InitOptions {
  /** A backend name, or 'auto' for the fastest that works (default: $DOWNHILL_BACKEND, else 'auto'). */
  backend?: BackendName | 'auto';
}

let current: RuntimeInfo | undefined;
let pending: Promise<RuntimeInfo> | undefined;

/**
 * Picks the TensorFlow.js backend: the one asked for (option, then the
 * DOWNHILL_BACKEND environment variable), else the first of node-gpu, node,
 * webgpu, wasm, cpu that loads and initialises here.
 */
export async function init(options: InitOptions = {}): Promise<RuntimeInfo> {
  const fromEnv = process.env.DOWNHILL_BACKEND?.trim();
  const requested = options.backend ?? (fromEnv || 'auto');
  const source = options.backend ? 'the backend option' : fromEnv ? 'DOWNHILL_BACKEND' : undefined;
  if (requested !== 'auto' && !(BACKEND_NAMES as readonly string[]).includes(requested)) {
    throw new DownhillError(
      `unknown backend '${requested}'${source ? ` (from ${source})` : ''}.`,
      `use one of: auto, ${BACKEND_NAMES.join(', ')}.`,
    );
  }
  pending = choose(requested as BackendName | 'auto', source);
  current = await pending;
  return current;
}

/**
 * Loads a candidate and, when it loads, makes it TensorFlow.js's active backend.
 * With `auto`, a backend that should only be used when asked for (a software GPU
 * adapter) is reported but not activated.
 */
export async function probe(candidate: BackendCandidate, auto: boolean): Promise<{ status: BackendStatus; active: boolean }> {
  const base = { name: candidate.name, device: candidate.device, label: candidate.label };
  const loaded = await candidate.load(auto);
  if (!loaded.ok) return { status: { ...base, available: false, reason: loaded.reason, fix: loaded.fix }, active: false };
  const status: BackendStatus = { ...base, device: loaded.device ?? candidate.device, available: true, reason: loaded.detail };
  if (loaded.onlyWhenAsked) status.passedOver = loaded.onlyWhenAsked;
  if (auto && loaded.onlyWhenAsked) return { status, active: false };
  if (!(await activate(loaded.tfName))) {
    return {
      status: { ...base, available: false, reason: `TensorFlow.js could not initialise the '${loaded.tfName}' backend here`, fix: 'run `downhill doctor` for details' },
      active: false,
    };
  }
  candidate.afterActivate?.();
  return { status, active: true };
}

async function choose(requested: BackendName | 'auto', source?: string): Promise<RuntimeInfo> {
  const auto = requested === 'auto';
  const statuses: BackendStatus[] = [];
  for (const candidate of auto ? CANDIDATES : CANDIDATES.filter((c) => c.name === requested)) {
    const { status, active } = await probe(candidate, auto);
    statuses.push(status);
    if (!active) continue;
    quietCpuNotice();
    const skipped = statuses.filter((s) => s !== status).map((s) => `${s.name}: ${s.available ? s.passedOver : s.reason}`);
    const reason = auto ? `the fastest backend that works here${skipped.length ? ` (skipped ${skipped.join('; ')})` : ''}` : `asked for by ${source}`;
    return {
      backend: candidate.name,
      tfBackend: tf.getBackend(),
      device: status.device,
      reason,
      backends: statuses,
      tfjsVersion: tf.version.tfjs,
    };
  }
  const failed = statuses[statuses.length - 1];
  throw new DownhillError(
    auto ? 'no TensorFlow.js backend could be started.' : `the '${requested}' backend is not available: ${failed?.reason}.`,
    failed?.fix ?? 'reinstall downhill with npm install.',
  );
}

/** The runtime chosen by init(); initialises with the defaults on first use. */
export async function ensure(): Promise<RuntimeInfo> {
  if (current && tf.getBackend() === current.tfBackend) return current;
  if (pending && !current) return pending;
  return init();
}

/** What init() chose, or undefined before it ran. */
export function info(): RuntimeInfo | undefined {
  return current;
}

/** A few lines for a notebook's first cell: which backend runs, why, and what else was looked at. */
export function describe(runtime: RuntimeInfo | undefined = current): string {
  if (!runtime) return 'downhill runtime: not initialised yet (call `await runtime.init()`).';
  const lines = [
    `downhill runtime: ${runtime.backend} on the ${runtime.device.toUpperCase()} (TensorFlow.js ${runtime.tfjsVersion}, backend '${runtime.tfBackend}')`,
    `why: ${runtime.reason}`,
  ];
  const detail = runtime.backends.find((b) => b.name === runtime.backend)?.reason;
  if (detail) lines.splice(1, 0, `      ${detail}`);
  return lines.join('\n');
}

/**
 * TensorFlow.js's CPU backend prints an advert for tfjs-node on first use; downhill
 * already says which backend runs and how to get a faster one (`downhill doctor`).
 */
function quietCpuNotice(): void {
  const backend = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (backend && 'firstUse' in backend) backend.firstUse = false;
}
