import * as tf from '@tensorflow/tfjs';
import { BackendStatus } from './runtime';
import { CANDIDATES, activate } from './backends';

/**
 * Tries every backend, not only up to the first that works, and reports each with
 * the reason it is unavailable and the fix. The backend active before the call is
 * restored afterwards.
 */
export async function doctor(): Promise<BackendStatus[]> {
  const previous = tf.getBackend();
  const statuses: BackendStatus[] = [];
  for (const c of CANDIDATES) {
    const base = { name: c.name, device: c.device, label: c.label };
    const loaded = await c.load();
    if (!loaded.ok) statuses.push({ ...base, available: false, reason: loaded.reason, fix: loaded.fix });
    else if (!(await activate(loaded.tfName))) {
      statuses.push({ ...base, available: false, reason: `TensorFlow.js could not initialise '${loaded.tfName}' here`, fix: 'see the error above' });
    } else statuses.push({ ...base, available: true, reason: loaded.detail });
  }
  if (previous) await activate(previous);
  return statuses;
}

/** The doctor's report as text, one backend per line. */
export function formatDoctor(statuses: BackendStatus[]): string {
  const lines = statuses.map((s) => {
    const head = `${s.available ? 'available    ' : 'not available'}  ${s.name.padEnd(8)} ${s.label}`;
    if (s.available) return s.reason ? `${head}\n${' '.repeat(26)}${s.reason}` : head;
    return `${head}\n${' '.repeat(26)}why: ${s.reason}\n${' '.repeat(26)}fix: ${s.fix}`;
  });
  const best = statuses.find((s) => s.available);
  lines.push('', best ? `downhill will use: ${best.name} (override with DOWNHILL_BACKEND=<name>)` : 'no backend works here');
  return lines.join('\n');
}
