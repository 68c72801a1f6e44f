import { Cell, CodeCell, Notebook, joined } from '../notebook/nbformat';
import type { CellFailure } from '../notebook/runner';
import { isTest, roleOf, sourceHash, testName } from './authoring';
import { matchCells } from './cell_matching';

/**
 * The notebook that is graded: the source's cells in the source's order, with the
 * tests (visible and hidden) always taken from the source, and everything else
 * from the submission. A test cell a student deleted or edited is put back as the
 * instructor wrote it, and the notes say so; a cell the student deleted runs as
 * handed out; cells the student added run where they were added. Which submitted
 * cell is which handed-out one: see cell_matching.ts.
 */
export function assemble(source: Notebook, submission: Notebook, handedOut: Notebook): { notebook: Notebook; notes: string[] } {
  const notes: string[] = [];
  const sourceIds = new Set(source.cells.map((c) => c.id));
  const handedOutById = new Map(handedOut.cells.map((c) => [c.id, c]));
  const submitted = matchCells(submission, handedOut, notes);
  const byId = new Map(submitted.filter((c) => c.id && sourceIds.has(c.id)).map((c) => [c.id, c]));

  // Cells the student added, grouped after the source cell they follow.
  const added = new Map<string | undefined, Cell[]>();
  let anchor: string | undefined;
  for (const cell of submitted) {
    if (cell.id && sourceIds.has(cell.id)) anchor = cell.id;
    else added.set(anchor, [...(added.get(anchor) ?? []), withoutTestTags(cell)]);
  }

  const cells: Cell[] = [...(added.get(undefined) ?? [])];
  source.cells.forEach((original, i) => {
    const mine = byId.get(original.id);
    if (isTest(original)) {
      if (roleOf(original) === 'tests') {
        const name = testName(original, i);
        if (!mine) notes.push(`the test cell '${name}' was deleted; the original was put back and run`);
        else if (sourceHash(mine) !== sourceHash(original)) notes.push(`the test cell '${name}' was changed; the original was run instead`);
      }
      cells.push(fresh(original));
    } else if (mine && mine.cell_type === original.cell_type) {
      cells.push(fresh(mine));
    } else {
      const fallback = handedOutById.get(original.id) ?? original;
      if (original.cell_type === 'code') notes.push(`code cell ${i + 1} was deleted; it ran as handed out`);
      cells.push(fresh(fallback));
    }
    cells.push(...(added.get(original.id) ?? []));
  });
  return { notebook: { ...structuredClone(source), cells }, notes };
}

/** A copy with no outputs: nothing a student saved in a cell's outputs counts. */
function fresh(cell: Cell): Cell {
  const copy = structuredClone(cell);
  if (copy.cell_type === 'code') {
    (copy as CodeCell).outputs = [];
    (copy as CodeCell).execution_count = null;
  }
  return copy;
}

/** A cell the student added may not pose as a test. */
function withoutTestTags(cell: Cell): Cell {
  const copy = fresh(cell);
  const tags = copy.metadata.tags;
  if (Array.isArray(tags)) copy.metadata.tags = tags.filter((t) => t !== 'tests' && t !== 'hidden-tests');
  delete copy.id;
  return copy;
}

/**
 * Whether a graded test cell passed, and why not. tslab reports an error as text on
 * stderr with an error reply, so the runner's record of the cell (`failure`) decides,
 * not the outputs.
 */
export function testOutcome(cell: CodeCell, failure: CellFailure | undefined, stopped?: string): { passed: boolean; reason?: string; printed: string } {
  const printed = cell.outputs.map((o) => (o.output_type === 'stream' && o.name === 'stdout' ? joined(o.text) : '')).join('');
  if (failure) return { passed: false, reason: failureReason(failure), printed };
  if (cell.execution_count === null) return { passed: false, reason: `not run: ${stopped ?? 'the kernel had stopped before this cell'}`, printed };
  return { passed: true, printed };
}

/** The useful lines of a failure: a check's claim and detail, else the last error line, else the first lines. */
function failureReason(f: CellFailure): string {
  const lines = f.message.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim());
  // The error's own line ("CheckError: check failed: ..."), not a source line Node may quote above it.
  const thrown = lines.findIndex((l) => /^\s*[A-Za-z]*Error: check failed:/.test(l));
  const check = thrown >= 0 ? thrown : lines.findIndex((l) => l.includes('check failed:'));
  if (check >= 0) return [lines[check].slice(lines[check].indexOf('check failed:')), ...lines.slice(check + 1, check + 3).filter((l) => !/^\s+at /.test(l))].join('\n');
  const errors = lines.filter((l) => /^\s*[A-Za-z]*Error: /.test(l));
  if (errors.length) return withoutErrorName(errors[errors.length - 1]);
  return lines.slice(0, 3).join('\n');
}

/** "DeadKernelError: the kernel died" -> "the kernel died". */
export function withoutErrorName(line: string): string {
  return line.trim().replace(/^[A-Za-z]*Error: /, '');
}
