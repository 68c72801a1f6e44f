import { finalFrameState } from '../plot/animation';
import { Figure } from '../plot/figure';
import { Renderer, StillImages, StillRequest } from './chromium_renderer';
import { inNotebook } from './kernel';
import { smallerPNG } from './png_compression';
import { RENDER_SOCKET_ENV, ServiceUnreachable, renderShared } from './render_service';

export { StillImages } from './chromium_renderer';

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
 * The PNG (re-deflated: see png_compression.ts) and a WebP copy, drawn once: a notebook
 * output keeps the PNG as its `image/png` part (the standard still image) and the WebP
 * as `image/webp` when it is lighter (exported pages show that one).
 */
export function toStillImages(fig: Figure, options: PngOptions = {}): Promise<StillImages> {
  return render(fig, options, true);
}

async function render(fig: Figure, options: PngOptions, webp: boolean): Promise<StillImages> {
  const request: StillRequest = {
    figure: finalFrameState(fig),
    width: options.width ?? Number(fig.layout.width ?? 800),
    height: options.height ?? Number(fig.layout.height ?? 450),
    scale: options.scale ?? 1,
    webp,
  };
  const shared = process.env[RENDER_SOCKET_ENV];
  // The run's shared Chromium when there is one; this process's own when there is none or it cannot be reached.
  const images = shared
    ? await renderShared(shared, request).catch((e: unknown) => (e instanceof ServiceUnreachable ? renderer.render(request) : Promise.reject(e)))
    : await renderer.render(request);
  return { ...images, png: smallerPNG(images.png) };
}

/** Closes the shared Chromium now (it also closes by itself when idle). */
export function closeBrowser(): Promise<void> {
  return renderer.close();
}
