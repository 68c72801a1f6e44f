import { Figure } from '../plot/figure';
import { escapeHTML, figureBox, figureTitle } from './html';
import { PLOTLY_KERNEL_FILE, plotlyVersion } from './plotly_bundle';

/** The MIME type of a chart's Plotly JSON: the one copy of its data in a notebook output. */
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** A transparent 1×1 GIF: what the loader hangs on when there is no PNG yet (live charts). */
const BLANK_GIF = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

/**
 * The loader, run by the output's image when it has loaded (`this` is the <img>): the
 * code is an event attribute, not a <script>, so a viewer that drops scripts (an
 * untrusted notebook, a sanitised export) drops it without a trace and shows the PNG.
 *
 * In classic Notebook 6 it reads the figure from the output's own Plotly JSON part (the
 * notebook's model), loads plotly.js once per page from the kernelspec's folder
 * (<base>/kernelspecs/<kernel>/plotly.min.js, written by `downhill kernel install`)
 * unless the page has a Plotly already, and draws the chart in place of the PNG.
 * Anywhere else, or when plotly.js cannot be loaded, the PNG stays with a short note.
 */
const LOADER = `(function (img) {
  img.onload = null;
  var el = img.parentNode, mime = '${PLOTLY_MIME}', tries = 0;
  function note(text) {
    if (!el || el.querySelector('.downhill-note')) return;
    var p = document.createElement('p');
    p.className = 'downhill-note';
    p.style.cssText = 'color:#57606a;font:12px/1.4 sans-serif;margin:2px 0 6px';
    p.textContent = text;
    el.appendChild(p);
  }
  var nb = window.Jupyter && window.Jupyter.notebook;
  if (!el || !nb || typeof nb.get_cells !== 'function') {
    note('Static image. The interactive chart is drawn in Jupyter with the downhill kernel, and in pages made by downhill export.');
    return;
  }
  function figure() {
    var cells = nb.get_cells();
    for (var i = 0; i < cells.length; i++) {
      var area = cells[i].output_area;
      if (!area || !area.element || !area.element[0].contains(el)) continue;
      for (var k = 0; k < area.outputs.length; k++) {
        var data = area.outputs[k].data || {}, html = data['text/html'];
        html = Array.isArray(html) ? html.join('') : String(html || '');
        if (data[mime] && html.indexOf(el.id) >= 0) return data[mime];
      }
    }
  }
  function plotly() {
    if (window.Plotly && window.Plotly.newPlot) return Promise.resolve(window.Plotly);
    if (!window.downhillPlotly) {
      window.downhillPlotly = new Promise(function (resolve, reject) {
        var kernel = (nb.metadata && nb.metadata.kernelspec && nb.metadata.kernelspec.name) || (nb.kernel && nb.kernel.name);
        var base = document.body.getAttribute('data-base-url') || '/';
        var s = document.createElement('script');
        s.src = base + 'kernelspecs/' + encodeURIComponent(kernel) + '/${PLOTLY_KERNEL_FILE}?v=${plotlyVersion()}';
        s.onload = function () { window.Plotly ? resolve(window.Plotly) : reject(new Error(s.src + ' did not define Plotly')); };
        s.onerror = function () { window.downhillPlotly = undefined; reject(new Error('could not load ' + s.src)); };
        document.head.appendChild(s);
      });
    }
    return window.downhillPlotly;
  }
  (function attempt() {
    var spec = document.body.contains(el) && figure();
    if (!spec) {
      if (++tries < 50) setTimeout(attempt, 100);
      else note('Static image: the chart\\'s Plotly data was not found in this output.');
      return;
    }
    spec = JSON.parse(JSON.stringify(spec));
    plotly().then(function (P) {
      var config = spec.config || {};
      config.displaylogo = false;
      el.innerHTML = '';
      return P.newPlot(el, { data: spec.data, layout: spec.layout, frames: spec.frames || [], config: config });
    }).catch(function (e) {
      note('Static image: ' + e.message + '. Install the kernel again (downhill kernel install) to get the interactive chart.');
    });
  })();
})(this)`;

/** The loader as one line for an HTML attribute. */
const LOADER_ATTRIBUTE = escapeHTML(LOADER.replace(/\n\s*/g, ' '));

/**
 * The HTML part of a chart's notebook output: a div with the picture (`image`, a data:
 * URL; before there is one, a blank pixel) whose onload draws the chart from the output's Plotly JSON part.
 * It carries neither plotly.js nor the figure's data, so each chart is stored once.
 */
export function figureOutputHTML(fig: Figure, id: string, image?: string): string {
  const src = image ?? BLANK_GIF;
  return (
    `<div class="downhill-figure" id="${id}" style="${figureBox(fig)}">` +
    `<img src="${src}" alt="${escapeHTML(figureTitle(fig))}" style="max-width:100%;height:auto" onload="${LOADER_ATTRIBUTE}"></div>`
  );
}
