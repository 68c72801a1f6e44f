import * as fs from 'fs';
import { randomBytes } from 'crypto';
import { DownhillError } from '../errors';

/** Jupyter's notebook format, version 4. */
export type MultilineString = string | string[];

export interface StreamOutput {
  output_type: 'stream';
  name: 'stdout' | 'stderr';
  text: MultilineString;
}
export interface DisplayDataOutput {
  output_type: 'display_data';
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}
export interface ExecuteResultOutput {
  output_type: 'execute_result';
  execution_count: number | null;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}
export interface ErrorOutput {
  output_type: 'error';
  ename: string;
  evalue: string;
  traceback: string[];
}
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export interface CellMetadata {
  tags?: string[];
  [key: string]: unknown;
}
export interface CodeCell {
  cell_type: 'code';
  id?: string;
  metadata: CellMetadata;
  source: MultilineString;
  execution_count: number | null;
  outputs: Output[];
}
export interface MarkdownCell {
  cell_type: 'markdown';
  id?: string;
  metadata: CellMetadata;
  source: MultilineString;
  attachments?: Record<string, Record<string, string>>;
}
export interface RawCell {
  cell_type: 'raw';
  id?: string;
  metadata: CellMetadata;
  source: MultilineString;
}
export type Cell = CodeCell | MarkdownCell | RawCell;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: {
    kernelspec?: { name: string; display_name?: string; language?: string };
    language_info?: Record<string, unknown>;
    [key: string]: unknown;
  };
  cells: Cell[];
}

/** A multiline string as one string. */
export function joined(s: MultilineString | undefined): string {
  return Array.isArray(s) ? s.join('') : s ?? '';
}

/** A string as Jupyter stores it: a list of lines, each keeping its newline. */
export function asLines(s: string): string[] {
  const lines = s.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === '' ? [] : lines;
}

export function tagsOf(cell: Cell): string[] {
  return Array.isArray(cell.metadata?.tags) ? cell.metadata.tags : [];
}

function cellId(): string {
  return randomBytes(4).toString('hex');
}

/** Checks that a parsed JSON value is an nbformat 4 notebook; `where` names it in errors. */
export function validateNotebook(value: unknown, where: string): Notebook {
  const nb = value as Partial<Notebook> | null;
  if (!nb || typeof nb !== 'object' || Array.isArray(nb)) {
    throw new DownhillError(`${where} is not a notebook: the JSON is not an object.`, 'pass a .ipynb file saved by Jupyter.');
  }
  if (nb.nbformat !== 4) {
    throw new DownhillError(
      `${where} is not an nbformat 4 notebook (nbformat is ${JSON.stringify(nb.nbformat)}).`,
      nb.nbformat === 3 ? 'convert it: jupyter nbconvert --to notebook --nbformat 4 FILE' : 'pass a notebook saved by Jupyter 4 or later.',
    );
  }
  if (!Array.isArray(nb.cells)) throw new DownhillError(`${where} has no list of cells.`, 'pass a valid .ipynb file.');
  nb.cells.forEach((cell, i) => {
    if (!cell || !['code', 'markdown', 'raw'].includes((cell as Cell).cell_type)) {
      throw new DownhillError(`${where}: cell ${i + 1} has an unknown cell_type ${JSON.stringify((cell as Cell)?.cell_type)}.`, "every cell must be 'code', 'markdown' or 'raw'.");
    }
    if (typeof cell.source !== 'string' && !Array.isArray(cell.source)) {
      throw new DownhillError(`${where}: cell ${i + 1} has no source.`, 'repair the notebook in Jupyter.');
    }
    cell.metadata ??= {};
    if (cell.cell_type === 'code') {
      cell.outputs ??= [];
      cell.execution_count ??= null;
    }
  });
  nb.metadata ??= {};
  nb.nbformat_minor ??= 4;
  if (nb.nbformat_minor >= 5) for (const cell of nb.cells) cell.id ??= cellId();
  return nb as Notebook;
}

/** Reads and validates a notebook file, with clear errors for a missing file, bad JSON or an old format. */
export function readNotebook(file: string): Notebook {
  if (!fs.existsSync(file)) throw new DownhillError(`no such notebook: ${file}`, 'check the path.');
  const text = fs.readFileSync(file, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new DownhillError(`${file} is not valid JSON (${(e as Error).message}).`, 'a notebook is a JSON file; open it in Jupyter and save it again, or restore it from version control.');
  }
  return validateNotebook(parsed, file);
}

/**
 * An indented array of numbers (and nulls or booleans): JSON.stringify puts each on a
 * line of its own. No JSON string holds a raw newline, so this matches structure only.
 */
const NUMBERS_ONE_PER_LINE = /\[\n\s*(?:-?\d[\d.eE+-]*|null|true|false)(?:,\n\s*(?:-?\d[\d.eE+-]*|null|true|false))*\n\s*\]/g;

/**
 * JSON with sorted keys and one-space indent, as Jupyter writes notebooks (stable
 * diffs), except that an array of numbers stays on one line: a chart's coordinates
 * one per line would be most of an executed notebook's weight.
 */
export function serializeNotebook(nb: Notebook): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    return v;
  };
  return JSON.stringify(sort(nb), null, 1).replace(NUMBERS_ONE_PER_LINE, (array) => `[${array.slice(1, -1).replace(/\s+/g, '')}]`) + '\n';
}

/** Writes atomically: a reader never sees half a notebook. */
export function writeNotebook(file: string, nb: Notebook): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, serializeNotebook(nb));
  fs.renameSync(tmp, file);
}

/** A new empty notebook for the downhill kernel. */
export function newNotebook(cells: Cell[] = []): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'downhill', display_name: 'TypeScript (downhill)', language: 'typescript' },
      language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript', codemirror_mode: { name: 'javascript', typescript: true } },
    },
    cells: cells.map((c) => ({ ...c, id: c.id ?? cellId() })),
  };
}

export function codeCell(source: string, tags: string[] = []): CodeCell {
  return { cell_type: 'code', metadata: tags.length ? { tags } : {}, source: asLines(source), execution_count: null, outputs: [] };
}

export function markdownCell(source: string): MarkdownCell {
  return { cell_type: 'markdown', metadata: {}, source: asLines(source) };
}
