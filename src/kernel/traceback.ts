import { ErrorContent } from '../jupyter/messages';
import { CompiledCell, Diagnostic, INTERRUPTED } from './executor';

/** `DOWNHILL_TRACEBACK=full` adds the whole JavaScript stack (library and Node.js frames) under the short traceback. */
function fullTraceback(): boolean {
  return process.env.DOWNHILL_TRACEBACK === 'full';
}

/** A line of a cell with its neighbours, the line itself marked: what a learner needs to find it. */
function excerpt(source: string, line: number): string[] {
  const lines = source.split('\n');
  const from = Math.max(0, line - 2);
  const to = Math.min(lines.length, line + 1);
  const width = String(to).length;
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(`${i === line - 1 ? '--> ' : '    '}${String(i + 1).padStart(width)} | ${lines[i]}`);
  return out;
}

/** A stack frame in a cell, mapped back to the cell's TypeScript line (1-based), through both of tslab's conversions. */
interface CellFrame {
  cell: number;
  line: number;
  fn?: string;
}

const CELL_FRAME = /^\s+at (?:(.*?) \()?<cell (\d+)>:(\d+):(\d+)\)?$/;

function cellFrames(stack: string, cells: Map<number, CompiledCell>): CellFrame[] {
  const frames: CellFrame[] = [];
  for (const l of stack.split('\n')) {
    const m = CELL_FRAME.exec(l);
    if (!m) continue;
    const cell = Number(m[2]);
    const compiled = cells.get(cell);
    if (!compiled?.maps) continue;
    const line = Number(m[3]) - 1;
    const column = Number(m[4]) - 1 - (line === 0 ? compiled.prefixLength : 0);
    const esm = compiled.maps.toCommonJs.findEntry(line, Math.max(0, column));
    if (!esm || !('originalLine' in esm)) continue;
    const ts = compiled.maps.toEsm.findEntry(esm.originalLine, esm.originalColumn);
    if (!ts || !('originalLine' in ts)) continue;
    // tslab puts one line ("export {};") before the cell's source.
    const fn = m[1] && !/^(exports|Object|eval)\b|<anonymous>/.test(m[1]) ? m[1] : undefined;
    // Lines past the cell's end are tslab's additions (its export list), not the learner's code.
    if (ts.originalLine > compiled.source.split('\n').length) continue;
    const previous = frames[frames.length - 1];
    if (previous?.cell === cell && previous.line === ts.originalLine) continue;
    frames.push({ cell, line: ts.originalLine, fn });
  }
  return frames;
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  stack?: unknown;
  problem?: unknown;
  fix?: unknown;
}

/**
 * The `error` output of a failed cell: the error's name and message, then where in
 * the notebook it happened (each cell line on the stack, with the line shown), with
 * no internal stack frames unless DOWNHILL_TRACEBACK=full. A DownhillError (an
 * error with a problem and a fix) reads as the problem and the fix.
 */
export function describeError(error: unknown, cells: Map<number, CompiledCell>): ErrorContent {
  if (typeof error !== 'object' || error === null) {
    const evalue = `a cell threw ${typeof error === 'string' ? JSON.stringify(error) : String(error)}, which is not an Error`;
    return { ename: 'Uncaught', evalue, traceback: [`Uncaught: ${evalue}`, '(throw new Error("...") gives a message and the line it came from)'] };
  }
  const e = error as ErrorLike;
  const ename = typeof e.name === 'string' && e.name ? e.name : 'Error';
  const stack = typeof e.stack === 'string' ? e.stack : '';
  if (typeof e.message === 'string' && e.message.startsWith('Script execution was interrupted') || e.message === INTERRUPTED) {
    return { ename: 'KeyboardInterrupt', evalue: INTERRUPTED, traceback: [`KeyboardInterrupt: ${INTERRUPTED}`] };
  }
  const hasFix = typeof e.problem === 'string' && typeof e.fix === 'string';
  const evalue = hasFix ? String(e.problem) : typeof e.message === 'string' ? e.message : String(error);
  const traceback = [`${ename}: ${evalue}`];
  if (hasFix) traceback.push(`Fix: ${String(e.fix)}`);
  const frames = cellFrames(stack, cells);
  for (const f of frames) {
    traceback.push('', `in cell [${f.cell}], line ${f.line}${f.fn ? `, in ${f.fn}` : ''}:`, ...excerpt(cells.get(f.cell)!.source, f.line));
  }
  if (fullTraceback() && stack) traceback.push('', 'JavaScript stack:', ...stack.split('\n').filter((l) => /^\s+at /.test(l)));
  return { ename, evalue, traceback };
}

/** The `error` output of a cell that did not compile: each TypeScript error as `line:column - message`, the line shown. */
export function describeDiagnostics(diagnostics: Diagnostic[], source: string): ErrorContent {
  const lines = diagnostics.map((d) => `${d.fileName ? `${d.fileName} ` : ''}${d.start.line + 1}:${d.start.character + 1} - ${d.messageText}`);
  const traceback: string[] = [];
  diagnostics.forEach((d, i) => {
    if (i) traceback.push('');
    traceback.push(lines[i]);
    if (!d.fileName) traceback.push(...excerpt(source, d.start.line + 1));
  });
  return { ename: 'TypeScriptError', evalue: lines.join('\n'), traceback };
}
