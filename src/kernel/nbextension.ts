import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PLOTLY_MIME } from '../display/plotly_mime';
import { PLOTLY_KERNEL_FILE, plotlyVersion } from '../display/plotly_bundle';
import { userDataDir } from './jupyter_paths';
import { KERNEL_NAME } from './kernelspec';

/**
 * downhill's chart renderer for classic Jupyter Notebook 6: an nbextension (an AMD module
 * that Notebook 6 loads on every notebook page) that draws the Plotly MIME type of the
 * downhill kernel's notebooks, as the JupyterLab extension does for Lab and Notebook 7
 * (a Python notebook's plotly.py outputs keep their own HTML and plotly.js). A chart output is
 * then the Plotly JSON, a PNG and a line of text, with no HTML or script of its own, so
 * an export that drops scripts (nbconvert --HTMLExporter.sanitize_html=True, GitHub)
 * shows the PNG, and no loader code can leak into it as text.
 *
 * The renderer shows the output's PNG at once, loads plotly.js once per page from the
 * downhill kernelspec's folder (which Jupyter serves at <base>/kernelspecs/downhill/),
 * and draws the chart over it. It draws in untrusted notebooks too: the Plotly JSON is
 * data, not code. When plotly.js cannot be loaded, the PNG stays with a note saying why.
 */

/** The folder (under nbextensions/) and the module Notebook 6 loads. */
export const NBEXTENSION_NAME = 'downhill';
const MODULE = `${NBEXTENSION_NAME}/main`;

function moduleSource(): string {
  return `// downhill's chart renderer for classic Jupyter Notebook 6 (installed by \`downhill kernel install\`).
define(['jquery', 'base/js/namespace', 'notebook/js/outputarea'], function ($, Jupyter, outputarea) {
  'use strict';
  var MIME = '${PLOTLY_MIME}';
  var PLOTLY = 'kernelspecs/${KERNEL_NAME}/${PLOTLY_KERNEL_FILE}?v=${plotlyVersion()}';
  var OutputArea = outputarea.OutputArea;
  var drawn = [];

  /** Only the downhill kernel's notebooks: another kernel's Plotly outputs (plotly.py's) stay with their own HTML. */
  function ours() {
    var spec = Jupyter.notebook && Jupyter.notebook.metadata && Jupyter.notebook.metadata.kernelspec;
    return !!spec && spec.name === '${KERNEL_NAME}';
  }

  function plotly() {
    if (window.Plotly && window.Plotly.newPlot) return Promise.resolve(window.Plotly);
    if (!window.downhillPlotly) {
      window.downhillPlotly = new Promise(function (resolve, reject) {
        var s = document.createElement('script');
        s.src = (document.body.getAttribute('data-base-url') || '/') + PLOTLY;
        s.onload = function () { window.Plotly ? resolve(window.Plotly) : reject(new Error(s.src + ' did not define Plotly')); };
        s.onerror = function () { window.downhillPlotly = undefined; reject(new Error('could not load ' + s.src)); };
        document.head.appendChild(s);
      });
    }
    return window.downhillPlotly;
  }

  /** Charts replaced by a display update, a clear or a re-run are purged (plotly.js keeps a resize listener per chart). */
  function purgeGone(P) {
    drawn = drawn.filter(function (el) {
      if (document.body.contains(el)) return true;
      P.purge(el);
      return false;
    });
  }

  /** The output's PNG at once, then the chart drawn over it from the Plotly JSON. */
  function appendChart(json, element) {
    var area = this.create_output_subarea(json.metadata || {}, 'output_downhill', MIME);
    var box = $('<div class="downhill-figure"></div>').appendTo(area);
    var png = json.data['image/png'];
    if (png) $('<img style="max-width:100%;height:auto">').attr('src', 'data:image/png;base64,' + png).appendTo(box);
    element.append(area);
    var figure = JSON.parse(JSON.stringify(json.data[MIME]));
    plotly().then(function (P) {
      purgeGone(P);
      // The picture lies over the chart while plotly.js builds it, and goes once it stands: a failed draw keeps it.
      var pictures = box.css('position', 'relative').children('img').css({ position: 'absolute', top: 0, left: 0, zIndex: 1 });
      var config = $.extend({}, figure.config, { displaylogo: false });
      return P.newPlot(box[0], { data: figure.data, layout: figure.layout, frames: figure.frames || [], config: config }).then(function () {
        pictures.remove();
        drawn.push(box[0]);
      }, function (e) {
        pictures.css('position', 'static');
        throw e;
      });
    }).catch(function (e) {
      $('<p class="downhill-note" style="color:#57606a;font:12px/1.4 sans-serif;margin:2px 0 6px"></p>')
        .text('Static image: ' + e.message + '. Install the kernel again (downhill kernel install) to get the interactive chart.')
        .appendTo(box);
    });
    return area;
  }

  function load_ipython_extension() {
    var appendMimeType = OutputArea.prototype.append_mime_type;
    OutputArea.prototype.append_mime_type = function (json, element, handle_inserted) {
      if (!json.data || json.data[MIME] === undefined || !ours()) return appendMimeType.apply(this, arguments);
      var inserted = appendChart.call(this, json, element);
      if (handle_inserted !== undefined) setTimeout(handle_inserted, 0);
      this.events.trigger('output_appended.OutputArea', [MIME, json.data[MIME], json.metadata || {}, inserted]);
      return inserted;
    };
    // Charts shown before this module loaded (the notebook can open first) showed their PNG: each
    // such output is drawn again in its own place, found by its picture, leaving the notebook unchanged.
    if (!ours()) return;
    Jupyter.notebook.get_cells().forEach(function (cell) {
      var area = cell.output_area;
      if (!area) return;
      area.outputs.forEach(function (output) {
        var png = output.data && output.data[MIME] !== undefined && output.data['image/png'];
        if (!png) return;
        area.element.children('.output_area').each(function () {
          var img = $(this).children('.output_png').find('img');
          if (img.length !== 1 || img.attr('src') !== 'data:image/png;base64,' + png) return;
          $(this).children('.output_subarea').remove();
          appendChart.call(area, output, $(this));
        });
      });
    });
  }

  return { load_ipython_extension: load_ipython_extension };
});
`;
}

