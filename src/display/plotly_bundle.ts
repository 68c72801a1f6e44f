import * as fs from 'fs';
import { DownhillError } from '../errors';

let source: string | undefined;

/** plotly.js from the npm package plotly.js-dist-min (offline: never a CDN). */
export function plotlySource(): string {
  if (source === undefined) {
    let file: string;
    try {
      file = require.resolve('plotly.js-dist-min');
    } catch {
      throw new DownhillError('the npm package plotly.js-dist-min is not installed, so charts cannot be drawn.', 'run npm install.');
    }
    source = fs.readFileSync(file, 'utf8');
  }
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
