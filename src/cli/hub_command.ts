import * as fs from 'fs';
import * as path from 'path';
import { mergeGradesCsv } from '../coursework/grades_csv';
import { DownhillError } from '../errors';
import { runInClass } from '../hub/class_run';
import { StudentOutcome, collect, parseUsers, release, returnFeedback } from '../hub/exchange';
import { HubClient } from '../hub/hub_client';
import { readNotebook } from '../notebook/nbformat';
import { parseValue } from '../notebook/parameters';
import { UsageError, parseArgs } from './args';
import { Command } from './commands';
import { positiveNumber, wholeNumber } from './numbers';

const USAGE = 'downhill hub release|collect|return|run|merge-grades ... (downhill hub --help)';

const HELP = `downhill hub: a class on a JupyterHub.

  downhill hub release STUDENT.ipynb --users a,b,... [--homes DIR] [--force]
      copies the student version (what 'downhill assign --out' wrote) to
      HOMES/USER/NAME/NAME.ipynb for every user (NAME: the notebook's name); a
      student who has it already keeps theirs unless --force
  downhill hub collect NAME --users a,b,... --out DIR [--homes DIR] [--deadline ISO-8601]
      copies every HOMES/USER/NAME/NAME.ipynb to DIR/submissions/USER.ipynb with
      its save time, marks those saved after the deadline late, and writes
      DIR/collected.csv; then: downhill grade --source SOURCE.ipynb --out DIR/graded DIR/submissions/*.ipynb
  downhill hub return NAME --users a,b,... --collected DIR --graded DIR[,DIR...] [--homes DIR]
      puts each student's feedback page into HOMES/USER/NAME/feedback.html (--graded:
      the --out of 'downhill grade', or of every shard)
  downhill hub run NOTEBOOK --hub URL --users a,b,... [-p NAME VALUE]... [--jobs N] [--timeout SEC] [--start-timeout SEC] [--stop]
      starts each student's server through the hub's REST API and runs NOTEBOOK in
      it through the server's kernel API (a check before class that every student's
      environment works); the token is JUPYTERHUB_API_TOKEN (an admin's, or a
      service's with the admin:servers and access:servers scopes)
  downhill hub merge-grades --out FILE GRADES.csv...
      one grades.csv from those of several shards (one 'downhill grade' per shard)

  --homes DIR   the folder holding one folder per student (default /home)

Each student gets a line; a student with a problem (no home folder, no submission, a
file that is not a notebook, a server that does not start, a hub that cannot be
reached) is reported and the others go on. Exit status: 0 when every student was
handled normally (collect: missing and late submissions count as normal), 1 when one
was not, 2 on bad usage.`;

function report(outcomes: StudentOutcome[], normal: string[]): number {
  const width = Math.max(...outcomes.map((o) => o.user.length));
  for (const o of outcomes) console.log(`${o.user.padEnd(width)}  ${o.status}${o.detail ? `: ${o.detail}` : ''}`);
  return outcomes.every((o) => normal.includes(o.status)) ? 0 : 1;
}

function required(parsed: ReturnType<typeof parseArgs>, option: string, usage: string): string {
  const value = parsed.options.get(option);
  if (!value) throw new UsageError(`${option} is required.`, `usage: ${usage}`);
  return value;
}

function onePositional(parsed: ReturnType<typeof parseArgs>, what: string, usage: string): string {
  if (parsed.positional.length !== 1) throw new UsageError(`give exactly one ${what}.`, `usage: ${usage}`);
  return parsed.positional[0];
}

