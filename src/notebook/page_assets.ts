import * as fs from 'fs';
import * as path from 'path';
import { plotlyFile, plotlyScriptTag } from '../display/plotly_bundle';
import { katexCSS } from './markdown';

/**
 * Where an exported page gets plotly.js and KaTeX's stylesheet and fonts from:
 * 'inline' puts them into the page (one file that works anywhere); 'shared' links to
 * one copy of each in assets/ beside the pages (a gallery of many pages stores them once).
 */
export type PageAssets = 'inline' | 'shared';

/** The folder of the shared files, relative to the pages. */
export const ASSETS_DIR = 'assets';
const PLOTLY = `${ASSETS_DIR}/plotly.min.js`;
const KATEX = `${ASSETS_DIR}/katex/katex.min.css`;

/** The <head> elements that bring KaTeX's styles and, when the page has charts, plotly.js. */
export function assetTags(assets: PageAssets, withPlotly: boolean): string {
  if (assets === 'inline') return [`<style>${katexCSS()}</style>`, withPlotly ? plotlyScriptTag() : ''].join('\n');
  // plotly.js (4.8 MB; 3–4 s to start in Chromium on 2 slow cores) is fetched once the page has loaded, so the text,
  // the math and each chart's picture show first and the load event does not wait for it; the charts turn live after.
  const loadPlotly = `<script type="text/javascript">window.addEventListener('load', function () { var s = document.createElement('script'); s.src = '${PLOTLY}'; s.onerror = function () { window.downhillPlotlyFailed = true; }; document.head.appendChild(s); });</script>`;
  return [`<link rel="stylesheet" href="${KATEX}">`, withPlotly ? loadPlotly : ''].join('\n');
}

/** Writes the shared files into `outDir/assets/`: plotly.js, KaTeX's stylesheet and its woff2 fonts. */
export function writeSharedAssets(outDir: string): void {
  const katexDir = path.dirname(require.resolve('katex/dist/katex.min.css'));
  fs.mkdirSync(path.join(outDir, ASSETS_DIR, 'katex', 'fonts'), { recursive: true });
  fs.copyFileSync(plotlyFile(), path.join(outDir, PLOTLY));
  fs.copyFileSync(path.join(katexDir, 'katex.min.css'), path.join(outDir, KATEX));
  for (const font of fs.readdirSync(path.join(katexDir, 'fonts')).filter((f) => f.endsWith('.woff2'))) {
    fs.copyFileSync(path.join(katexDir, 'fonts', font), path.join(outDir, ASSETS_DIR, 'katex', 'fonts', font));
  }
}
