import * as fs from 'fs';
import * as path from 'path';
import hljs from 'highlight.js/lib/core';
import typescript from 'highlight.js/lib/languages/typescript';
import python from 'highlight.js/lib/languages/python';
import { CHART_QUEUE_SCRIPT, escapeHTML, figureFragment } from '../display/html';
import { PLOTLY_LOADER } from '../display/show';
import { Figure } from '../plot/figure';
import { renderMarkdown } from './markdown';
import { Cell, Notebook, Output, joined } from './nbformat';
import { hasSolution, stubSolutions } from './solutions';
import { PageAssets, assetTags, writeSharedAssets } from './page_assets';

hljs.registerLanguage('typescript', typescript);
hljs.registerLanguage('python', python);


const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

function text(s: unknown): string {
  return Array.isArray(s) ? s.join('') : typeof s === 'string' ? s : JSON.stringify(s);
}

function renderOutput(output: Output): { html: string; figure: boolean } {
  switch (output.output_type) {
    case 'stream':
      return { html: `<pre class="output stream ${output.name}">${escapeHTML(joined(output.text).replace(ANSI, ''))}</pre>`, figure: false };
    case 'error':
      return {
        html: `<pre class="output error">${escapeHTML([`${output.ename}: ${output.evalue}`, ...output.traceback.filter((t) => !t.startsWith(output.ename))].join('\n').replace(ANSI, ''))}</pre>`,
        figure: false,
      };
    default: {
      const data = output.data;
      if (output.metadata?.[PLOTLY_LOADER]) return { html: '', figure: false };
      const plotly = data['application/vnd.plotly.v1+json'] as Figure | undefined;
      if (plotly) {
        return { html: `<div class="output display">${figureFragment(plotly, { image: stillImage(data) })}</div>`, figure: true };
      }
      if (data['text/html'] !== undefined) return { html: `<div class="output display">${text(data['text/html'])}</div>`, figure: false };
      if (data['image/svg+xml'] !== undefined) return { html: `<div class="output display">${text(data['image/svg+xml'])}</div>`, figure: false };
      for (const mime of ['image/png', 'image/jpeg', 'image/gif']) {
        if (typeof data[mime] === 'string') return { html: `<div class="output display"><img src="data:${mime};base64,${text(data[mime]).replace(/\s/g, '')}" alt=""></div>`, figure: false };
      }
      if (data['text/markdown'] !== undefined) return { html: `<div class="output display markdown">${renderMarkdown(text(data['text/markdown']))}</div>`, figure: false };
      if (data['text/latex'] !== undefined) return { html: `<div class="output display markdown">${renderMarkdown(text(data['text/latex']))}</div>`, figure: false };
      return { html: `<pre class="output">${escapeHTML(text(data['text/plain'] ?? ''))}</pre>`, figure: false };
    }
  }
}

/** A chart output's picture as a data: URL: its WebP copy when it has one (lighter), else its PNG. */
function stillImage(data: Record<string, unknown>): string | undefined {
  for (const mime of ['image/webp', 'image/png']) {
    if (typeof data[mime] === 'string') return `data:${mime};base64,${text(data[mime]).replace(/\s/g, '')}`;
  }
  return undefined;
}

function renderCell(cell: Cell, language: string): string {
  const source = joined(cell.source);
  if (cell.cell_type === 'markdown') return `<section class="cell markdown">${renderMarkdown(source)}</section>`;
  if (cell.cell_type === 'raw') return `<section class="cell raw"><pre>${escapeHTML(source)}</pre></section>`;
  const highlighted = (code: string) => `<pre class="source"><code class="hljs language-${language}">${hljs.getLanguage(language) ? hljs.highlight(code, { language }).value : escapeHTML(code)}</code></pre>`;
  const count = cell.execution_count ?? ' ';
  const outputs = cell.outputs.map((o) => renderOutput(o).html).filter(Boolean).join('\n');
  // An exercise: the page shows the cell as students get it, the answer one click away.
  const input = hasSolution(source)
    ? `<div class="exercise">${highlighted(stubSolutions(source, 'an exercise cell', (indent) => `${indent}// … your answer here`))}<details class="solution"><summary>Show the solution</summary>${highlighted(source)}</details></div>`
    : highlighted(source);
  return [
    `<section class="cell code">`,
    `<div class="input"><span class="prompt">In [${count}]:</span>${input}</div>`,
    outputs ? `<div class="outputs">${outputs}</div>` : '',
    `</section>`,
  ].join('\n');
}

