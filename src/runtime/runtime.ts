import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { BACKEND_NAMES, BackendCandidate, BackendName, CANDIDATES, activate } from './backends';
import { CALIBRATION_STEP, timeTrainingStep } from './calibration';
import { calibrationFile, calibrationKey, readCalibration, writeCalibration } from './calibration_cache';

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
  /** Milliseconds per calibration step (CALIBRATION_STEP), when it was measured. */
  msPerStep?: number;
}

/** How the automatic choice measured the backends. */
export interface CalibrationInfo {
  /** What one step is. */
  step: string;
  /** Milliseconds per step, for each backend that auto could choose. */
  msPerStep: Partial<Record<BackendName, number>>;
  /** True when the figures came from the cache file rather than from this start. */
  cached: boolean;
  measuredAt: string;
  file: string;
  /** An unreadable cache ignored, a cache that could not be written. */
  notes: string[];
}

export interface RuntimeInfo {
  /** downhill's name of the backend in use. */
  backend: BackendName;
  /** TensorFlow.js's name for it (tf.getBackend()). */
  tfBackend: string;
  device: 'gpu' | 'cpu';
  /** Why this backend was chosen, in one short phrase with the measured figures. */
  summary: string;
  /** Why this backend was chosen, with every backend skipped and why. */
  reason: string;
  /** Every backend that was looked at, in order. */
  backends: BackendStatus[];
  tfjsVersion: string;
  /** Present when auto compared two or more backends by measurement. */
  calibration?: CalibrationInfo;
}

export interface InitOptions {
  /** A backend name, or 'auto' for the fastest that works (default: $DOWNHILL_BACKEND, else 'auto'). */
  backend?: BackendName | 'auto';
}

let current: RuntimeInfo | undefined;
let pending: Promise<RuntimeInfo> | undefined;

/**
 * Picks the TensorFlow.js backend: the one asked for (option, then the
 * DOWNHILL_BACKEND environment variable), else, of the backends that load here
 * (a software GPU adapter excepted), the fastest at a short training step. The
 * step times are measured once per machine, device and TensorFlow.js version and
 * cached (see calibration_cache.ts); `downhill doctor` measures them again.
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
  pending = requested === 'auto' ? chooseAuto() : chooseAsked(requested as BackendName, source!);
  current = await pending;
  return current;
}

/**
 * Loads a candidate's package and registers it with TensorFlow.js, without activating it.
 * `auto`: for the automatic choice, which may skip what cannot help here (Dawn without a GPU device).
 */
export async function load(candidate: BackendCandidate, auto = false): Promise<{ status: BackendStatus; tfName?: string }> {
  const base = { name: candidate.name, device: candidate.device, label: candidate.label };
  const loaded = await candidate.load(auto);
  if (!loaded.ok) return { status: { ...base, available: false, reason: loaded.reason, fix: loaded.fix } };
  const status: BackendStatus = { ...base, device: loaded.device ?? candidate.device, available: true, reason: loaded.detail };
  if (loaded.onlyWhenAsked) status.passedOver = loaded.onlyWhenAsked;
  return { status, tfName: loaded.tfName };
}

/** Makes a loaded candidate TensorFlow.js's active backend; on failure marks its status unavailable. */
export async function activateCandidate(candidate: BackendCandidate, tfName: string, status: BackendStatus): Promise<boolean> {
  if (!(await activate(tfName))) {
    Object.assign(status, {
      available: false,
      reason: `TensorFlow.js could not initialise the '${tfName}' backend here`,
      fix: 'run `downhill doctor` for details',
      passedOver: undefined,
    });
    return false;
  }
  candidate.afterActivate?.();
  quietCpuNotice();
  return true;
}

function infoFor(name: BackendName, status: BackendStatus, summary: string, reason: string, backends: BackendStatus[], calibration?: CalibrationInfo): RuntimeInfo {
  return { backend: name, tfBackend: tf.getBackend(), device: status.device, summary, reason, backends, tfjsVersion: tf.version.tfjs, calibration };
}

async function chooseAsked(requested: BackendName, source: string): Promise<RuntimeInfo> {
  const candidate = CANDIDATES.find((c) => c.name === requested)!;
  const { status, tfName } = await load(candidate);
  if (tfName && (await activateCandidate(candidate, tfName, status))) {
    const reason = `asked for by ${source}`;
    return infoFor(requested, status, reason, reason, [status]);
  }
  throw new DownhillError(`the '${requested}' backend is not available: ${status.reason}.`, status.fix ?? 'reinstall downhill with npm install.');
}

/** "wasm 3.1 ms, cpu 48 ms per step", fastest first. */
export function formatStepTimes(msPerStep: Partial<Record<BackendName, number>>): string {
  const ranked = Object.entries(msPerStep).sort((a, b) => a[1]! - b[1]!);
  return `${ranked.map(([name, ms]) => `${name} ${ms! < 10 ? ms!.toFixed(2) : ms!.toFixed(1)} ms`).join(', ')} per step`;
}