/**
 * The nbconfig folder that goes with a Jupyter data folder: the user's config folder
 * ($JUPYTER_CONFIG_DIR, else ~/.jupyter) for the user's data folder, <prefix>/etc/jupyter
 * for <prefix>/share/jupyter (--sys-prefix, --prefix DIR).
 */
export function nbConfigDirBeside(dataDir: string): string {
  const share = path.dirname(dataDir);
  if (path.resolve(dataDir) !== path.resolve(userDataDir()) && path.basename(dataDir) === 'jupyter' && path.basename(share) === 'share') {
    return path.join(path.dirname(share), 'etc', 'jupyter', 'nbconfig');
  }
  return path.join(process.env.JUPYTER_CONFIG_DIR || path.join(os.homedir(), '.jupyter'), 'nbconfig');
}

/**
 * Writes the module to `dataDir/nbextensions/downhill/main.js` and enables it for every
 * notebook page in `nbConfigDir/notebook.d/downhill.json` (a file of its own, so removing
 * it leaves other extensions' settings alone). Returns the module's path.
 */
export function installNbExtension(dataDir: string, nbConfigDir: string): string {
  const file = path.join(dataDir, 'nbextensions', NBEXTENSION_NAME, 'main.js');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, moduleSource());
  const config = path.join(nbConfigDir, 'notebook.d', `${NBEXTENSION_NAME}.json`);
  fs.mkdirSync(path.dirname(config), { recursive: true });
  fs.writeFileSync(config, JSON.stringify({ load_extensions: { [MODULE]: true } }, null, 2) + '\n');
  return file;
}

/** Deletes the module and its nbconfig file; returns the module's folder, or undefined when it was not there. */
export function removeNbExtension(dataDir: string, nbConfigDir: string): string | undefined {
  fs.rmSync(path.join(nbConfigDir, 'notebook.d', `${NBEXTENSION_NAME}.json`), { force: true });
  const dir = path.join(dataDir, 'nbextensions', NBEXTENSION_NAME);
  if (!fs.existsSync(dir)) return undefined;
  fs.rmSync(dir, { recursive: true, force: true });
  return dir;
}
