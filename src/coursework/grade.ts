import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { pool } from '../cli/args';
import { Cell, CodeCell, Notebook, asLines, joined, readNotebook } from '../notebook/nbformat';
import { executeNotebook } from '../notebook/runner';
import { studentVersion } from './assign';
import { checkAssignment, isTest, pointsOf, roleOf, testName } from './authoring';
import { feedbackHTML } from './feedback';
import { gradesCsv as toGradesCsv } from './grades_csv';
import { Harness, createHarness, replacedIn } from './harness';
import { track } from './live_sandboxes';
import { requireBubblewrap } from './bubblewrap';
import { createSandbox } from './sandbox';
import { SUPERVISOR_SAYS } from './sandbox_supervisor';
import { assemble, testOutcome, withoutErrorName } from './submission';

export interface TestResult {
  name: string;
  hidden: boolean;
  points: number;
  passed: boolean;
  /** Why it failed: the check's message, a timeout, the kernel's death. */
  reason?: string;
  /** What the test cell printed (its ✓ lines). */
  printed: string;
}

export interface SubmissionResult {
  submission: string;
  /**
   * graded; flagged (graded, but the submission replaced what the tests rely on: the
   * tests from there on earn nothing, and a person should look); unreadable; error
   * (grading itself failed, after retries: no score, and a later run grades it again).
   */
  status: 'graded' | 'flagged' | 'unreadable' | 'error';
  score: number;
  maxScore: number;
  tests: TestResult[];
  /** What grading noticed: restored test cells, deleted cells, a missing file. */
  notes: string[];
  seconds: number;
  /** Fingerprints that decide whether a saved result can be reused (resume). */
  submissionSha256: string;
  sourceSha256: string;
  /** The limits and isolation it was graded under (resume regrades when they change). */
  settings: string;
}

export interface GradeOptions {
  source: string;
  submissions: string[];
  outDir: string;
  jobs?: number;
  /** Per-cell time limit in seconds (default 60). */
  timeoutSeconds?: number;
  /** Time limit for a whole submission in seconds (default 300). */
  totalTimeoutSeconds?: number;
  /** Memory cap per submission in MiB (default 1536). */
  memoryMiB?: number;
  /**
   * Run kernels under Node's permission model only, without the bubblewrap sandbox
   * (for trusted submissions on a machine without bubblewrap or user namespaces).
   */
  unsafeNoSandbox?: boolean;
  /** Reuse results of submissions already graded against the same source (default true). */
  resume?: boolean;
  onProgress?(line: string): void;
}

export interface GradeSummary {
  results: SubmissionResult[];
  gradesCsv: string;
  graded: number;
  resumed: number;
}

const DEFAULT_TIMEOUT_SECONDS = 60;
const DEFAULT_TOTAL_TIMEOUT_SECONDS = 300;
const DEFAULT_MEMORY_MIB = 1536;
/** How many more times a submission is graded when grading itself failed. */
const INFRASTRUCTURE_RETRIES = 2;
/** How much of what a test cell printed is kept (the feedback shows less). */
const PRINTED_KEPT = 8000;

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** A file name for a submission's result and feedback: its name plus a hash of its path (two alice.ipynb stay apart). */
export function resultKey(file: string): string {
  const base = path.basename(file, '.ipynb').replace(/[^\w.-]+/g, '_').slice(0, 60) || 'submission';
  return `${base}-${sha256(path.resolve(file)).slice(0, 8)}`;
}

/**
 * `downhill grade`: runs every submission against the source's tests, each in its
 * own sandboxed kernel, several at once; writes grades.csv, one feedback page per
 * submission, and one result file per submission (which lets an interrupted run
 * resume without grading anything twice).
 */
