import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { Widget } from '@lumino/widgets';
import * as Plotly from 'plotly.js-dist-min';

/** The MIME type downhill's charts (and plotly.py's) carry their Plotly figure in. */
export const PLOTLY_MIME_TYPE = 'application/vnd.plotly.v1+json';

/** The class on every chart this renderer draws (tests and styles find them by it). */
export const RENDERED_CLASS = 'downhill-plotly';

/** A Plotly figure as it sits in a notebook output: data, layout, frames, config. */
interface FigureJSON {
  data?: unknown[];
  layout?: Record<string, unknown>;
  frames?: unknown[];
  config?: Record<string, unknown>;
}

/**
 * Draws one output's Plotly figure with the plotly.js bundled in this extension. When the
 * kernel updates the output (update_display_data, as liveLoss does while fit runs),
 * JupyterLab calls renderModel again on the same widget and the chart is redrawn in place
 * with Plotly.react, so a live curve grows without flicker.
 */
class PlotlyRenderer extends Widget implements IRenderMime.IRenderer {
  private readonly plot: HTMLDivElement;
  private drawn = false;

  constructor() {
    super();
    this.addClass(RENDERED_CLASS);
    this.plot = document.createElement('div');
    this.plot.style.width = '100%';
    this.node.appendChild(this.plot);
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    // plotly.js writes into the objects it is given; the output's own JSON must stay as saved.
    const figure = structuredClone(model.data[PLOTLY_MIME_TYPE]) as FigureJSON;
    const layout = figure.layout ?? {};
    this.plot.style.height = `${Number(layout.height ?? 450)}px`;
    const spec = {
      data: figure.data ?? [],
      layout,
      frames: figure.frames ?? [],
      config: { displaylogo: false, ...figure.config, responsive: true },
    };
    if (this.drawn) {
      await Plotly.react(this.plot, spec);
    } else {
      await Plotly.newPlot(this.plot, spec);
      this.drawn = true;
    }
  }

  protected override onAfterShow(): void {
    if (this.drawn) void Plotly.Plots.resize(this.plot);
  }

  protected override onResize(): void {
    if (this.drawn && this.isVisible) void Plotly.Plots.resize(this.plot);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    if (this.drawn) Plotly.purge(this.plot);
    super.dispose();
  }
}

/**
 * The renderer is safe: a Plotly figure is data, and plotly.js sanitises the little HTML it
 * allows in titles and labels, so untrusted notebooks (reopened, shared) draw it too. Rank 0
 * puts it before text/html, image/png and text/plain in the same bundle.
 */
export const rendererFactory: IRenderMime.IRendererFactory = {
  safe: true,
  mimeTypes: [PLOTLY_MIME_TYPE],
  defaultRank: 0,
  createRenderer: () => new PlotlyRenderer(),
};

/** What this plugin uses of the application (JupyterLab's or Notebook 7's) it runs in. */
interface FrontEnd {
  /** Resolves once every plugin has started, before any notebook is opened. */
  started: Promise<void>;
}

/**
 * A plugin rather than a plain mime extension, for precedence: JupyterLab keeps one renderer
 * per MIME type, the last one added, and adds mime extensions in the order it finds their
 * folders, so plotly.py's own extension (which ignores display updates: live curves freeze)
 * could win. This plugin adds downhill's renderer when it starts and again once every plugin
 * has started, so that it is the one notebooks get.
 */
const plugin = {
  id: 'downhill-charts:plotly',
  description: "Draws Plotly charts (downhill's and any other) with live updates.",
  autoStart: true,
  requires: [IRenderMimeRegistry],
  activate: (app: FrontEnd, rendermime: IRenderMimeRegistry): void => {
    rendermime.addFactory(rendererFactory, 0);
    void app.started.then(() => rendermime.addFactory(rendererFactory, 0));
  },
};

export default plugin;
