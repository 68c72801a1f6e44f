import { DownhillError } from '../errors';

/**
 * A solution region in a code cell: the lines between `// BEGIN SOLUTION` and
 * `// END SOLUTION` (the coursework convention). `downhill assign` replaces it by
 * a stub for students; an exported lesson page shows the stub and hides the
 * answer behind a "show the solution" toggle.
 */
export const BEGIN_SOLUTION = '// BEGIN SOLUTION';
export const END_SOLUTION = '// END SOLUTION';

/** True when some line of the source opens a solution region. */
export function hasSolution(source: string): boolean {
  return source.split('\n').some((l) => l.trim() === BEGIN_SOLUTION);
}

/**
 * Replaces each solution region by `stub(indent)` (default: a line that compiles and
 * throws when run); unbalanced markers are errors naming `where`.
 */
export function stubSolutions(source: string, where: string, stub = (indent: string) => `${indent}throw new Error('not implemented yet: write your solution here (replace this line)');`): string {
  const out: string[] = [];
  let inside = false;
  let begin = 0;
  const lines = source.split('\n');
  lines.forEach((line, i) => {
    const marker = line.trim();
    if (marker === BEGIN_SOLUTION) {
      if (inside) throw new DownhillError(`${where}: line ${i + 1} opens a solution inside another (opened on line ${begin + 1}).`, `close the first with ${END_SOLUTION}.`);
      inside = true;
      begin = i;
      out.push(stub(line.slice(0, line.indexOf('/'))));
    } else if (marker === END_SOLUTION) {
      if (!inside) throw new DownhillError(`${where}: line ${i + 1} closes a solution that was never opened.`, `put ${BEGIN_SOLUTION} before it.`);
      inside = false;
    } else if (!inside) out.push(line);
  });
  if (inside) throw new DownhillError(`${where}: the solution opened on line ${begin + 1} is never closed.`, `end it with a line ${END_SOLUTION}.`);
  return out.join('\n');
}