const STYLE = `
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328; margin: 0; background: #fff; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 32px 64px; }
.cell { margin: 14px 0; }
.markdown { line-height: 1.55; font-size: 16px; }
.markdown h1 { font-size: 2em; border-bottom: 1px solid #d0d7de; padding-bottom: .3em; }
.markdown code { background: #f0f2f4; padding: .1em .35em; border-radius: 4px; font-size: 90%; }
.markdown pre { background: #f6f8fa; border: 1px solid #e1e4e8; border-radius: 6px; padding: 8px 12px; overflow-x: auto; }
.markdown pre code { background: none; padding: 0; border-radius: 0; }
.markdown table { border-collapse: collapse; } .markdown td, .markdown th { border: 1px solid #d0d7de; padding: 4px 10px; }
.input { display: flex; gap: 10px; align-items: flex-start; }
.prompt { color: #5561a8; font: 13px/1.5 ui-monospace, Menlo, Consolas, monospace; min-width: 64px; padding-top: 10px; text-align: right; }
pre.source { flex: 1; margin: 0; background: #f6f8fa; border: 1px solid #e1e4e8; border-radius: 6px; padding: 8px 12px; overflow-x: auto; font: 13px/1.5 ui-monospace, Menlo, Consolas, monospace; }
.outputs { margin-left: 74px; }
pre.output { margin: 6px 0; padding: 4px 2px; font: 12.5px/1.45 ui-monospace, Menlo, Consolas, monospace; white-space: pre-wrap; overflow-x: auto; }
pre.stderr { background: #fff5f5; color: #8a1c1c; padding: 6px 8px; border-radius: 4px; }
pre.error { background: #fde8e8; color: #8a1c1c; padding: 6px 8px; border-radius: 4px; }
.output.display { margin: 8px 0; overflow-x: auto; }
.exercise { flex: 1; min-width: 0; } details.solution { margin-top: 6px; } details.solution summary { cursor: pointer; color: #5561a8; font-size: 14px; }
.hljs-keyword, .hljs-built_in { color: #cf222e; } .hljs-string { color: #0a3069; } .hljs-number, .hljs-literal { color: #0550ae; }
.hljs-comment { color: #6e7781; font-style: italic; } .hljs-title, .hljs-title.function_ { color: #8250df; } .hljs-type, .hljs-attr { color: #953800; }
`;

export interface PageOptions {
  title?: string;
  /** plotly.js and KaTeX inside the page (default), or shared files in assets/ beside it. */
  assets?: PageAssets;
}

/** A notebook as an offline HTML page: math, highlighted code, every output, plotly.js once (in the page or beside it). */
export function notebookToHTML(nb: Notebook, options: PageOptions = {}): string {
  const language = String(nb.metadata.kernelspec?.language ?? (nb.metadata.language_info as { name?: string } | undefined)?.name ?? 'typescript');
  const body = nb.cells.map((c) => renderCell(c, language)).join('\n');
  const hasFigures = nb.cells.some((c) => c.cell_type === 'code' && c.outputs.some((o) => renderOutput(o).figure));
  const heading = nb.cells.find((c) => c.cell_type === 'markdown' && /^#\s+/m.test(joined(c.source)));
  const title = options.title ?? (heading ? /^#\s+(.+)$/m.exec(joined(heading.source))![1].replace(/[*_`$]/g, '') : 'notebook');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHTML(title)}</title>`,
    assetTags(options.assets ?? 'inline', hasFigures),
    hasFigures ? CHART_QUEUE_SCRIPT : '',
    `<style>${STYLE}</style>`,
    '</head>',
    '<body><main>',
    body,
    '</main></body>',
    '</html>',
  ].join('\n');
}

/** Writes NAME.html for a notebook file into `outDir` (and, for shared assets, `outDir/assets/`); returns the path. */
export function exportNotebook(nb: Notebook, file: string, outDir: string, assets: PageAssets = 'inline'): string {
  const target = path.join(outDir, `${path.basename(file, '.ipynb')}.html`);
  fs.mkdirSync(outDir, { recursive: true });
  if (assets === 'shared') writeSharedAssets(outDir);
  fs.writeFileSync(target, notebookToHTML(nb, { assets }));
  return target;
}
