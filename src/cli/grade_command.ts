import * as path from 'path';
import { grade } from '../coursework/grade';
import { UsageError, parseArgs } from './args';
import { Command } from './commands';
import { positiveNumber, wholeNumber } from './numbers';

const USAGE =
  'downhill grade --source SOURCE.ipynb SUBMISSION.ipynb... --out DIR [--jobs N] [--timeout SEC] [--time-limit SEC] [--memory MIB] [--no-resume] [--unsafe-no-sandbox] [--quiet] [--] SUBMISSION...';

const HELP = `${USAGE}

Grades submissions of an assignment made with 'downhill assign'. For each one, the
test cells (visible and hidden) are taken from SOURCE, so a student cannot delete or
edit them away; the notebook runs in its own kernel in a bubblewrap sandbox (its
own user, PID, IPC and mount namespaces, an unprivileged uid, the installed code
read-only, a small noexec scratch folder, process and file-size limits; Node's
permission model inside), with a time and a memory limit. Each test cell that runs
without an error earns its points. The sandbox needs bubblewrap (Debian:
bubblewrap) and user namespaces (root, or unprivileged user namespaces enabled);
without them grading stops, unless --unsafe-no-sandbox is given.

Writes DIR/grades.csv (submission, score, max_score, status, passed, failed, notes),
DIR/feedback/NAME-HASH.html for each submission, and DIR/results/NAME-HASH.json. A
run that is interrupted can be started again: submissions already graded against
the same SOURCE (same file contents) are kept, not graded twice.

  --source FILE      the instructor's notebook (required)
  --out DIR          where grades and feedback go (required)
  --jobs N           grade N submissions at once (default 1)
  --timeout SEC      time limit per cell (default 60)
  --time-limit SEC   time limit per submission (default 300)
  --memory MIB       memory limit per submission (default 1536)
  --no-resume        grade everything again
  --unsafe-no-sandbox  no bubblewrap sandbox: Node's permission model only (trusted
                     submissions only: a hostile one can escape it)
  --                 what follows is a submission, even if it starts with '-'
  --quiet            no progress lines

Exit status: 0 when every submission got a grade (whatever its score), 1 when
grading itself failed for one, 2 on bad usage.`;

export const gradeCommand: Command = {
  summary: 'grade submissions in sandboxed kernels: grades.csv and feedback pages',
  usage: USAGE,
  async run(args) {
    if ((args.includes('--') ? args.slice(0, args.indexOf('--')) : args).includes('--help')) {
      console.log(HELP);
      return 0;
    }
    const parsed = parseArgs(args, { flags: ['--no-resume', '--quiet', '--unsafe-no-sandbox'], options: ['--source', '--out', '--jobs', '--timeout', '--time-limit', '--memory'] }, USAGE);
    const source = parsed.options.get('--source');
    const outDir = parsed.options.get('--out');
    if (!source) throw new UsageError('--source SOURCE.ipynb is required.', `usage: ${USAGE}`);
    if (!outDir) throw new UsageError('--out DIR is required.', `usage: ${USAGE}`);
    if (parsed.positional.length === 0) throw new UsageError('no submission given.', `usage: ${USAGE}`);
    const summary = await grade({
      source,
      submissions: parsed.positional,
      outDir,
      jobs: wholeNumber(parsed, '--jobs'),
      timeoutSeconds: positiveNumber(parsed, '--timeout'),
      totalTimeoutSeconds: positiveNumber(parsed, '--time-limit'),
      memoryMiB: positiveNumber(parsed, '--memory'),
      resume: !parsed.flags.has('--no-resume'),
      unsafeNoSandbox: parsed.flags.has('--unsafe-no-sandbox'),
      onProgress: parsed.flags.has('--quiet') ? undefined : (line) => process.stderr.write(line + '\n'),
    });
    const failed = summary.results.filter((r) => r.status === 'error').length;
    console.log(`graded ${summary.graded}, kept ${summary.resumed} already graded; wrote ${path.resolve(summary.gradesCsv)}`);
    return failed ? 1 : 0;
  },
};
