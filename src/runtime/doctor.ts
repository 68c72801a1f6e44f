import * as tf from '@tensorflow/tfjs';
import { BackendStatus, activateCandidate, formatStepTimes, load } from './runtime';
import { BackendName, CANDIDATES, activate } from './backends';
import { CALIBRATION_STEP, timeTrainingStep } from './calibration';
import { calibrationFile, calibrationKey, writeCalibration } from './calibration_cache';

export interface DoctorOptions {
  /** Time a training step on every backend that works (default true); the figures refresh the cache init() reads. */
  calibrate?: boolean;
}

/**
 * Tries every backend, not only up to the first that works, and reports each with
 * the reason it is unavailable and the fix, and (unless `calibrate: false`) its
 * milliseconds per calibration step, passed-over ones included. The figures of the
 * backends auto may choose are written to the calibration cache, so the next
 * init() uses them. The backend active before the call is restored afterwards.
 */
export async function doctor(options: DoctorOptions = {}): Promise<BackendStatus[]> {
  const previous = tf.getBackend();
  const statuses: BackendStatus[] = [];
  for (const candidate of CANDIDATES) {
    const { status, tfName } = await load(candidate);
    statuses.push(status);
    if (tfName && (await activateCandidate(candidate, tfName, status)) && options.calibrate !== false) {
      status.msPerStep = await timeTrainingStep();
    }
  }
  const usable = statuses.filter((s) => s.available && !s.passedOver && s.msPerStep !== undefined);
  if (usable.length > 1) {
    const key = calibrationKey(tf.version.tfjs, usable.map((s) => ({ name: s.name, detail: s.reason })));
    writeCalibration({ key, msPerStep: Object.fromEntries(usable.map((s) => [s.name, s.msPerStep!])), measuredAt: new Date().toISOString() });
  }
  if (previous) await activate(previous);
  return statuses;
}

/** The doctor's report as text, one backend per line, then which one auto uses and why. */
export function formatDoctor(statuses: BackendStatus[]): string {
  const indent = ' '.repeat(26);
  const lines = statuses.map((s) => {
    const head = `${s.available ? 'available    ' : 'not available'}  ${s.name.padEnd(8)} ${s.label}`;
    if (!s.available) return `${head}\n${indent}why: ${s.reason}\n${indent}fix: ${s.fix}`;
    return [
      head,
      s.reason && `${indent}${s.reason}`,
      s.msPerStep !== undefined && `${indent}${s.msPerStep.toFixed(2)} ms per calibration step`,
      s.passedOver && `${indent}not chosen automatically: ${s.passedOver}`,
    ].filter(Boolean).join('\n');
  });
  const candidates = statuses.filter((s) => s.available && !s.passedOver);
  const measured = candidates.filter((s) => s.msPerStep !== undefined).sort((a, b) => a.msPerStep! - b.msPerStep!);
  const best = measured[0] ?? candidates[0];
  const why =
    measured.length > 1
      ? `the fastest at a training step (${formatStepTimes(Object.fromEntries(measured.map((s) => [s.name, s.msPerStep!])) as Partial<Record<BackendName, number>>)})`
      : candidates.length === 1
        ? 'the only backend that works here, software GPU adapters aside'
        : 'the first that works (not measured)';
  lines.push(
    '',
    `calibration step: ${CALIBRATION_STEP}; figures cached in ${calibrationFile()}`,
    best ? `downhill will use: ${best.name} on the ${best.device.toUpperCase()}, ${why} (override with DOWNHILL_BACKEND=<name>)` : 'no backend works here',
  );
  return lines.join('\n');
}
