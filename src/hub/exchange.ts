import * as fs from 'fs';
import * as path from 'path';
import { resultKey } from '../coursework/grade';
import { csvField } from '../coursework/grades_csv';
import { DownhillError } from '../errors';
import { readNotebook } from '../notebook/nbformat';

/**
 * Handing an assignment out to a class and collecting it back, nbgrader-style, through
 * folders: each student has a folder under `homes` (their home on a one-machine hub, or
 * their folder on a shared exchange volume on Kubernetes). The assignment goes to
 * HOMES/USER/NAME/NAME.ipynb; the student works on it there; collect copies it back.
 */

/** The file release leaves beside the notebook: what was handed out, and when. */
const RELEASE_RECORD = '.downhill-release.json';

export interface StudentOutcome {
  user: string;
  status: string;
  /** A sentence for a person, for everything that is not the normal case. */
  detail?: string;
}

/** The assignment's name: the student notebook's file name without .ipynb. */
export function assignmentName(studentNotebook: string): string {
  return path.basename(studentNotebook, '.ipynb');
}

/** Student names as given on the command line: "alice,bob" (spaces and empty entries ignored); each must be a plain folder name. */
export function parseUsers(list: string): string[] {
  const users = [...new Set(list.split(/[,\s]+/).filter(Boolean))];
  if (users.length === 0) throw new DownhillError('no student given.', 'pass --users alice,bob,... (comma-separated user names).');
  for (const user of users) {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.@-]*$/.test(user)) {
      throw new DownhillError(`'${user}' is not a user name (letters, digits, _ . @ - only).`, 'pass the hub user names, separated by commas.');
    }
  }
  return users;
}

/** Makes `file` belong to the owner of `home` (release runs as root; the student must be able to save). */
function giveToOwnerOf(home: string, file: string): void {
  const { uid, gid } = fs.statSync(home);
  if (process.getuid?.() === 0 && (uid !== 0 || gid !== 0)) fs.chownSync(file, uid, gid);
}

/**
 * Copies the student version of an assignment (what `downhill assign` wrote) into each
 * student's folder. A student who already has the file keeps it (their work is never
 * overwritten) unless `force`; a student without a folder is reported.
 */
export function release(options: { studentNotebook: string; homes: string; users: string[]; force?: boolean }): StudentOutcome[] {
  readNotebook(options.studentNotebook);
  const name = assignmentName(options.studentNotebook);
  return options.users.map((user): StudentOutcome => {
    const home = path.join(options.homes, user);
    if (!fs.existsSync(home)) {
      return { user, status: 'no-home', detail: `${home} does not exist (the student has not logged in yet, or the name is wrong); nothing was released to them` };
    }
    const dir = path.join(home, name);
    const target = path.join(dir, `${name}.ipynb`);
    if (fs.existsSync(target) && !options.force) return { user, status: 'kept', detail: `${target} exists already and was kept (--force replaces it)` };
    fs.mkdirSync(dir, { recursive: true });
    giveToOwnerOf(home, dir);
    fs.copyFileSync(options.studentNotebook, target);
    giveToOwnerOf(home, target);
    fs.writeFileSync(path.join(dir, RELEASE_RECORD), JSON.stringify({ assignment: name, notebook: `${name}.ipynb`, released: new Date().toISOString() }) + '\n');
    return { user, status: 'released' };
  });
}

export interface Collected extends StudentOutcome {
  status: 'on-time' | 'late' | 'missing' | 'not-a-notebook' | 'no-home';
  /** When the student last saved the notebook (its modification time), ISO 8601. */
  submittedAt?: string;
  /** Where the collected copy is (only for on-time and late). */
  file?: string;
}

/**
 * Copies each student's notebook of assignment `name` to OUT/submissions/USER.ipynb
 * (keeping its modification time, the submission time), marks it late when it was saved
 * after `deadline`, and writes OUT/collected.csv. A student without a submission, or
 * whose file is not a notebook, is reported and left out of submissions/.
 */
export function collect(options: { name: string; homes: string; users: string[]; outDir: string; deadline?: Date }): Collected[] {
  const submissions = path.join(options.outDir, 'submissions');
  fs.mkdirSync(submissions, { recursive: true });
  const results = options.users.map((user): Collected => {
    const home = path.join(options.homes, user);
    if (!fs.existsSync(home)) return { user, status: 'no-home', detail: `${home} does not exist` };
    const file = path.join(home, options.name, `${options.name}.ipynb`);
    if (!fs.existsSync(file)) return { user, status: 'missing', detail: `no ${path.join(options.name, `${options.name}.ipynb`)} in ${home}` };
    const saved = fs.statSync(file).mtime;
    try {
      readNotebook(file);
    } catch (e) {
      return { user, status: 'not-a-notebook', submittedAt: saved.toISOString(), detail: `${file} is not a notebook: ${(e as Error).message.split('\n')[0]}` };
    }
    const copy = path.join(submissions, `${user}.ipynb`);
    fs.copyFileSync(file, copy);
    fs.utimesSync(copy, saved, saved);
    const late = options.deadline !== undefined && saved > options.deadline;
    return {
      user, status: late ? 'late' : 'on-time', submittedAt: saved.toISOString(), file: copy,
      ...(late ? { detail: `saved ${formatLateness(saved.getTime() - options.deadline!.getTime())} after the deadline` } : {}),
    };
  });
  const rows = [['user', 'status', 'submitted_at', 'deadline', 'detail'], ...results.map((r) => [r.user, r.status, r.submittedAt ?? '', options.deadline?.toISOString() ?? '', r.detail ?? ''])];
  fs.writeFileSync(path.join(options.outDir, 'collected.csv'), rows.map((row) => row.map(csvField).join(',')).join('\n') + '\n');
  return results;
}

function formatLateness(ms: number): string {
  const minutes = Math.ceil(ms / 60000);
  return minutes < 120 ? `${minutes} min` : minutes < 48 * 60 ? `${(minutes / 60).toFixed(1)} h` : `${(minutes / 1440).toFixed(1)} days`;
}

/**
 * Puts each student's feedback page into their folder as NAME/feedback.html: from
 * `downhill grade --out DIR` run on COLLECTED/submissions/*.ipynb, or from several such
 * DIRs when grading was sharded.
 */
export function returnFeedback(options: { name: string; homes: string; users: string[]; collectedDir: string; gradedDirs: string[] }): StudentOutcome[] {
  for (const dir of options.gradedDirs) {
    if (!fs.existsSync(path.join(dir, 'feedback'))) {
      throw new DownhillError(`${dir} has no feedback/ folder.`, 'run downhill grade --out DIR on the collected submissions first, and pass that DIR (or the DIRs of all shards, comma-separated) as --graded.');
    }
  }
  return options.users.map((user): StudentOutcome => {
    const submission = path.resolve(options.collectedDir, 'submissions', `${user}.ipynb`);
    if (!fs.existsSync(submission)) return { user, status: 'no-submission', detail: 'nothing was collected from this student, so there is no feedback' };
    const pages = options.gradedDirs.map((dir) => path.join(dir, 'feedback', `${resultKey(submission)}.html`)).filter((p) => fs.existsSync(p));
    if (pages.length === 0) return { user, status: 'not-graded', detail: `no feedback page for ${submission} in ${options.gradedDirs.join(', ')}: grade it first` };
    const home = path.join(options.homes, user);
    if (!fs.existsSync(home)) return { user, status: 'no-home', detail: `${home} does not exist` };
    const target = path.join(home, options.name, 'feedback.html');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(pages[0], target);
    giveToOwnerOf(home, target);
    return { user, status: 'returned' };
  });
}
