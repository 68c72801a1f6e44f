import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DownhillError } from '../errors';
import { Figure } from '../plot/figure';
import { chromiumPath } from './browser';
import { figureTitle, newFigureId, toHTML } from './html';
import { addRepr, inNotebook, sendDisplay } from './kernel';
import { PLOTLY_MIME, figureOutputHTML } from './output_loader';
import { forDisplay } from './display_precision';
import { StillImages, toStillImages } from './png';

export interface ShowOptions {
  /** Add a PNG (needs Chromium): true, false, or 'auto' (default: when Chromium is installed; DOWNHILL_PNG=0 turns it off). */
  png?: boolean | 'auto';
  /** Outside a notebook: where to write the HTML file. */
  file?: string;
}

function wantPng(option: boolean | 'auto' | undefined): boolean {
  if (option === true) return true;
  if (option === false) return false;
  if (process.env.DOWNHILL_PNG === '0') return false;
  return chromiumPath() !== undefined;
}

function checkFigure(fig: Figure): void {
  if (!fig || !Array.isArray(fig.data) || typeof fig.layout !== 'object') {
    throw new DownhillError('show: expected a figure { data, layout }.', 'pass what a dh.plot builder returned, e.g. dh.plot.lossCurve(history).');
  }
}

function plainText(fig: Figure): string {
  const kinds = [...new Set(fig.data.map((t) => t.type ?? 'scatter'))].join(', ');
  const lines = [`<Figure "${figureTitle(fig)}": ${fig.data.length} trace${fig.data.length === 1 ? '' : 's'} (${kinds})${fig.frames ? `, ${fig.frames.length} frames` : ''}>`];
  for (const w of fig.warnings ?? []) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

/**
 * The MIME bundle of a figure: Plotly JSON (the chart's one copy of its data: JupyterLab,
 * Notebook 7 and VS Code draw it), HTML (the picture — its WebP copy when that is lighter —
 * and a loader that draws the Plotly JSON in classic Notebook 6; the picture alone where
 * scripts are dropped), text, and the PNG when given.
 */
export function figureBundle(figure: Figure, id: string, images?: StillImages): Record<string, unknown> {
  const fig = forDisplay(figure);
  const png = images?.png.toString('base64');
  // The lighter of the two: WebP for contours and heatmaps, often the PNG for a few lines on white.
  const webp = images?.webp && images.webp.length < images.png.length ? images.webp : undefined;
  const shown = webp ? `data:image/webp;base64,${webp.toString('base64')}` : png && `data:image/png;base64,${png}`;
  const bundle: Record<string, unknown> = {
    [PLOTLY_MIME]: { data: fig.data, layout: fig.layout, ...(fig.frames ? { frames: fig.frames } : {}), config: { responsive: true } },
    'text/html': figureOutputHTML(fig, id, shown),
    'text/plain': plainText(fig),
  };
  if (png) bundle['image/png'] = png;
  return bundle;
}

/** Marks the output in which earlier versions of downhill put plotly.js into a notebook (exports skip it). */
export const PLOTLY_LOADER = 'downhill/plotly.js';

/**
 * Shows a figure. In a notebook: one display message with several representations
 * (Plotly JSON, HTML, text), followed — when Chromium is available — by an update
 * that adds a PNG; awaiting the result waits for that. Outside a notebook: writes a
 * standalone HTML file and prints its path. (It returns nothing, so that a notebook
 * cell ending in `await show(fig)` prints nothing either.)
 */
export async function show(fig: Figure, options: ShowOptions = {}): Promise<void> {
  checkFigure(fig);
  if (!inNotebook()) {
    const file = options.file ?? path.join(os.tmpdir(), 'downhill-figures', `${slug(figureTitle(fig))}-${Date.now()}.html`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, toHTML(fig));
    console.log(`figure written to ${file} (open it in a browser)`);
    return;
  }
  const displayId = newFigureId();
  sendDisplay(figureBundle(fig, displayId), { displayId });
  await addPng(fig, displayId, options.png);
}

/** Sends the figure again under its display id with a PNG added, when one can be made. */
async function addPng(fig: Figure, displayId: string, option: boolean | 'auto' | undefined): Promise<void> {
  if (!wantPng(option)) return;
  try {
    sendDisplay(figureBundle(fig, displayId, await toStillImages(fig)), { displayId, update: true });
  } catch (e) {
    if (option === true) throw e;
    console.warn(`(no PNG copy of the chart: ${e instanceof Error ? e.message.split('\n')[0] : e})`);
  }
}

/** Updates a figure shown before (by its display id) in place; with `final`, a PNG is added. */
export async function updateShown(fig: Figure, displayId: string, final = false): Promise<void> {
  sendDisplay(figureBundle(fig, displayId), { displayId, update: true });
  if (final) await addPng(fig, displayId, 'auto');
}

/** Shows a figure for the first time under a display id chosen by the caller (for live charts). */
export function showWithId(fig: Figure, displayId: string): void {
  sendDisplay(figureBundle(fig, displayId), { displayId });
}

/** A figure as the value a cell ends with (`dh.plot.lossCurve(history)` on the last line) is drawn like `show` draws it. */
function isFigure(value: unknown): value is Figure {
  const v = value as Partial<Figure> | null;
  return typeof v === 'object' && v !== null && Array.isArray(v.data) && typeof v.layout === 'object' && v.layout !== null
    && v.data.every((t) => typeof t === 'object' && t !== null);
}

addRepr(async (value) => {
  if (!isFigure(value)) return undefined;
  const images = wantPng('auto') ? await toStillImages(value).catch(() => undefined) : undefined;
  return figureBundle(value, newFigureId(), images);
});

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 50) || 'figure';
}
