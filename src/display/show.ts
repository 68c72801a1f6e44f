import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DownhillError } from '../errors';
import { Figure } from '../plot/figure';
import { chromiumPath } from './browser';
import { figureTitle, newFigureId, toHTML } from './html';
import { addRepr, inNotebook, sendDisplay } from './kernel';
import { PLOTLY_MIME } from './plotly_mime';
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
 * Notebook 7, classic Notebook 6 and VS Code draw it), text, and when given the PNG (the
 * still image every other viewer shows) and its WebP copy when that is lighter (a contour
 * map: a fifth of the PNG; exported pages show it). No HTML and no script: a viewer that
 * drops scripts (an nbconvert export with sanitize_html, GitHub) shows the PNG.
 */
export function figureBundle(figure: Figure, images?: StillImages): Record<string, unknown> {
  const fig = forDisplay(figure);
  const bundle: Record<string, unknown> = {
    [PLOTLY_MIME]: { data: fig.data, layout: fig.layout, ...(fig.frames ? { frames: fig.frames } : {}), config: { responsive: true } },
    'text/plain': plainText(fig),
  };
  if (images) bundle['image/png'] = images.png.toString('base64');
  if (images?.webp && images.webp.length < images.png.length) bundle['image/webp'] = images.webp.toString('base64');
  return bundle;
}

/** Marks the output in which earlier versions of downhill put plotly.js into a notebook (exports skip it). */
export const PLOTLY_LOADER = 'downhill/plotly.js';

/**
 * Shows a figure. In a notebook: one display message with several representations
 * (Plotly JSON and text), followed — when Chromium is available — by an update
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
  sendDisplay(figureBundle(fig), { displayId });
  await addPng(fig, displayId, options.png);
}

/** Sends the figure again under its display id with a PNG added, when one can be made. */
async function addPng(fig: Figure, displayId: string, option: boolean | 'auto' | undefined): Promise<void> {
  if (!wantPng(option)) return;
  try {
    sendDisplay(figureBundle(fig, await toStillImages(fig)), { displayId, update: true });
  } catch (e) {
    if (option === true) throw e;
    console.warn(`(no PNG copy of the chart: ${e instanceof Error ? e.message.split('\n')[0] : e})`);
  }
}

/** Updates a figure shown before (by its display id) in place; with `final`, a PNG is added. */
export async function updateShown(fig: Figure, displayId: string, final = false): Promise<void> {
  sendDisplay(figureBundle(fig), { displayId, update: true });
  if (final) await addPng(fig, displayId, 'auto');
}

/** Shows a figure for the first time under a display id chosen by the caller (for live charts). */
export function showWithId(fig: Figure, displayId: string): void {
  sendDisplay(figureBundle(fig), { displayId });
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
  return figureBundle(value, images);
});

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 50) || 'figure';
}
