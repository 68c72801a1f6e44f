import type { SubmissionResult } from './grade';

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
