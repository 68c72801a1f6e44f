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
 * of after every chart on the page. Until its turn, a chart shows its picture; a chart
 * plotly.js cannot draw keeps it. If plotly.js fails to load, or has not come a minute
 * after the page loaded, each waiting chart says so (and is drawn if it comes later).
 */
export const CHART_QUEUE_SCRIPT = `<script type="text/javascript">window.downhillChart = (function () {
  var pending = [], busy = false, loadedAt, noted = false, polling;
  window.addEventListener('load', function () { loadedAt = Date.now(); });
  function onScreen(chart) { var r = chart.el.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; }
  function later(f) { (window.requestIdleCallback || function (g) { return setTimeout(g, 16); })(f); }
  function note() {
    noted = true;
    pending.forEach(function (c) { c.el.insertAdjacentHTML('beforeend', '<p class="downhill-note" style="color:#B00020">plotly.js has not loaded on this page (it is embedded in the page, or assets/plotly.min.js beside it), so this is the static image.</p>'); });
  }
  function next() {
    if (busy || !pending.length) return;
    if (!window.Plotly) {
      if (!noted && (window.downhillPlotlyFailed || (loadedAt && Date.now() - loadedAt > 60000))) note();
      if (!polling && !window.downhillPlotlyFailed) polling = setTimeout(function () { polling = undefined; next(); }, noted ? 1000 : 50);
      return;
    }
    var i = 0;
    while (i < pending.length && !onScreen(pending[i])) i++;
    var chart = pending.splice(i < pending.length ? i : 0, 1)[0];
    busy = true;
    // The picture lies over the chart while plotly.js builds it, and goes once it stands: a failed draw keeps it.
    var pictures = Array.prototype.slice.call(chart.el.querySelectorAll('img'));
    chart.el.style.position = 'relative';
    pictures.forEach(function (img) { img.style.position = 'absolute'; img.style.top = '0'; img.style.left = '0'; img.style.zIndex = '1'; });
    Promise.resolve().then(function () { return window.Plotly.newPlot(chart.el, chart.spec); }).then(function () {
      pictures.forEach(function (img) { img.remove(); });
    }, function (e) {
      pictures.forEach(function (img) { img.style.position = 'static'; });
      console.error(e);
    }).then(function () {
      busy = false;
      pending.some(onScreen) ? setTimeout(next, 0) : later(next);
    });
  }
  return function (id, spec) {
    var el = document.getElementById(id);
    if (!el) return console.error('downhill: no element #' + id + ' for a chart');
    pending.push({ el: el, spec: spec });
    next();
  };
})();</script>`;

/**
 * A figure as an HTML fragment of a page (downhill export, the gallery, toHTML): a div
 * and a script that hands it to the page's chart queue (CHART_QUEUE_SCRIPT, in the
 * page's head; without it the chart is drawn as soon as plotly.js is there). An optional picture (`image`, a data: URL) sits inside the div, so
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
    // A page without the queue (a caller's own page) still gets the chart, drawn once plotly.js is there.
    `<script type="text/javascript">(window.downhillChart || function (id, spec) { var t = setInterval(function () { if (window.Plotly) { clearInterval(t); var el = document.getElementById(id); el.innerHTML = ''; window.Plotly.newPlot(el, spec); } }, 100); })(${JSON.stringify(id)}, ${scriptJSON(spec)});</script>`,
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