export async function grade(options: GradeOptions): Promise<GradeSummary> {
  const log = options.onProgress ?? (() => undefined);
  if (!options.unsafeNoSandbox) requireBubblewrap();
  const source = readNotebook(options.source);
  const tests = checkAssignment(source, options.source);
  const handedOut = studentVersion(source, options.source);
  const sourceSha256 = sha256(fs.readFileSync(options.source));
  const maxScore = tests.reduce((s, c) => s + pointsOf(c, options.source), 0);
  const settings = JSON.stringify({
    isolation: options.unsafeNoSandbox ? 'permission-model' : 'bubblewrap',
    timeoutSeconds: options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
    totalTimeoutSeconds: options.totalTimeoutSeconds ?? DEFAULT_TOTAL_TIMEOUT_SECONDS,
    memoryMiB: options.memoryMiB ?? DEFAULT_MEMORY_MIB,
  });
  const resultsDir = path.join(options.outDir, 'results');
  const feedbackDir = path.join(options.outDir, 'feedback');
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.mkdirSync(feedbackDir, { recursive: true });
  let resumed = 0;
  let graded = 0;
  const n = options.submissions.length;

  const results = await pool(options.submissions, options.jobs ?? 1, async (file, i): Promise<SubmissionResult> => {
    const tag = `[${i + 1}/${n} ${path.basename(file)}]`;
    const key = resultKey(file);
    const resultFile = path.join(resultsDir, `${key}.json`);
    const bytes = readBytes(file);
    const submissionSha256 = bytes ? sha256(bytes) : '';
    const saved = options.resume !== false ? readSaved(resultFile) : undefined;
    if (saved) {
      if (saved.submissionSha256 === submissionSha256 && saved.sourceSha256 === sourceSha256 && saved.settings === settings && saved.status !== 'error') {
        resumed++;
        log(`${tag} already graded: ${saved.score}/${saved.maxScore} (kept)`);
        return saved;
      }
    }
    const started = performance.now();
    let result = await gradeOne(file, bytes, { source, handedOut, maxScore, options });
    // A failure of grading itself (the kernel did not start, the grader's own cell failed) is not the student's: try again.
    for (let attempt = 1; result.status === 'error' && attempt <= INFRASTRUCTURE_RETRIES; attempt++) {
      log(`${tag} grading failed (${result.notes[result.notes.length - 1]}); trying again`);
      result = await gradeOne(file, bytes, { source, handedOut, maxScore, options });
    }
    Object.assign(result, { seconds: (performance.now() - started) / 1000, submissionSha256, sourceSha256, settings });
    fs.writeFileSync(path.join(feedbackDir, `${key}.html`), feedbackHTML(result, path.basename(options.source, '.ipynb')));
    writeAtomically(resultFile, JSON.stringify(result, null, 2) + '\n');
    graded++;
    log(`${tag} ${result.status === 'graded' ? `${result.score}/${result.maxScore}` : result.status === 'flagged' ? `${result.score}/${result.maxScore} FLAGGED` : result.status.toUpperCase()} in ${result.seconds.toFixed(1)} s${result.notes.length ? ` (${result.notes.length} note${result.notes.length > 1 ? 's' : ''})` : ''}`);
    return result;
  });

  const gradesCsv = path.join(options.outDir, 'grades.csv');
  writeAtomically(gradesCsv, toGradesCsv(results));
  return { results, gradesCsv, graded, resumed };
}

/** A saved result, or undefined when there is none or it cannot be read (a run killed while writing it). */
function readSaved(file: string): SubmissionResult | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as SubmissionResult;
  } catch {
    return undefined;
  }
}

