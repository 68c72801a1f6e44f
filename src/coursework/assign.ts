import * as fs from 'fs';
import * as path from 'path';
import { DownhillError } from '../errors';
import { Notebook, asLines, joined, readNotebook, writeNotebook } from '../notebook/nbformat';
import { CellFailure, executeNotebook, notebookDir } from '../notebook/runner';
import { checkAssignment, isTest, pointsOf, roleOf, sourceHash, stubSolutions, testName } from './authoring';

/** What `assign` writes beside the student notebook, so that grading can tell altered test cells. */
export interface Manifest {
  assignment: string;
  created: string;
  /** Every test cell of the source; of a hidden one only its id, points and fingerprint (never its name or code). */
  tests: { id: string; name?: string; hidden: boolean; points: number; sha256: string }[];
  /** The cells students write in: their ids. */
  solutionCells: string[];
  maxScore: number;
}

export interface AssignResult {
  student: string;
  manifest: string;
  tests: number;
  hiddenTests: number;
  maxScore: number;
}

export interface AssignOptions {
  outDir: string;
  /** Per-cell time limit when the source is checked (default 600 s). */
  timeoutSeconds?: number;
  onProgress?(line: string): void;
}

/** A TypeScript error as tslab prints it: "3:14 - Cannot find name 'x'." */
const COMPILE_ERROR = /^\s*\d+:\d+ - /m;

/** The notebook students get: solutions stubbed, hidden tests removed, outputs cleared, tests read-only. */
export function studentVersion(source: Notebook, file: string): Notebook {
  const nb = structuredClone(source);
  nb.cells = nb.cells.filter((c) => roleOf(c) !== 'hidden-tests');
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== 'code') return;
    cell.outputs = [];
    cell.execution_count = null;
    cell.source = asLines(stubSolutions(joined(cell.source), `${file}: cell ${i + 1}`));
    if (isTest(cell)) {
      const downhill = { ...(cell.metadata.downhill as object | undefined), points: pointsOf(cell, file) };
      cell.metadata = { ...cell.metadata, editable: false, deletable: false, downhill };
    }
  });
  nb.metadata.downhill = { ...(nb.metadata.downhill as object | undefined), assignment: path.basename(file, '.ipynb') };
  return nb;
}

export function manifestOf(source: Notebook, file: string): Manifest {
  const tests = source.cells.map((c, i) => ({ c, i })).filter(({ c }) => isTest(c));
  return {
    assignment: path.basename(file, '.ipynb'),
    created: new Date().toISOString(),
    tests: tests.map(({ c, i }) => {
      const hidden = roleOf(c) === 'hidden-tests';
      return { id: c.id!, ...(hidden ? {} : { name: testName(c, i) }), hidden, points: pointsOf(c, file), sha256: sourceHash(c) };
    }),
    solutionCells: source.cells.filter((c) => roleOf(c) === 'solution').map((c) => c.id!),
    maxScore: tests.reduce((s, { c }) => s + pointsOf(c, file), 0),
  };
}

function describe(nb: Notebook, f: CellFailure): string {
  const cell = nb.cells[f.cellIndex];
  const role = roleOf(cell);
  const what = role === 'tests' || role === 'hidden-tests' ? `${role} cell '${testName(cell, f.cellIndex)}'` : `a ${role === 'solution' ? 'solution' : 'code'} cell`;
  return `cell ${f.cellIndex + 1} (${what}): ${f.message.split('\n').slice(0, 4).join(' / ')}`;
}

/**
 * `downhill assign`: checks that the instructor's notebook runs clean (every test
 * passes with the model solutions), that the student version still compiles once
 * the solutions are taken out, and writes the student version and its manifest.
 */
export async function assign(file: string, options: AssignOptions): Promise<AssignResult> {
  const log = options.onProgress ?? (() => undefined);
  const source = readNotebook(file);
  const tests = checkAssignment(source, file);
  const studentFile = path.join(options.outDir, path.basename(file));
  if (path.resolve(studentFile) === path.resolve(file)) {
    throw new DownhillError(`the student version would overwrite the source ${file}.`, 'pass another --out folder.');
  }
  log(`${file}: ${tests.length} test cells; running it with the model solutions`);
  const run = await executeNotebook(structuredClone(source), { cwd: notebookDir(file), allowErrors: true, timeoutSeconds: options.timeoutSeconds, label: file });
  if (!run.ok) {
    throw new DownhillError(
      `${file} does not run clean with its solutions, so students would be graded against a broken key:\n  ${run.failures.map((f) => describe(run.notebook, f)).join('\n  ')}`,
      'fix the solution or the test named above, then run assign again.',
    );
  }
  const student = studentVersion(source, file);
  log(`checking that the student version compiles without the solutions`);
  const trial = await executeNotebook(structuredClone(student), { cwd: notebookDir(file), allowErrors: true, timeoutSeconds: options.timeoutSeconds, label: `${file} (student version)` });
  const broken = trial.failures.filter((f) => COMPILE_ERROR.test(f.message));
  if (broken.length) {
    throw new DownhillError(
      `without the solutions, the student version of ${file} does not compile:\n  ${broken.map((f) => describe(trial.notebook, f)).join('\n  ')}`,
      'keep declarations that later cells use outside the SOLUTION markers (put the answer inside a function body, or declare the name and assign it in the solution).',
    );
  }
  fs.mkdirSync(options.outDir, { recursive: true });
  writeNotebook(studentFile, student);
  const manifest = manifestOf(source, file);
  const manifestFile = path.join(options.outDir, `${path.basename(file, '.ipynb')}.manifest.json`);
  fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
  return {
    student: studentFile,
    manifest: manifestFile,
    tests: manifest.tests.filter((t) => !t.hidden).length,
    hiddenTests: manifest.tests.filter((t) => t.hidden).length,
    maxScore: manifest.maxScore,
  };
}
