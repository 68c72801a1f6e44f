import { escapeHTML } from '../display/html';
import { renderMarkdown } from './markdown';
import { Notebook, joined } from './nbformat';

export interface GalleryEntry {
  /** The page to link to, relative to the gallery. */
  href: string;
  /** The executed notebook, relative to the gallery. */
  notebookHref?: string;
  notebook: Notebook;
  ok: boolean;
  seconds?: number;
  /** Why it failed, when it did. */
  problem?: string;
}

/**
 * The notebook's title (its first # heading) and a summary: metadata.downhill.summary
 * when the author wrote one, else the first paragraph after the heading.
 */
export function titleAndSummary(nb: Notebook): { title: string; summary: string } {
  const written = (nb.metadata.downhill as { summary?: string } | undefined)?.summary;
  const cell = nb.cells.find((c) => c.cell_type === 'markdown' && /^#\s+/m.test(joined(c.source)));
  if (!cell) return { title: 'Untitled notebook', summary: written ?? '' };
  const text = joined(cell.source);
  const title = /^#\s+(.+)$/m.exec(text)![1].trim();
  const summary = written ?? text.replace(/^#\s+.+$/m, '').trim().split(/\n\s*\n/)[0] ?? '';
  return { title, summary };
}

/** An offline index page linking every executed tutorial. */
export function galleryHTML(entries: GalleryEntry[], options: { title?: string; head?: string } = {}): string {
  const title = options.title ?? 'downhill tutorials';
  const items = entries.map((e) => {
    const { title: heading, summary } = titleAndSummary(e.notebook);
    const status = e.ok ? `<span class="ok">ran cleanly${e.seconds !== undefined ? ` in ${e.seconds.toFixed(0)} s` : ''}</span>` : `<span class="failed">failed: ${escapeHTML(e.problem ?? 'see the page')}</span>`;
    return [
      '<li>',
      `<a class="title" href="${escapeHTML(e.href)}">${renderMarkdown(heading).replace(/^<p>|<\/p>\s*$/g, '')}</a>`,
      `<div class="summary">${renderMarkdown(summary)}</div>`,
      `<div class="meta">${status}${e.notebookHref ? ` · <a href="${escapeHTML(e.notebookHref)}">notebook (.ipynb)</a>` : ''}</div>`,
      '</li>',
    ].join('\n');
  });
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHTML(title)}</title>`,
    options.head ?? '',
    `<style>
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328; margin: 0; }
main { max-width: 860px; margin: 0 auto; padding: 32px; }
h1 { border-bottom: 1px solid #d0d7de; padding-bottom: .3em; }
ul { list-style: none; padding-left: 0; } li { margin: 22px 0; }
a.title { font-size: 1.2em; font-weight: 600; color: #0550ae; text-decoration: none; } a.title:hover { text-decoration: underline; }
.summary p { margin: 6px 0; line-height: 1.5; } .meta { font-size: .9em; color: #57606a; }
.ok { color: #1a7f37; } .failed { color: #cf222e; font-weight: 600; }
</style>`,
    '</head><body><main>',
    `<h1>${escapeHTML(title)}</h1>`,
    `<p>Every tutorial below was run from top to bottom, and each ends with checks that its claims still hold. The pages work offline.</p>`,
    `<ul>${items.join('\n')}</ul>`,
    '</main></body></html>',
  ].join('\n');
}
