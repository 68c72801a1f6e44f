import { escapeHTML } from '../display/html';
import type { SubmissionResult } from './grade';

/**
 * One student's feedback page: the score, then every check with whether it passed
 * and, when not, why (the check's own message: expected vs actual). Hidden checks
 * are listed by name and result; their code is never shown. Everything a submission
 * printed is escaped: it is text, never markup.
 */
export function feedbackHTML(result: SubmissionResult, assignment: string): string {
  const rows = result.tests
    .map((t) => {
      const detail = t.passed ? t.printed.trim() : t.reason ?? '';
      return `<tr class="${t.passed ? 'pass' : 'fail'}"><td>${t.passed ? '✓' : '✗'}</td><td>${escapeHTML(t.name)}${t.hidden ? ' <span class="hidden">hidden</span>' : ''}</td><td>${t.passed ? t.points : 0} / ${t.points}</td><td><pre>${escapeHTML(detail.slice(0, 4000))}</pre></td></tr>`;
    })
    .join('\n');
  const notes = result.notes.length ? `<h2>Notes</h2><ul>${result.notes.map((n) => `<li>${escapeHTML(n)}</li>`).join('')}</ul>` : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHTML(assignment)}: feedback</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; width: 100%; }
td { border-top: 1px solid #ddd; padding: .4rem .6rem; vertical-align: top; }
tr.pass td:first-child { color: #1a7f37; font-weight: bold; }
tr.fail td:first-child { color: #cf222e; font-weight: bold; }
pre { margin: 0; white-space: pre-wrap; font-size: 13px; }
.hidden { font-size: 12px; background: #eee; border-radius: 3px; padding: 0 .3rem; }
.score { font-size: 1.6rem; }
</style></head>
<body>
<h1>${escapeHTML(assignment)}</h1>
<p>Submission: <code>${escapeHTML(result.submission)}</code></p>
<p class="score">Score: <strong>${result.score} / ${result.maxScore}</strong>${result.status !== 'graded' ? ` (${escapeHTML(result.status)})` : ''}</p>
<table>
<tr><th></th><th>check</th><th>points</th><th>details</th></tr>
${rows}
</table>
${notes}
</body></html>
`;
}
