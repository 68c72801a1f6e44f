import { createHash } from 'crypto';
import { DownhillError } from '../errors';
import { Cell, Notebook, joined, tagsOf } from '../notebook/nbformat';
import { BEGIN_SOLUTION, END_SOLUTION, hasSolution, stubSolutions } from '../notebook/solutions';

export { BEGIN_SOLUTION, END_SOLUTION, stubSolutions };

/**
 * The authoring conventions of an assignment notebook:
 * - inside a code cell, the lines between `// BEGIN SOLUTION` and `// END SOLUTION`
 *   are the model answer (students get a stub that throws "not implemented yet");
 * - a code cell tagged `tests` holds checks students see; `hidden-tests`, checks they
 *   never see;
 * - a test cell is worth `metadata.downhill.points` points (default 1).
 */
export const TESTS = 'tests';
export const HIDDEN_TESTS = 'hidden-tests';

export type CellRole = 'tests' | 'hidden-tests' | 'solution' | 'other';

export function roleOf(cell: Cell): CellRole {
  const tags = tagsOf(cell);
  if (cell.cell_type === 'code' && tags.includes(HIDDEN_TESTS)) return 'hidden-tests';
  if (cell.cell_type === 'code' && tags.includes(TESTS)) return 'tests';
  if (cell.cell_type === 'code' && hasSolution(joined(cell.source))) return 'solution';
  return 'other';
}

export function isTest(cell: Cell): boolean {
  const role = roleOf(cell);
  return role === 'tests' || role === 'hidden-tests';
}

/** What a test cell is worth: metadata.downhill.points, default 1. */
export function pointsOf(cell: Cell, where: string): number {
  const points = (cell.metadata?.downhill as { points?: unknown } | undefined)?.points ?? 1;
  if (typeof points !== 'number' || !Number.isFinite(points) || points < 0) {
    throw new DownhillError(`${where}: points must be a number ≥ 0, got ${JSON.stringify(points)}.`, 'set the cell metadata to e.g. { "downhill": { "points": 2 } }.');
  }
  return points;
}

/** A short name for a test cell: its first comment line, else its position. */
export function testName(cell: Cell, index: number): string {
  const first = joined(cell.source).split('\n').find((l) => l.trim().startsWith('//'));
  return first ? first.trim().replace(/^\/\/\s*/, '') : `test cell ${index + 1}`;
}

/** A stable fingerprint of a cell's source (line endings and trailing spaces ignored). */
export function sourceHash(cell: Cell): string {
  const normal = joined(cell.source).replace(/\r\n/g, '\n').split('\n').map((l) => l.trimEnd()).join('\n').trim();
  return createHash('sha256').update(normal).digest('hex');
}

/**
 * Gives every cell an id: nbformat 4.5 notebooks have them; older ones get ids from
 * their position (so do not reorder an old-format source between assign and grade).
 */
export function ensureCellIds(nb: Notebook): void {
  nb.cells.forEach((cell, i) => (cell.id ??= `cell-${i + 1}`));
  nb.nbformat_minor = Math.max(nb.nbformat_minor, 5);
}

/** Checks the conventions; returns the test cells. `file` names the notebook in errors. */
export function checkAssignment(nb: Notebook, file: string): Cell[] {
  ensureCellIds(nb);
  const tests = nb.cells.filter(isTest);
  if (tests.length === 0) {
    throw new DownhillError(`${file} has no test cells, so nothing could be graded.`, `tag the code cells that check answers '${TESTS}' (seen by students) or '${HIDDEN_TESTS}' (not seen).`);
  }
  nb.cells.forEach((cell, i) => {
    const where = `${file}: cell ${i + 1}`;
    if (cell.cell_type === 'code') stubSolutions(joined(cell.source), where);
    if (isTest(cell)) {
      pointsOf(cell, where);
      if (roleOf({ ...cell, metadata: {} }) === 'solution') {
        throw new DownhillError(`${where} is a test cell with a solution in it.`, 'keep solutions and tests in separate cells.');
      }
    }
  });
  const ids = nb.cells.map((c) => c.id);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated) throw new DownhillError(`${file}: two cells share the id '${repeated}'.`, 'give each cell its own id (Jupyter does when the notebook is saved as nbformat 4.5).');
  return tests;
}
