import { Cell, Notebook, joined } from '../notebook/nbformat';

/** The line `assign` puts where a solution was (see authoring.ts): the rest of such a cell is its frame. */
const STUB_MARK = "throw new Error('not implemented yet:";

/**
 * Which handed-out cell each submitted cell is: the submission's cells, copied, each
 * with the id of the handed-out cell it was matched to, or with no id (a cell the
 * student added, which then runs where it is).
 *
 * 1. By id, when the id is the handed-out cell's and appears once in the submission.
 *    Of an id that appears more than once, the first copy is the cell; the others
 *    are the student's additions (they run after it, in the submission's order, as
 *    they did in Jupyter), and a note says so.
 * 2. Cells left (no id, an id the handout does not have, a copy) by content: the same
 *    source as a handed-out cell not yet matched, or, for a cell that was handed out
 *    with a stub, the same lines around the stub (a student who re-created an answer
 *    cell keeps `function slope(w: number): number {` and its closing brace). The
 *    first such cell after the previous match is taken.
 * 3. Still left, by position: between two matched cells, as many cells left in the
 *    submission as in the handout, of the same kinds, are paired in order.
 * 4. A cell left that is an untouched copy of a stub cell whose answer another copy
 *    holds is left out (run after the answer, it would undo it).
 * Each step that matched something, and every choice between equal candidates, is noted.
 */
export function matchCells(submission: Notebook, handedOut: Notebook, notes: string[]): Cell[] {
  const cells = submission.cells.map((c) => structuredClone(c));
  const handout = handedOut.cells;
  const position = new Map(handout.map((c, i) => [c.id, i]));
  /** match[k]: the index of the handed-out cell that submitted cell k is, if any. */
  const match: (number | undefined)[] = cells.map(() => undefined);
  const taken = new Set<number>();

  const copies = new Map<string, number>();
  cells.forEach((c, k) => {
    const h = c.id === undefined ? undefined : position.get(c.id);
    if (h === undefined) return;
    if (taken.has(h)) {
      copies.set(c.id!, (copies.get(c.id!) ?? 1) + 1);
      return;
    }
    match[k] = h;
    taken.add(h);
  });
  for (const [id, n] of copies) {
    notes.push(`the cell id ${id} appears ${n} times in the submission: the first copy was taken as handed-out cell ${position.get(id)! + 1}, the others count as the student's own cells`);
  }

  const byContent: number[] = [];
  let floor = -1;
  cells.forEach((c, k) => {
    if (match[k] !== undefined) {
      floor = match[k]!;
      return;
    }
    const candidates = handout.map((_, h) => h).filter((h) => h > floor && !taken.has(h) && handout[h].cell_type === c.cell_type && sameContent(handout[h], c));
    if (!candidates.length) return;
    match[k] = candidates[0];
    taken.add(candidates[0]);
    floor = candidates[0];
    byContent.push(k);
  });

  const byPosition: number[] = [];
  const anchors = [-1, ...cells.map((_, k) => k).filter((k) => match[k] !== undefined), cells.length];
  for (let a = 0; a + 1 < anchors.length; a++) {
    const [from, to] = [anchors[a], anchors[a + 1]];
    const hFrom = from < 0 ? -1 : match[from]!;
    const hTo = to >= cells.length ? handout.length : match[to]!;
    if (hTo <= hFrom) continue;
    const left = range(from + 1, to).filter((k) => match[k] === undefined);
    const free = range(hFrom + 1, hTo).filter((h) => !taken.has(h));
    if (!left.length || left.length !== free.length || left.some((k, i) => cells[k].cell_type !== handout[free[i]].cell_type)) continue;
    left.forEach((k, i) => {
      match[k] = free[i];
      taken.add(free[i]);
      byPosition.push(k);
    });
  }

  // An untouched copy of a stub cell whose answer is elsewhere would replace the answer when it runs: it is left out.
  const dropped = new Set<number>();
  cells.forEach((c, k) => {
    if (match[k] !== undefined) return;
    const h = handout.findIndex((cell, i) => taken.has(i) && linesOf(cell).some((l) => l.includes(STUB_MARK)) && linesOf(cell).join('\n') === linesOf(c).join('\n'));
    if (h < 0 || cells.some((other, j) => match[j] === h && linesOf(other).join('\n') !== linesOf(c).join('\n'))) {
      if (h >= 0) {
        dropped.add(k);
        notes.push(`cell ${k + 1} is an untouched copy of handed-out cell ${h + 1} (its stub), which would have replaced the answer in another copy: it was left out`);
      }
    }
  });

  const unmatched = cells.filter((_, k) => match[k] === undefined && !dropped.has(k)).length;
  if (byContent.length || byPosition.length) {
    const numbers = (ks: number[]) => ks.map((k) => k + 1).join(', ');
    const how = [byContent.length ? `by content (cell${byContent.length > 1 ? 's' : ''} ${numbers(byContent)})` : '', byPosition.length ? `by position (cell${byPosition.length > 1 ? 's' : ''} ${numbers(byPosition)})` : ''].filter(Boolean).join(' and ');
    // (A notebook saved without ids gets fresh ones when it is read: those too are ids the handout does not have.)
    notes.push(`cells without a usable id (none, one the handout does not have, or a copy's) were matched to the handout ${how}`);
  }
  if (unmatched && (byContent.length || byPosition.length || copies.size)) {
    notes.push(`${unmatched} cell${unmatched > 1 ? 's' : ''} of the submission matched no handed-out cell and ran as the student's own, where ${unmatched > 1 ? 'they were' : 'it was'}`);
  }
  return cells.flatMap((c, k) => {
    if (dropped.has(k)) return [];
    if (match[k] === undefined) delete c.id;
    else c.id = handout[match[k]!].id;
    return [c];
  });
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

/** The lines of a cell, without trailing spaces and blank lines at either end. */
function linesOf(cell: Cell): string[] {
  const lines = joined(cell.source).split('\n').map((l) => l.trimEnd());
  while (lines.length && !lines[0]) lines.shift();
  while (lines.length && !lines[lines.length - 1]) lines.pop();
  return lines;
}

/** The same source, or (for a cell handed out with one stub) the same lines before and after the stub, and something in between. */
function sameContent(handedOut: Cell, submitted: Cell): boolean {
  const mine = linesOf(submitted);
  const theirs = linesOf(handedOut);
  if (mine.join('\n') === theirs.join('\n')) return true;
  const stubs = theirs.filter((l) => l.includes(STUB_MARK)).length;
  if (stubs !== 1) return false;
  const at = theirs.findIndex((l) => l.includes(STUB_MARK));
  const [head, tail] = [theirs.slice(0, at), theirs.slice(at + 1)];
  if (!head.length && !tail.length) return false;
  return mine.length > head.length + tail.length - 1 && head.every((l, i) => mine[i] === l) && tail.every((l, i) => mine[mine.length - tail.length + i] === l);
}
