import * as path from 'path';

/** What a Jupyter display_data / update_display_data message carries. */
export interface DisplayContent {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}

type Writer = (content: DisplayContent, update: boolean) => void;

const JUPYTER_MODULE = path.join('tslab', 'dist', 'jupyter.js');

/**
 * tslab's own writer for the cell being executed. Its public `display` API sends one
 * MIME type per message; this lower-level writer (tslab 1.0.22, pinned) sends a
 * whole bundle, which front ends need in order to choose the representation they
 * can show. Found through the module the running kernel loaded, so downhill never
 * loads tslab itself outside a notebook.
 */
function kernelWriter(): Writer | undefined {
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!file.endsWith(JUPYTER_MODULE)) continue;
    const writer = (mod?.exports as { lastWriteDisplayData?: Writer | null } | undefined)?.lastWriteDisplayData;
    if (typeof writer === 'function') return writer;
  }
  return undefined;
}

/** True inside a running tslab kernel (a notebook cell is or was executing). */
export function inNotebook(): boolean {
  return kernelWriter() !== undefined;
}

/** Sends a display bundle to the notebook; `update` replaces the output with the same display id. */
export function sendDisplay(
  data: Record<string, unknown>,
  options: { displayId?: string; update?: boolean; metadata?: Record<string, unknown> } = {},
): void {
  const writer = kernelWriter();
  if (!writer) throw new Error('sendDisplay called outside a notebook kernel');
  writer({ data, metadata: options.metadata ?? {}, transient: options.displayId ? { display_id: options.displayId } : {} }, !!options.update);
}
