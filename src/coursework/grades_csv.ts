import type { SubmissionResult } from './grade';
import { DownhillError } from '../errors';

/**
 * A field of grades.csv: quoted when it holds a comma, quote or line break, and
 * neutralised when a spreadsheet would read it as a formula (it starts with = + - @,
 * a tab or a carriage return: a file name or a note a submission chose) by a
 * leading apostrophe, as OWASP recommends.
 */
export function csvField(v: string | number): string {
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** grades.csv: one row per submission. A submission grading could not finish has no score (it is not a 0). */
export function gradesCsv(results: SubmissionResult[]): string {
  const header = ['submission', 'score', 'max_score', 'status', 'passed', 'failed', 'notes'];
  const rows = results.map((r) => [
    r.submission, r.status === 'error' ? '' : r.score, r.maxScore, r.status,
    r.tests.filter((t) => t.passed).length, r.tests.filter((t) => !t.passed).length, r.notes.join('; '),
  ]);
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}

/** The rows of a CSV file as grades.csv writes it (RFC 4180 quoting). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      (row = []), (field = '');
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

/**
 * One grades.csv from the grades.csv of several shards (one `downhill grade` per shard):
 * the same header, every row once. A submission graded in two shards is an error (the
 * shards overlapped, and which grade counts is not for this command to pick).
 */
export function mergeGradesCsv(shards: { file: string; text: string }[]): string {
  const header = ['submission', 'score', 'max_score', 'status', 'passed', 'failed', 'notes'];
  const seen = new Map<string, string>();
  const rows: string[][] = [];
  for (const { file, text } of shards) {
    const [head, ...body] = parseCsv(text);
    if (!head || head.join(',') !== header.join(',')) {
      throw new DownhillError(`${file} is not a grades.csv of downhill grade (its header is '${head?.join(',') ?? ''}').`, 'pass the grades.csv files that downhill grade wrote, one per shard.');
    }
    for (const row of body) {
      const earlier = seen.get(row[0]);
      if (earlier) throw new DownhillError(`${row[0]} is in both ${earlier} and ${file}.`, 'give every submission to exactly one shard; remove the duplicate row or regrade one shard without it.');
      seen.set(row[0], file);
      rows.push(row);
    }
  }
  return [header, ...rows].map((row) => row.map((f) => (/[",\n\r]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',')).join('\n') + '\n';
}
