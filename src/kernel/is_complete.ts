import { IsCompleteReply } from '../jupyter/messages';
import { TS } from './typescript';

/**
 * Whether a cell can run as typed (for `jupyter console` and other line-by-line
 * front ends): complete, incomplete (an unclosed bracket, string template or a
 * trailing operator: the next line may finish it, with this indent), or invalid
 * (a syntax error before the end, such as `1 +)`).
 */
export function isComplete(ts: TS, code: string): IsCompleteReply {
  if (!code.trim()) return { status: 'complete' };
  const file = ts.createSourceFile('cell.ts', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const errors: { start: number }[] = file.parseDiagnostics ?? [];
  if (!errors.length) return { status: 'complete' };
  const end = code.trimEnd().length;
  if (errors.some((d) => d.start < end && !unterminatedTemplate(ts, code, d.start))) return { status: 'invalid' };
  const { isCompleteCode } = require('tslab/dist/converter') as { isCompleteCode(c: string): { indent?: string } };
  return { status: 'incomplete', indent: isCompleteCode(code).indent ?? '' };
}

/** A template literal left open can go on over several lines: incomplete, not invalid. */
function unterminatedTemplate(ts: TS, code: string, at: number): boolean {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, code);
  for (let kind = scanner.scan(); kind !== ts.SyntaxKind.EndOfFileToken; kind = scanner.scan()) {
    if (scanner.getTokenPos() > at) break;
    if ((kind === ts.SyntaxKind.NoSubstitutionTemplateLiteral || kind === ts.SyntaxKind.TemplateHead) && scanner.isUnterminated()) return true;
  }
  return false;
}