const ACTIONS: Record<string, (args: string[]) => Promise<number>> = {
  async release(args) {
    const usage = 'downhill hub release STUDENT.ipynb --users a,b,... [--homes DIR] [--force]';
    const parsed = parseArgs(args, { flags: ['--force'], options: ['--users', '--homes'] }, usage);
    const outcomes = release({
      studentNotebook: onePositional(parsed, 'student notebook', usage),
      users: parseUsers(required(parsed, '--users', usage)),
      homes: parsed.options.get('--homes') ?? '/home',
      force: parsed.flags.has('--force'),
    });
    return report(outcomes, ['released', 'kept']);
  },

  async collect(args) {
    const usage = 'downhill hub collect NAME --users a,b,... --out DIR [--homes DIR] [--deadline ISO-8601]';
    const parsed = parseArgs(args, { options: ['--users', '--homes', '--out', '--deadline'] }, usage);
    const deadlineText = parsed.options.get('--deadline');
    const deadline = deadlineText === undefined ? undefined : new Date(deadlineText);
    if (deadline && Number.isNaN(deadline.getTime())) throw new UsageError(`--deadline '${deadlineText}' is not a date.`, 'give it as ISO 8601, e.g. --deadline 2026-12-01T23:59:00+01:00.');
    const outDir = required(parsed, '--out', usage);
    const outcomes = collect({
      name: onePositional(parsed, 'assignment name', usage).replace(/\.ipynb$/, ''),
      users: parseUsers(required(parsed, '--users', usage)),
      homes: parsed.options.get('--homes') ?? '/home',
      outDir,
      deadline,
    });
    const code = report(outcomes, ['on-time', 'late', 'missing']);
    console.log(`collected ${outcomes.filter((o) => o.file).length} of ${outcomes.length} into ${path.resolve(outDir, 'submissions')}; wrote ${path.resolve(outDir, 'collected.csv')}`);
    return code;
  },

  async return(args) {
    const usage = 'downhill hub return NAME --users a,b,... --collected DIR --graded DIR[,DIR...] [--homes DIR]';
    const parsed = parseArgs(args, { options: ['--users', '--homes', '--collected', '--graded'] }, usage);
    const outcomes = returnFeedback({
      name: onePositional(parsed, 'assignment name', usage).replace(/\.ipynb$/, ''),
      users: parseUsers(required(parsed, '--users', usage)),
      homes: parsed.options.get('--homes') ?? '/home',
      collectedDir: required(parsed, '--collected', usage),
      gradedDirs: required(parsed, '--graded', usage).split(',').filter(Boolean),
    });
    return report(outcomes, ['returned', 'no-submission']);
  },

  async run(args) {
    const usage = 'downhill hub run NOTEBOOK --hub URL --users a,b,... [-p NAME VALUE]... [--jobs N] [--timeout SEC] [--start-timeout SEC] [--stop]';
    const parsed = parseArgs(args, { flags: ['--stop'], options: ['--hub', '--users', '--jobs', '--timeout', '--start-timeout'], pairs: ['-p', '--param'] }, usage);
    const file = onePositional(parsed, 'notebook', usage);
    const token = process.env.JUPYTERHUB_API_TOKEN;
    if (!token) throw new DownhillError('JUPYTERHUB_API_TOKEN is not set.', "create a token for an admin user on the hub's token page (or a service token with admin:servers and access:servers) and export it.");
    const users = parseUsers(required(parsed, '--users', usage));
    const runs = await runInClass({
      hub: new HubClient(required(parsed, '--hub', usage)),
      students: users.map((user) => ({ user, token })),
      notebook: readNotebook(file),
      label: path.basename(file),
      parameters: Object.fromEntries([...(parsed.pairs.get('-p') ?? []), ...(parsed.pairs.get('--param') ?? [])].map(([k, v]) => [k, parseValue(v)])),
      jobs: wholeNumber(parsed, '--jobs'),
      timeoutSeconds: positiveNumber(parsed, '--timeout'),
      startTimeoutSeconds: positiveNumber(parsed, '--start-timeout'),
      stopServers: parsed.flags.has('--stop'),
    });
    return report(runs.map((r) => ({ user: r.user, status: r.status, detail: r.detail ?? `${r.seconds.toFixed(1)} s` })), ['passed']);
  },

  async 'merge-grades'(args) {
    const usage = 'downhill hub merge-grades --out FILE GRADES.csv...';
    const parsed = parseArgs(args, { options: ['--out'] }, usage);
    const out = required(parsed, '--out', usage);
    if (parsed.positional.length === 0) throw new UsageError('no grades.csv given.', `usage: ${usage}`);
    const shards = parsed.positional.map((file) => {
      if (!fs.existsSync(file)) throw new DownhillError(`no such file: ${file}`, 'pass the grades.csv of each shard.');
      return { file, text: fs.readFileSync(file, 'utf8') };
    });
    const merged = mergeGradesCsv(shards);
    fs.writeFileSync(out, merged);
    console.log(`wrote ${path.resolve(out)} (${merged.trimEnd().split('\n').length - 1} submissions from ${shards.length} files)`);
    return 0;
  },
};

export const hubCommand: Command = {
  summary: 'a class on JupyterHub: release, collect, return feedback, run a notebook for every student, merge grades',
  usage: USAGE,
  async run(args) {
    const [action, ...rest] = args;
    if (!action || action === '--help' || rest.includes('--help')) {
      console.log(HELP);
      return action ? 0 : 2;
    }
    const run = ACTIONS[action];
    if (!run) throw new UsageError(`unknown hub action '${action}'.`, `usage: ${USAGE}`);
    return run(rest);
  },
};
