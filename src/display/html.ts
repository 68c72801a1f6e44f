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
 * The script a page with charts carries once, in its <head>: `downhillChart(id, spec)`
 * queues a chart, and the queue draws one chart at a time, letting the page paint in
 * between. A chart on screen when its turn comes goes first; the rest are drawn while
 * the page is idle, top to bottom. So a long lesson
 * opens with its first screen live in about the time plotly.js takes to start, instead
 * of after every chart on the page. Until its turn, a chart shows its picture. If
 * plotly.js has not appeared after a minute, each waiting chart says so.
 */
export const CHART_QUEUE_SCRIPT = `<script type="text/javascript">window.downhillChart = (function () {
  var pending = [], busy = false, started = Date.now(), polling;
  function onScreen(chart) { var r = chart.el.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; }
  function later(f) { (window.requestIdleCallback || function (g) { return setTimeout(g, 16); })(f); }
  function next() {
    if (busy || !pending.length) return;
    if (!window.Plotly) {
      if (Date.now() - started > 60000) return pending.forEach(function (c) { c.el.insertAdjacentHTML('beforeend', '<p style="color:#B00020">plotly.js did not load on this page (it is embedded in the page, or a file beside it), so this is the static image.</p>'); });
      if (!polling) polling = setTimeout(function () { polling = undefined; next(); }, 50);
      return;
    }
    var i = 0;
    while (i < pending.length && !onScreen(pending[i])) i++;
    var chart = pending.splice(i < pending.length ? i : 0, 1)[0];
    busy = true;
    chart.el.innerHTML = '';
    Promise.resolve().then(function () { return window.Plotly.newPlot(chart.el, chart.spec); }).catch(function (e) { console.error(e); }).then(function () {
      busy = false;
      pending.some(onScreen) ? setTimeout(next, 0) : later(next);
    });
  }
  return function (id, spec) {
    pending.push({ el: document.getElementById(id), spec: spec });
    next();
  };
})();</script>`;

/**
 * A figure as an HTML fragment of a page (downhill export, the gallery, toHTML): a div
 * and a script that hands it to the page's chart queue (CHART_QUEUE_SCRIPT, which the
 * page must carry). An optional picture (`image`, a data: URL) sits inside the div, so
 * that viewers that drop scripts still show it; the chart replaces it when drawn.
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
    `<script type="text/javascript">downhillChart(${JSON.stringify(id)}, ${scriptJSON(spec)});</script>`,
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
    CHART_QUEUE_SCRIPT,
    '</head>',
    '<body>',
    ...list.map((f) => figureFragment(f)),
    '</body>',
    '</html>',
  ].join('\n');
}