/**
 * The figures for these backends: from the cache when this machine, these devices
 * and this TensorFlow.js were measured before, else measured now (each backend
 * activated in turn) and cached.
 */
async function calibrate(usable: { candidate: BackendCandidate; status: BackendStatus; tfName: string }[]): Promise<CalibrationInfo> {
  const key = calibrationKey(tf.version.tfjs, usable.map((u) => ({ name: u.status.name, detail: u.status.reason })));
  const notes: string[] = [];
  const { found, note } = readCalibration(key);
  if (note) notes.push(note);
  if (found && usable.every((u) => found.msPerStep[u.status.name] !== undefined)) {
    return { step: CALIBRATION_STEP, msPerStep: found.msPerStep, cached: true, measuredAt: found.measuredAt, file: calibrationFile(), notes };
  }
  const msPerStep: Partial<Record<BackendName, number>> = {};
  for (const u of usable) {
    if (await activateCandidate(u.candidate, u.tfName, u.status)) msPerStep[u.status.name] = await timeTrainingStep();
  }
  const measuredAt = new Date().toISOString();
  const unwritable = writeCalibration({ key, msPerStep: msPerStep as Record<string, number>, measuredAt });
  if (unwritable) notes.push(unwritable);
  return { step: CALIBRATION_STEP, msPerStep, cached: false, measuredAt, file: calibrationFile(), notes };
}

async function chooseAuto(): Promise<RuntimeInfo> {
  const statuses: BackendStatus[] = [];
  const usable: { candidate: BackendCandidate; status: BackendStatus; tfName: string }[] = [];
  for (const candidate of CANDIDATES) {
    const { status, tfName } = await load(candidate, true);
    statuses.push(status);
    if (tfName && !status.passedOver) usable.push({ candidate, status, tfName });
  }
  const skippedList = () =>
    statuses.filter((s) => !s.available || s.passedOver).map((s) => `${s.name}: ${s.available ? s.passedOver : s.reason}`);
  const withSkipped = (summary: string) => {
    const skipped = skippedList();
    return `${summary}${skipped.length ? ` (skipped ${skipped.join('; ')})` : ''}`;
  };
  let calibration: CalibrationInfo | undefined;
  let order = usable;
  if (usable.length > 1) {
    calibration = await calibrate(usable);
    const ms = calibration.msPerStep;
    for (const u of usable) if (ms[u.status.name] !== undefined) u.status.msPerStep = ms[u.status.name];
    order = usable.filter((u) => ms[u.status.name] !== undefined).sort((a, b) => ms[a.status.name]! - ms[b.status.name]!);
  }
  for (const u of order) {
    if (!(await activateCandidate(u.candidate, u.tfName, u.status))) continue;
    const summary = calibration
      ? `fastest at a training step here (${formatStepTimes(calibration.msPerStep)}; ${calibration.cached ? `cached ${calibration.measuredAt.slice(0, 10)}` : 'measured now'})`
      : 'the only backend that works here';
    return infoFor(u.status.name, u.status, summary, withSkipped(summary), statuses, calibration);
  }
  const failed = statuses[statuses.length - 1];
  throw new DownhillError('no TensorFlow.js backend could be started.', failed?.fix ?? 'reinstall downhill with npm install.');
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

/**
 * For a notebook's first cell: one line saying which backend runs and why; with
 * `{ details: true }`, also TensorFlow.js's version, the backend's detail, every
 * backend skipped and why, and the calibration cache.
 */
export function describe(runtime: RuntimeInfo | undefined = current, options: { details?: boolean } = {}): string {
  if (!runtime) return 'downhill runtime: not initialised yet (call `await runtime.init()`).';
  const line = `downhill runtime: ${runtime.backend} on the ${runtime.device.toUpperCase()}, ${runtime.summary}`;
  if (!options.details) return line;
  const detail = runtime.backends.find((b) => b.name === runtime.backend)?.reason;
  const c = runtime.calibration;
  return [
    line,
    `TensorFlow.js ${runtime.tfjsVersion}, backend '${runtime.tfBackend}'${detail ? `; ${detail}` : ''}`,
    `why: ${runtime.reason}`,
    c && `calibration step: ${c.step}; ${c.cached ? 'figures from' : 'figures saved to'} ${c.file}`,
    ...(c?.notes ?? []),
  ].filter(Boolean).join('\n');
}

/**
 * TensorFlow.js's CPU backend prints an advert for tfjs-node on first use; downhill
 * already says which backend runs and how to get a faster one (`downhill doctor`).
 */
function quietCpuNotice(): void {
  const backend = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (backend && 'firstUse' in backend) backend.firstUse = false;
}