function readBytes(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

async function gradeOne(
  file: string,
  bytes: Buffer | undefined,
  context: { source: Notebook; handedOut: Notebook; maxScore: number; options: GradeOptions },
): Promise<SubmissionResult> {
  const { source, handedOut, maxScore, options } = context;
  const base = { submission: file, maxScore, seconds: 0, submissionSha256: '', sourceSha256: '', settings: '' };
  const failAll = (status: SubmissionResult['status'], reason: string): SubmissionResult => ({
    ...base,
    status,
    score: 0,
    tests: source.cells.filter(isTest).map((c) => ({ name: testName(c, source.cells.indexOf(c)), hidden: roleOf(c) === 'hidden-tests', points: pointsOf(c, options.source), passed: false, reason, printed: '' })),
    notes: [reason],
  });
  if (!bytes) return failAll('unreadable', `the submission ${file} could not be read`);
  let submission: Notebook;
  try {
    submission = readNotebook(file);
  } catch (e) {
    return failAll('unreadable', (e as Error).message.split('\n')[0]);
  }
  const { notebook, notes } = assemble(source, submission, handedOut);
  const harness = createHarness();
  const graded = withHarness(notebook, source, harness);
  const memoryMiB = options.memoryMiB ?? DEFAULT_MEMORY_MIB;
  // Under bubblewrap the kernel has no network at all: it talks to the grader over Unix sockets in its own folder.
  const isolation = options.unsafeNoSandbox ? 'permission-model' : 'bubblewrap';
  const sandbox = createSandbox({ isolation, memoryMiB, shareNetwork: isolation !== 'bubblewrap' });
  const release = track(sandbox);
  try {
    const run = await executeNotebook(graded, {
      launch: sandbox.launch,
      cwd: sandbox.scratch,
      connectionDir: sandbox.connectionDir,
      transport: isolation === 'bubblewrap' ? 'ipc' : 'tcp',
      env: sandbox.env,
      inheritEnv: false,
      allowErrors: true,
      timeoutSeconds: options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
      totalTimeoutSeconds: options.totalTimeoutSeconds ?? DEFAULT_TOTAL_TIMEOUT_SECONDS,
      // Under bubblewrap the sandbox's supervisor watches the kernel's memory (the runner would see only the supervisor).
      memoryLimitMiB: sandbox.isolation === 'permission-model' ? memoryMiB : undefined,
      label: file,
    });
    const preambleFailure = run.failures.find((f) => f.cellIndex === 0);
    if (preambleFailure) throw new Error(`the grader's own first cell failed: ${preambleFailure.message.split('\n')[0]}`);
    const fatal = run.stoppedBy;
    // Cell numbers of the assembled notebook (the preamble is the grader's, not the student's).
    const stopped = fatal ? `${stopReason(fatal.message)} (in cell ${fatal.cellIndex})` : undefined;
    const testResults: TestResult[] = [];
    let tampered: string | undefined;
    graded.cells.forEach((cell, index) => {
      const original = source.cells.find((c) => c.id !== undefined && c.id === cell.id);
      if (!original || !isTest(original) || cell.cell_type !== 'code') return;
      const name = testName(original, source.cells.indexOf(original));
      const testFailure = run.failures.find((f) => f.cellIndex === index);
      const replaced = testFailure && replacedIn(testFailure.message);
      if (!tampered && replaced) {
        tampered = `the submission replaced ${replaced} before the test '${name}'`;
        notes.push(`${tampered}: this test and the ones after it earn nothing; a person should look at this submission`);
      }
      const outcome = testOutcome(cell as CodeCell, testFailure, stopped);
      const counted = tampered && cell.execution_count !== null ? { passed: false, reason: `not counted: ${tampered}` } : {};
      testResults.push({
        name,
        hidden: roleOf(original) === 'hidden-tests',
        points: pointsOf(original, options.source),
        ...outcome,
        printed: outcome.printed.slice(0, PRINTED_KEPT),
        ...counted,
      });
    });
    if (fatal) notes.push(stopReason(fatal.message));
    const truncated = graded.cells.filter((c) => c.cell_type === 'code' && c.outputs.some((o) => o.output_type === 'stream' && OUTPUT_TRUNCATED.test(joined(o.text)))).length;
    if (truncated) notes.push(`the output of ${truncated} cell${truncated > 1 ? 's was' : ' was'} cut at the output limit`);
    const score = testResults.reduce((s, t) => s + (t.passed ? t.points : 0), 0);
    return { ...base, status: tampered ? 'flagged' : 'graded', score, tests: testResults, notes };
  } catch (e) {
    // The kernel did not start, or the runner failed: no score for now (grade() tries again); the others go on.
    return { ...failAll('error', `grading failed: ${(e as Error).message.split('\n')[0]}`), notes: [...notes, `grading failed: ${(e as Error).message}`] };
  } finally {
    sandbox.remove();
    release();
  }
}

/** The notebook that runs: the harness's preamble first, and its integrity check at the start of each test cell. */
function withHarness(notebook: Notebook, source: Notebook, harness: Harness): Notebook {
  const cells: Cell[] = [harness.preamble];
  for (const cell of notebook.cells) {
    const original = source.cells.find((c) => c.id !== undefined && c.id === cell.id);
    cells.push(original && isTest(original) ? { ...cell, source: asLines(harness.guard + joined(cell.source)) } : cell);
  }
  return { ...notebook, cells };
}

/** The kernel's line where it cut a cell's output (DOWNHILL_MAX_CELL_OUTPUT_BYTES) or all output (DOWNHILL_MAX_OUTPUT_BYTES). */
const OUTPUT_TRUNCATED = /^\[downhill\] output (truncated|stopped): /m;

/** Why a run stopped, in a line: the sandbox supervisor's account (a memory stop), else the first line of the failure. */
function stopReason(message: string): string {
  const said = message.indexOf(SUPERVISOR_SAYS);
  if (said >= 0) return message.slice(said + SUPERVISOR_SAYS.length).split(/\n| \/ /)[0].trim();
  return withoutErrorName(message.split('\n')[0]);
}

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
