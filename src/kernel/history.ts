import { HistoryEntry, HistoryRequest } from '../jupyter/messages';

/** This kernel's session in history replies; earlier sessions are not kept (history lives as long as the kernel). */
export const SESSION = 1;

interface Entry {
  line: number;
  input: string;
  output: string | null;
}

/** Glob as in IPython's history search (`*` any text, `?` one character), matched against the whole input. */
function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]');
  return new RegExp(`^${body}$`);
}

/** The cells run in this kernel (those with store_history), answering history_request: tail, range and search. */
export class History {
  private readonly entries: Entry[] = [];

  add(line: number, input: string): void {
    this.entries.push({ line, input, output: null });
  }

  /** The text/plain result of a cell, for history requests with `output: true`. */
  setOutput(line: number, output: string): void {
    const e = this.entries.find((x) => x.line === line);
    if (e) e.output = output;
  }

  query(r: HistoryRequest): HistoryEntry[] {
    let found: Entry[] = [];
    if (r.hist_access_type === 'tail') {
      found = this.entries.slice(-Math.max(0, r.n ?? 10));
    } else if (r.hist_access_type === 'range') {
      // Session 0 (or a negative offset of 0) is the current one, as is this kernel's own number.
      const session = r.session ?? 0;
      if (session === 0 || session === SESSION) {
        const start = r.start ?? 1;
        const stop = r.stop ?? Infinity;
        found = this.entries.filter((e) => e.line >= start && e.line < stop);
      }
    } else {
      const re = globToRegExp(r.pattern ?? '*');
      found = this.entries.filter((e) => re.test(e.input));
      if (r.unique) found = found.filter((e, i) => !found.slice(i + 1).some((later) => later.input === e.input));
      if (r.n !== undefined && r.n !== null) found = found.slice(-Math.max(0, r.n));
    }
    return found.map((e): HistoryEntry => (r.output ? [SESSION, e.line, [e.input, e.output]] : [SESSION, e.line, e.input]));
  }
}
