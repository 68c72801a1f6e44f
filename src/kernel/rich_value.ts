import { inspect } from 'util';
import { JUPYTER_DISPLAY, RichRepr } from '../jupyter/kernel_hook';
import { MimeBundle } from '../jupyter/messages';

/**
 * The MIME bundle of a cell's value, as IPython shows `Out[n]`: the value's own
 * bundle when it has a `[Symbol.for('Jupyter.display')]()` method (the convention
 * Deno's kernel uses), else the first registered representation that knows it (a
 * Plotly figure becomes a chart), else Node's inspection as text.
 */
export async function richValue(value: unknown, reprs: RichRepr[]): Promise<MimeBundle> {
  if (value !== null && (typeof value === 'object' || typeof value === 'function')) {
    const own = (value as { [JUPYTER_DISPLAY]?: () => MimeBundle | Promise<MimeBundle> })[JUPYTER_DISPLAY];
    if (typeof own === 'function') return withText(await own.call(value), value);
  }
  for (const repr of reprs) {
    const bundle = await repr(value);
    if (bundle) return withText(bundle, value);
  }
  return { 'text/plain': plainText(value) };
}

function plainText(value: unknown): string {
  return inspect(value, { depth: 4, maxArrayLength: 100, maxStringLength: 10000, breakLength: 100 });
}

/** Every bundle carries text/plain (the spec asks for it; terminals show it). */
function withText(bundle: MimeBundle, value: unknown): MimeBundle {
  return 'text/plain' in bundle ? bundle : { ...bundle, 'text/plain': plainText(value) };
}
