import * as tf from '@tensorflow/tfjs';
import { BackendStatus, probe } from './runtime';
import { CANDIDATES, activate } from './backends';

/**
 * Tries every backend, not only up to the first that works, and reports each with
 * the reason it is unavailable and the fix. The backend active before the call is
 * restored afterwards.
 */
export async function doctor(): Promise<BackendStatus[]> {
  const previous = tf.getBackend();
  const statuses: BackendStatus[] = [];
  for (const c of CANDIDATES) statuses.push((await probe(c, false)).status);
  if (previous) await activate(previous);
  return statuses;
}

/** The doctor's report as text, one backend per line. */
export function formatDoctor(statuses: BackendStatus[]): string {
  const indent = ' '.repeat(26);
  const lines = statuses.map((s) => {
    const head = `${s.available ? 'available    ' : 'not available'}  ${s.name.padEnd(8)} ${s.label}`;
    if (!s.available) return `${head}\n${indent}why: ${s.reason}\n${indent}fix: ${s.fix}`;
    return [head, s.reason && `${indent}${s.reason}`, s.passedOver && `${indent}not chosen automatically: ${s.passedOver}`].filter(Boolean).join('\n');
  });
  const best = statuses.find((s) => s.available && !s.passedOver);
  lines.push('', best ? `downhill will use: ${best.name} on the ${best.device.toUpperCase()} (override with DOWNHILL_BACKEND=<name>)` : 'no backend works here');
  return lines.join('\n');
}
