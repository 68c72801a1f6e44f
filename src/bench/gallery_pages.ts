import * as fs from 'fs';
import * as path from 'path';
import { launchChromium } from '../display/browser';

export interface GalleryPage {
  page: string;
  bytes: number;
  charts: number;
  /** From navigation to the load event: text, math and every chart's picture shown, in headless Chromium (median of the rounds). */
  loadSeconds: number;
  /** From navigation to every chart on the first screen live (drawn by plotly.js); the load time when the first screen has none. */
  openSeconds: number;
  /** From navigation to the first chart live, wherever it is: when plotly.js has started. */
  firstChartSeconds: number;
  /** From navigation to every chart on the page drawn (those below the first screen are drawn while the page is idle). */
  allDrawnSeconds: number;
}

export interface GalleryWeight {
  folderBytes: number;
  sharedBytes: number;
  pages: GalleryPage[];
  notebooks: { notebook: string; bytes: number }[];
}

function folderBytes(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((n, e) => {
    const p = path.join(dir, e.name);
    return n + (e.isDirectory() ? folderBytes(p) : fs.statSync(p).size);
  }, 0);
}

/**
 * The weight of a gallery written by `downhill gallery` (npm start): the whole folder,
 * the shared assets, each page and executed notebook, and how long each page takes to
 * open with its charts drawn in headless Chromium (each page opened `rounds` times).
 */
export async function galleryWeight(dir: string, rounds = 3): Promise<GalleryWeight> {
  const pages = fs.readdirSync(dir).filter((f) => f.endsWith('.html') && f !== 'index.html').sort();
  const notebooksDir = path.join(dir, 'notebooks');
  const notebooks = fs.existsSync(notebooksDir)
    ? fs.readdirSync(notebooksDir).filter((f) => f.endsWith('.ipynb')).sort().map((f) => ({ notebook: f, bytes: fs.statSync(path.join(notebooksDir, f)).size }))
    : [];
  const browser = await launchChromium();
  const measured: GalleryPage[] = [];
  try {
    for (const page of pages) {
      const loadTimes: number[] = [];
      const firstScreenTimes: number[] = [];
      const firstTimes: number[] = [];
      const allTimes: number[] = [];
      let charts = 0;
      for (let r = 0; r < rounds; r++) {
        const tab = await browser.newPage({ viewport: { width: 1100, height: 900 } });
        // The page records, in its own clock (ms from the start of navigation), when each chart stands
        // drawn (its plot in place of its picture), and which charts its first screen holds at load.
        await tab.addInitScript(() => {
          const w = window as unknown as { drawnAt: Record<number, number>; firstScreen: number[] };
          w.drawnAt = {};
          new MutationObserver(() => {
            document.querySelectorAll('.downhill-figure').forEach((d, i) => {
              if (!(i in w.drawnAt) && d.querySelector('.main-svg') && !d.querySelector('img')) w.drawnAt[i] = performance.now();
            });
          }).observe(document, { childList: true, subtree: true });
          addEventListener('load', () => {
            w.firstScreen = Array.from(document.querySelectorAll('.downhill-figure')).flatMap((d, i) => (d.getBoundingClientRect().top < innerHeight ? [i] : []));
          });
        });
        await tab.goto(`file://${path.resolve(dir, page)}`, { timeout: 300000 });
        charts = await tab.locator('.downhill-figure').count();
        await tab.waitForFunction((n) => Object.keys((window as unknown as { drawnAt: object }).drawnAt).length === n, charts, { timeout: 300000, polling: 100 });
        const t = await tab.evaluate(() => {
          const w = window as unknown as { drawnAt: Record<number, number>; firstScreen: number[] };
          const load = (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventStart;
          const drawn = Object.values(w.drawnAt);
          return { load, firstScreen: Math.max(load, ...w.firstScreen.map((i) => w.drawnAt[i])), first: drawn.length ? Math.min(...drawn) : load, all: Math.max(load, ...drawn) };
        });
        loadTimes.push(t.load / 1000);
        firstScreenTimes.push(t.firstScreen / 1000);
        firstTimes.push(t.first / 1000);
        allTimes.push(t.all / 1000);
        await tab.close();
      }
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      measured.push({ page, bytes: fs.statSync(path.join(dir, page)).size, charts, loadSeconds: median(loadTimes), openSeconds: median(firstScreenTimes), firstChartSeconds: median(firstTimes), allDrawnSeconds: median(allTimes) });
      process.stderr.write(`${page}: loaded in ${loadTimes.map((t) => t.toFixed(2)).join(', ')} s; first screen live in ${firstScreenTimes.map((t) => t.toFixed(2)).join(', ')} s; first chart in ${firstTimes.map((t) => t.toFixed(2)).join(', ')} s; all ${charts} charts in ${allTimes.map((t) => t.toFixed(2)).join(', ')} s\n`);
    }
  } finally {
    await browser.close();
  }
  const assets = path.join(dir, 'assets');
  return { folderBytes: folderBytes(dir), sharedBytes: fs.existsSync(assets) ? folderBytes(assets) : 0, pages: measured, notebooks };
}
