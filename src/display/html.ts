import { randomBytes } from 'crypto';
import { Figure } from '../plot/figure';
import { forDisplay } from './display_precision';
import { plotlyScriptTag } from './plotly_bundle';

/** JSON that is safe inside a <script> element. */
export function scriptJSON(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function escapeHTML(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function figureTitle(fig: Figure): string {
  const t = fig.layout?.title as { text?: string } | string | undefined;
  const text = typeof t === 'string' ? t : t?.text;
  return (text ?? 'figure').replace(/<[^>]*>/g, '');
}

export function newFigureId(): string {
  return `dh-${randomBytes(6).toString('hex')}`;
}

/** The style of a figure's div: its width, and its height reserved until it is drawn. */
export function figureBox(fig: Figure): string {
  const height = Number(fig.layout.height ?? 450);
  const width = fig.layout.width !== undefined ? `${Number(fig.layout.width)}px` : '100%';
  return `width:${width};max-width:100%;min-height:${height}px`;
}

/**
 * A figure as an HTML fragment of a page (downhill export, the gallery, toHTML): a div
 * and a script that draws it with the page's plotly.js (waiting up to a minute for it to
 * appear; the gallery loads it asynchronously). An optional picture (`image`, a data: URL) sits inside the div, so that viewers
 * that drop scripts still show it; the script replaces it with the interactive chart.
 */
export function figureFragment(fig: Figure, options: { id?: string; image?: string } = {}): string {
  const id = options.id ?? newFigureId();
  const img = options.image
    ? `<img src="${escapeHTML(options.image)}" alt="${escapeHTML(figureTitle(fig))}" style="max-width:100%;height:auto">`
    : '';
  const shown = forDisplay(fig);
  const spec = { data: shown.data, layout: shown.layout, frames: shown.frames ?? [], config: { responsive: true, displaylogo: false } };
  return [
    `<div class="downhill-figure" id="${id}" style="${figureBox(fig)}">${img}</div>`,
    `<script type="text/javascript">(function () {`,
    `  var spec = ${scriptJSON(spec)};`,
    `  var el = document.getElementById(${JSON.stringify(id)});`,
    `  function draw() { el.innerHTML = ''; window.Plotly.newPlot(el, spec); }`,
    `  if (window.Plotly) { draw(); return; }`,
    `  var waited = 0, timer = setInterval(function () {`,
    `    if (window.Plotly) { clearInterval(timer); draw(); }`,
    `    else if ((waited += 100) > 60000) { clearInterval(timer); el.insertAdjacentHTML('beforeend', '<p style="color:#B00020">plotly.js did not load on this page (it is embedded in the page, or a file beside it), so this is the static image.</p>'); }`,
    `  }, 100);`,
    `})();</script>`,
  ].join('\n');
}

/** A standalone, offline HTML page showing one or more figures (plotly.js embedded once). */
export function toHTML(figures: Figure | Figure[], options: { title?: string } = {}): string {
  const list = Array.isArray(figures) ? figures : [figures];
  const title = options.title ?? figureTitle(list[0]);
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHTML(title)}</title>`,
    '<style>body{font-family:Helvetica,Arial,sans-serif;margin:24px;color:#222} .downhill-figure{margin-bottom:24px}</style>',
    plotlyScriptTag(),
    '</head>',
    '<body>',
    ...list.map((f) => figureFragment(f)),
    '</body>',
    '</html>',
  ].join('\n');
}
