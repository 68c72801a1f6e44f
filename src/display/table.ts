import { DownhillError } from '../errors';
import { escapeHTML } from './html';
import { inNotebook, sendDisplay } from './kernel';

type Row = Record<string, unknown>;

function format(v: unknown, digits: number): string {
  if (typeof v === 'number') {
    if (Number.isInteger(v)) return String(v);
    if (!Number.isFinite(v)) return String(v);
    return Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(digits - 1) : Number(v.toPrecision(digits)).toString();
  }
  if (v === undefined || v === null) return '';
  return String(v);
}

/** A table of rows as plain text (aligned columns). */
export function tableText(rows: Row[], digits = 4): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cells = rows.map((r) => columns.map((c) => format(r[c], digits)));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (values: string[]) => values.map((v, i) => (typeof rows[0]?.[columns[i]] === 'number' ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join('  ');
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/** The same table as HTML. */
export function tableHTML(rows: Row[], digits = 4, title?: string): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const head = columns.map((c) => `<th style="text-align:left;padding:4px 10px;border-bottom:2px solid #444">${escapeHTML(c)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${columns.map((c) => `<td style="padding:3px 10px;border-bottom:1px solid #ddd;${typeof r[c] === 'number' ? 'text-align:right;font-variant-numeric:tabular-nums' : ''}">${escapeHTML(format(r[c], digits))}</td>`).join('')}</tr>`)
    .join('');
  const caption = title ? `<caption style="text-align:left;font-weight:bold;padding:4px 0">${escapeHTML(title)}</caption>` : '';
  return `<table class="downhill-table" style="border-collapse:collapse;font-size:13px">${caption}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/**
 * Shows rows as a table: HTML and text in a notebook, text on a terminal. Returns
 * nothing, so that a cell ending with it shows the table once (tableText gives the text).
 */
export function table(rows: Row[], options: { digits?: number; title?: string } = {}): void {
  if (!Array.isArray(rows) || rows.length === 0) throw new DownhillError('table: no rows to show.', 'pass an array of objects, e.g. the table from compare().');
  const digits = options.digits ?? 4;
  const text = (options.title ? `${options.title}\n` : '') + tableText(rows, digits);
  if (inNotebook()) sendDisplay({ 'text/html': tableHTML(rows, digits, options.title), 'text/plain': text });
  else console.log(text);
}
