import { DisplayData, MimeBundle } from './messages';

/**
 * What the running kernel offers to code in its cells (downhill's display layer
 * included), found at `globalThis[Symbol.for('downhill.kernel')]`. Through a global
 * symbol, not an import, so that the display layer never loads the kernel and a
 * plain Node.js process simply has none.
 */
export interface KernelHook {
  /** Sends display_data (or update_display_data when `update`) for the cell that is running. */
  display(content: DisplayData, update: boolean): void;
  /** Sends clear_output; with `wait`, the output is cleared when the next one arrives. */
  clearOutput(wait: boolean): void;
  /**
   * Registers a rich representation for values a cell ends with: the first that
   * returns a bundle for a value wins (e.g. a Plotly figure drawn as a chart).
   */
  addRepr(repr: RichRepr): void;
}

/** A bundle for a value, or undefined when it does not know the value. May be async (e.g. drawing a PNG). */
export type RichRepr = (value: unknown) => MimeBundle | undefined | Promise<MimeBundle | undefined>;

/** The Jupyter convention (as in Deno's kernel): an object with this method returns its own MIME bundle. */
export const JUPYTER_DISPLAY = Symbol.for('Jupyter.display');

const HOOK = Symbol.for('downhill.kernel');

export function kernelHook(): KernelHook | undefined {
  return (globalThis as { [HOOK]?: KernelHook })[HOOK];
}

export function installKernelHook(hook: KernelHook): void {
  (globalThis as { [HOOK]?: KernelHook })[HOOK] = hook;
}
