import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { pool } from '../cli/args';
import { CodeCell, Notebook, readNotebook } from '../notebook/nbformat';
import { executeNotebook } from '../notebook/runner';
import { studentVersion } from './assign';
import { checkAssignment, isTest, pointsOf, roleOf, testName } from './authoring';
import { feedbackHTML } from './feedback';
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
  status: 'graded' | 'unreadable' | 'error';
  score: number;
  maxScore: number;
  tests: TestResult[];
  /** What grading noticed: restored test cells, deleted cells, a missing file. */
  notes: string[];
  seconds: number;
  /** Fingerprints that decide whether a saved result can be reused (resume). */
  submissionSha256: string;
  sourceSha256: string;
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

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** A file name for a submission's result and feedback: its name plus a hash of its path (two alice.ipynb stay apart). */
function keyOf(file: string): string {
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
  const resultsDir = path.join(options.outDir, 'results');
  const feedbackDir = path.join(options.outDir, 'feedback');
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.mkdirSync(feedbackDir, { recursive: true });
  let resumed = 0;
  let graded = 0;
  const n = options.submissions.length;

  const results = await pool(options.submissions, options.jobs ?? 1, async (file, i): Promise<SubmissionResult> => {
    const tag = `[${i + 1}/${n} ${path.basename(file)}]`;
    const key = keyOf(file);
    const resultFile = path.join(resultsDir, `${key}.json`);
    const bytes = readBytes(file);
    const submissionSha256 = bytes ? sha256(bytes) : '';
    if (options.resume !== false && fs.existsSync(resultFile)) {
      const saved = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as SubmissionResult;
      if (saved.submissionSha256 === submissionSha256 && saved.sourceSha256 === sourceSha256) {
        resumed++;
        log(`${tag} already graded: ${saved.score}/${saved.maxScore} (kept)`);
        return saved;
      }
    }
    const started = performance.now();
    const result = await gradeOne(file, bytes, { source, handedOut, maxScore, options });
    Object.assign(result, { seconds: (performance.now() - started) / 1000, submissionSha256, sourceSha256 });
    fs.writeFileSync(path.join(feedbackDir, `${key}.html`), feedbackHTML(result, path.basename(options.source, '.ipynb')));
    writeAtomically(resultFile, JSON.stringify(result, null, 2) + '\n');
    graded++;
    log(`${tag} ${result.status === 'graded' ? `${result.score}/${result.maxScore}` : result.status.toUpperCase()} in ${result.seconds.toFixed(1)} s${result.notes.length ? ` (${result.notes.length} note${result.notes.length > 1 ? 's' : ''})` : ''}`);
    return result;
  });

  const gradesCsv = path.join(options.outDir, 'grades.csv');
  writeAtomically(gradesCsv, toCsv(results));
  return { results, gradesCsv, graded, resumed };
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
  const base = { submission: file, maxScore, seconds: 0, submissionSha256: '', sourceSha256: '' };
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
  const memoryMiB = options.memoryMiB ?? 1536;
  const sandbox = createSandbox({ isolation: options.unsafeNoSandbox ? 'permission-model' : 'bubblewrap', memoryMiB, shareNetwork: true });
  try {
    const run = await executeNotebook(notebook, {
      launch: sandbox.launch,
      cwd: sandbox.scratch,
      connectionDir: sandbox.connectionDir,
      env: sandbox.env,
      inheritEnv: false,
      allowErrors: true,
      timeoutSeconds: options.timeoutSeconds ?? 60,
      totalTimeoutSeconds: options.totalTimeoutSeconds ?? 300,
      // Under bubblewrap the sandbox's supervisor watches the kernel's memory (the runner would see only the supervisor).
      memoryLimitMiB: sandbox.isolation === 'permission-model' ? memoryMiB : undefined,
      label: file,
    });
    const fatal = run.stoppedBy;
    const stopped = fatal ? `${stopReason(fatal.message)} (in cell ${fatal.cellIndex + 1})` : undefined;
    const testResults: TestResult[] = [];
    notebook.cells.forEach((cell, index) => {
      const original = source.cells.find((c) => c.id === cell.id);
      if (!original || !isTest(original) || cell.cell_type !== 'code') return;
      const outcome = testOutcome(cell as CodeCell, run.failures.find((f) => f.cellIndex === index), stopped);
      testResults.push({
        name: testName(original, source.cells.indexOf(original)),
        hidden: roleOf(original) === 'hidden-tests',
        points: pointsOf(original, options.source),
        ...outcome,
      });
    });
    if (fatal) notes.push(stopReason(fatal.message));
    const score = testResults.reduce((s, t) => s + (t.passed ? t.points : 0), 0);
    return { ...base, status: 'graded', score, tests: testResults, notes };
  } catch (e) {
    // The kernel did not start, or the runner failed: this submission gets 0 with the reason; the others go on.
    return { ...failAll('error', `grading failed: ${(e as Error).message.split('\n')[0]}`), notes: [...notes, `grading failed: ${(e as Error).message}`] };
  } finally {
    sandbox.remove();
  }
}

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

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function toCsv(results: SubmissionResult[]): string {
  const header = ['submission', 'score', 'max_score', 'status', 'passed', 'failed', 'notes'];
  const rows = results.map((r) => [
    r.submission, r.score, r.maxScore, r.status,
    r.tests.filter((t) => t.passed).length, r.tests.filter((t) => !t.passed).length, r.notes.join('; '),
  ]);
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}
