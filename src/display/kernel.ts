import { RichRepr, kernelHook } from '../jupyter/kernel_hook';

/** True inside a running downhill kernel (code in a notebook cell). */
export function inNotebook(): boolean {
  return kernelHook() !== undefined;
}

/** Sends a display bundle to the notebook; `update` replaces the output with the same display id. */
export function sendDisplay(
  data: Record<string, unknown>,
  options: { displayId?: string; update?: boolean; metadata?: Record<string, unknown> } = {},
): void {
  const hook = kernelHook();
  if (!hook) throw new Error('sendDisplay called outside a notebook kernel');
  hook.display({ data, metadata: options.metadata ?? {}, transient: options.displayId ? { display_id: options.displayId } : {} }, !!options.update);
}

/** Clears the cell's output (with `wait`, when the next output arrives: for redrawing without flicker). */
export function clearOutput(options: { wait?: boolean } = {}): void {
  kernelHook()?.clearOutput(!!options.wait);
}

/** Teaches the kernel to show values of a kind when a cell ends with one (does nothing outside a notebook). */
export function addRepr(repr: RichRepr): void {
  kernelHook()?.addRepr(repr);
}
