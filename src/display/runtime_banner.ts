import { describe } from '../runtime/runtime';
import { escapeHTML } from './html';
import { inNotebook, sendDisplay } from './kernel';

/**
 * The runtime in one line — which backend runs, on which device, and why — with
 * the details (TensorFlow.js version, the matMul in use, skipped backends and
 * their fixes, the calibration) one click away. Call it after `runtime.init()`.
 * On a terminal it prints the line.
 */
export function showRuntime(): void {
  const line = describe();
  if (!inNotebook()) return void console.log(line);
  const details = describe(undefined, { details: true }).split('\n').slice(1).join('\n');
  sendDisplay({
    'text/html': `<details class="downhill-runtime"><summary style="cursor:pointer;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px">${escapeHTML(line)}</summary><pre style="white-space:pre-wrap;font-size:12px;margin:4px 0 0 16px">${escapeHTML(details)}</pre></details>`,
    'text/plain': line,
  });
}
