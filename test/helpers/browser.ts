import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { chromiumPath, launchChromium } from '../../src/display/browser';

export const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');

/** Headless Chromium for a test file; fails with the install command when none is present. */
export async function startBrowser(): Promise<Browser> {
  if (!chromiumPath()) throw new Error('these tests need Chromium: apt-get install chromium (.ci/run installs it)');
  return launchChromium();
}

export interface PageReport {
  /** Console errors and uncaught exceptions. */
  errors: string[];
  /** Requests that left the page (anything but data:, blob:, about: and the file itself). */
  requests: string[];
  figures: FigureReport[];
  page: Page;
}

export interface FigureReport {
  /** Traces Plotly drew (gd._fullData). */
  traces: number;
  /** Traces in the DOM by kind. */
  scatter: number;
  points: number;
  heatmaps: number;
  contours: number;
  bars: number;
  gl: boolean;
  frames: number;
  sliders: number;
  buttons: number;
  /** Fallback images still in the div (should be gone once Plotly drew). */
  images: number;
}

/**
 * Opens an HTML file (written under test-artifacts/) as a person would, waits for the
 * charts to be drawn, and reports what is on the page; saves a screenshot beside it.
 */
export async function openPage(browser: Browser, html: string, name: string, waitForFigures = true): Promise<PageReport> {
  const dir = path.join(ARTIFACTS, 'pages');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.html`);
  fs.writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  const own = `file://${file}`;
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => {
    const url = r.url();
    if (!/^(data|blob|about):/.test(url) && url !== own) requests.push(url);
  });
  await page.goto(own, { timeout: 180000 }); // a busy shared machine can take this long to parse plotly.js
  if (waitForFigures) {
    await page.waitForFunction(
      () => {
        const divs = Array.from(document.querySelectorAll('.downhill-figure')) as any[];
        return divs.length > 0 && divs.every((d) => d._fullData !== undefined && d.querySelector('.main-svg'));
      },
      undefined,
      { timeout: 120000 },
    );
  }
  await page.waitForTimeout(200);
  const figures = await page.evaluate(() =>
    (Array.from(document.querySelectorAll('.downhill-figure')) as any[]).map((d) => ({
      traces: d._fullData?.length ?? 0,
      scatter: d.querySelectorAll('.scatterlayer .trace').length,
      points: d.querySelectorAll('.scatterlayer .point').length,
      heatmaps: d.querySelectorAll('.heatmaplayer image, .hm image').length,
      contours: d.querySelectorAll('.contourlayer .contour').length,
      bars: d.querySelectorAll('.barlayer .point').length,
      gl: !!d.querySelector('canvas'),
      frames: d._transitionData?._frames?.length ?? 0,
      sliders: d.querySelectorAll('.slider-container').length,
      buttons: d.querySelectorAll('.updatemenu-button').length,
      images: d.querySelectorAll(':scope > img').length,
    })),
  );
  const shots = path.join(ARTIFACTS, 'screenshots');
  fs.mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  return { errors, requests, figures, page };
}
