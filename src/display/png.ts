import type { Browser, Page } from 'playwright-core';
import { finalFrameState } from '../plot/animation';
import { Figure } from '../plot/figure';
import { launchChromium } from './browser';
import { plotlySource } from './plotly_bundle';

/**
 * One headless Chromium page with plotly.js loaded, reused for every PNG (loading
 * plotly.js takes seconds; drawing a chart, a fraction of one). It closes itself
 * after `idleMs` without work, so a script that made a PNG can still exit.
 */
class Renderer {
  private browser?: Browser;
  private page?: Promise<Page>;
  private queue: Promise<unknown> = Promise.resolve();
  private timer?: NodeJS.Timeout;

  constructor(private readonly idleMs: () => number) {}

  render(fig: Figure, width: number, height: number, scale: number): Promise<Buffer> {
    const job = this.queue.then(async () => {
      clearTimeout(this.timer);
      const page = await this.open();
      const dataUrl = await page.evaluate(
        async ({ spec, width, height, scale }) => {
          const P = (window as unknown as { Plotly: any }).Plotly;
          const div = document.createElement('div');
          document.body.appendChild(div);
          try {
            await P.newPlot(div, spec);
            return (await P.toImage(div, { format: 'png', width, height, scale })) as string;
          } finally {
            P.purge(div);
            div.remove();
          }
        },
        { spec: { data: fig.data, layout: fig.layout }, width, height, scale },
      );
      return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
    });
    this.queue = job.catch(() => undefined).then(() => this.scheduleClose());
    return job;
  }

  private open(): Promise<Page> {
    if (!this.page) {
      this.page = (async () => {
        this.browser = await launchChromium();
        const page = await this.browser.newPage();
        await page.setContent('<!DOCTYPE html><html><body></body></html>');
        await page.addScriptTag({ content: plotlySource() });
        return page;
      })();
      this.page.catch(() => (this.page = undefined));
    }
    return this.page;
  }

  private scheduleClose(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.close(), this.idleMs());
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    const browser = this.browser;
    this.browser = undefined;
    this.page = undefined;
    await browser?.close();
  }
}

const renderer = new Renderer(() => Number(process.env.DOWNHILL_BROWSER_IDLE_MS ?? 3000));

export interface PngOptions {
  width?: number;
  height?: number;
  /** Pixel density (default 1). */
  scale?: number;
}

/**
 * The figure as a PNG image, drawn by plotly.js in headless Chromium. An animated
 * figure is drawn as it stands after its last frame (the whole paths, not frame 0).
 */
export function toPNG(fig: Figure, options: PngOptions = {}): Promise<Buffer> {
  const width = options.width ?? Number(fig.layout.width ?? 800);
  const height = options.height ?? Number(fig.layout.height ?? 450);
  return renderer.render(finalFrameState(fig), width, height, options.scale ?? 1);
}

/** Closes the shared Chromium now (it also closes by itself when idle). */
export function closeBrowser(): Promise<void> {
  return renderer.close();
}
