import * as fs from 'fs';
import { DownhillError } from '../errors';

let source: string | undefined;

/**
 * The name of plotly.js in the kernelspec's folder (`downhill kernel install` copies it
 * there), which Jupyter serves at <base>/kernelspecs/<kernel>/plotly.min.js: where a
 * notebook's chart outputs load it from, once per page.
 */
export const PLOTLY_KERNEL_FILE = 'plotly.min.js';

/** The file of plotly.js in the npm package plotly.js-dist-min (offline: never a CDN). */
export function plotlyFile(): string {
  try {
    return require.resolve('plotly.js-dist-min');
  } catch {
    throw new DownhillError('the npm package plotly.js-dist-min is not installed, so charts cannot be drawn.', 'run npm install.');
  }
}

/** plotly.js's source. */
export function plotlySource(): string {
  if (source === undefined) source = fs.readFileSync(plotlyFile(), 'utf8');
  return source;
}

export function plotlyVersion(): string {
  return require('plotly.js-dist-min/package.json').version;
}

/** A <script> element carrying plotly.js inline. */
export function plotlyScriptTag(): string {
  // The bundle never contains "</script>", but guard anyway: it would end the element early.
  return `<script type="text/javascript">${plotlySource().replace(/<\/script>/gi, '<\\/script>')}</script>`;
}
