import type { Browser, Page } from 'playwright-core';
import { Figure } from '../plot/figure';
import { launchChromium } from './browser';
import { plotlySource } from './plotly_bundle';

/** The PNG, and a WebP copy that looks the same (for a contour map a fifth of the re-deflated PNG; for a few lines on white it can be heavier). */
export interface StillImages {
  png: Buffer;
  webp?: Buffer;
}

/** WebP quality: at 0.95 the faint contour lines and the text survive; at the default 0.8 the lines fade. */
const WEBP_QUALITY = 0.95;

/** What to draw: a figure (already at its final frame) at a size, with or without the WebP copy. */
export interface StillRequest {
  figure: Figure;
  width: number;
  height: number;
  scale: number;
  webp: boolean;
}

/** A Chromium page with plotly.js loaded, and the renders queued on it. */
interface Slot {
  page: Promise<Page>;
  queue: Promise<unknown>;
  pending: number;
}

/**
 * Headless Chromium with plotly.js loaded in up to `maxPages` pages, reused for every
 * PNG: loading plotly.js into a page takes seconds (3–4 s here), drawing a chart a
 * fraction of one. A render goes to the page with the fewest queued; a new page opens
 * only when every open one is busy. It closes itself after `idleMs` without work, so a
 * script that made a PNG can still exit.
 */
export class Renderer {
  private browser?: Promise<Browser>;
  private slots: Slot[] = [];
  private timer?: NodeJS.Timeout;

  constructor(private readonly idleMs: () => number, private readonly maxPages = 1) {}

  render({ figure, width, height, scale, webp }: StillRequest): Promise<StillImages> {
    clearTimeout(this.timer);
    const slot = this.slot();
    slot.pending++;
    const job = slot.queue.then(async () => {
      const page = await slot.page;
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
        { spec: { data: figure.data, layout: figure.layout }, width, height, scale, webp, quality: WEBP_QUALITY },
      );
      const bytes = (url: string) => Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
      return { png: bytes(urls.png), ...(urls.webp?.startsWith('data:image/webp') ? { webp: bytes(urls.webp) } : {}) };
    });
    slot.queue = job.catch(() => undefined).then(() => {
      slot.pending--;
      if (this.slots.every((s) => s.pending === 0)) this.scheduleClose();
    });
    return job;
  }

  /** The open page with the fewest renders queued, or a new one while every open page is busy. */
  private slot(): Slot {
    const idle = this.slots.reduce<Slot | undefined>((best, s) => (!best || s.pending < best.pending ? s : best), undefined);
    if (idle && (idle.pending === 0 || this.slots.length >= this.maxPages)) return idle;
    const forget = () => (this.slots = this.slots.filter((s) => s !== slot));
    const slot: Slot = { page: this.openPage(forget), queue: Promise.resolve(), pending: 0 };
    slot.page.catch(forget);
    this.slots.push(slot);
    return slot;
  }

  /** A new page with plotly.js loaded; `onCrash` when its renderer process dies. */
  private async openPage(onCrash: () => void): Promise<Page> {
    if (!this.browser) {
      const browser = (this.browser = launchChromium());
      browser.then(
        // A Chromium that dies (killed, out of memory) is forgotten with its pages: the next render starts a new one.
        (b) => b.on('disconnected', () => this.browser === browser && ((this.browser = undefined), (this.slots = []))),
        () => (this.browser = undefined),
      );
    }
    const page = await (await this.browser).newPage();
    page.on('crash', onCrash);
    await page.setContent('<!DOCTYPE html><html><body></body></html>');
    await page.addScriptTag({ content: plotlySource() });
    return page;
  }

  private scheduleClose(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.close(), this.idleMs());
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    const browser = this.browser;
    this.browser = undefined;
    this.slots = [];
    await (await browser?.catch(() => undefined))?.close();
  }
}
