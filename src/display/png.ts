import type { Browser, Page } from 'playwright-core';
import { finalFrameState } from '../plot/animation';
import { Figure } from '../plot/figure';
import { launchChromium } from './browser';
import { inNotebook } from './kernel';
import { smallerPNG } from './png_compression';
import { plotlySource } from './plotly_bundle';

/** The PNG, and a WebP copy that looks the same (for a contour map a fifth of the re-deflated PNG; for a few lines on white it can be heavier). */
export interface StillImages {
  png: Buffer;
  webp?: Buffer;
}

/** WebP quality: at 0.95 the faint contour lines and the text survive; at the default 0.8 the lines fade. */
const WEBP_QUALITY = 0.95;

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

  render(fig: Figure, width: number, height: number, scale: number, webp: boolean): Promise<StillImages> {
    const job = this.queue.then(async () => {
      clearTimeout(this.timer);
      const page = await this.open();
      const urls = await page.evaluate(
        async ({ spec, width, height, scale, webp, quality }) => {
          const P = (window as unknown as { Plotly: any }).Plotly;
          const div = document.createElement('div');
          document.body.appendChild(div);
          try {
            await P.newPlot(div, spec);
            const png = (await P.toImage(div, { format: 'png', width, height, scale })) as string;
            if (!webp) return { png };
            const image = new Image();
            image.src = png;
            await image.decode();
            const canvas = document.createElement('canvas');
            canvas.width = image.width;
            canvas.height = image.height;
            canvas.getContext('2d')!.drawImage(image, 0, 0);
            return { png, webp: canvas.toDataURL('image/webp', quality) };
          } finally {
            P.purge(div);
            div.remove();
          }
        },
        { spec: { data: fig.data, layout: fig.layout }, width, height, scale, webp, quality: WEBP_QUALITY },
      );
      const bytes = (url: string) => Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
      return { png: smallerPNG(bytes(urls.png)), ...(urls.webp?.startsWith('data:image/webp') ? { webp: bytes(urls.webp) } : {}) };
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

/**
 * How long Chromium waits for the next chart: a minute in a kernel (a lesson computes for
 * seconds between charts, and a relaunch costs seconds), 3 s in a script (so it can exit).
 */
const renderer = new Renderer(() => Number(process.env.DOWNHILL_BROWSER_IDLE_MS ?? (inNotebook() ? 60000 : 3000)));

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
export async function toPNG(fig: Figure, options: PngOptions = {}): Promise<Buffer> {
  return (await render(fig, options, false)).png;
}

/**
 * The PNG and a WebP copy, drawn once: a notebook output keeps the PNG as its
 * `image/png` part (the standard still image) and shows the lighter of the two inside
 * its HTML part, so the picture is not stored twice at full weight.
 */
export function toStillImages(fig: Figure, options: PngOptions = {}): Promise<StillImages> {
  return render(fig, options, true);
}

function render(fig: Figure, options: PngOptions, webp: boolean): Promise<StillImages> {
  const width = options.width ?? Number(fig.layout.width ?? 800);
  const height = options.height ?? Number(fig.layout.height ?? 450);
  return renderer.render(finalFrameState(fig), width, height, options.scale ?? 1, webp);
}

/** Closes the shared Chromium now (it also closes by itself when idle). */
export function closeBrowser(): Promise<void> {
  return renderer.close();
}
