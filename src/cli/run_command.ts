import { parseValue } from '../notebook/parameters';
import { UsageError, parseArgs } from './args';
import { Command } from './commands';
import { positiveNumber, wholeNumber } from './numbers';
import { runNotebooks } from './run_notebooks';

const USAGE =
  'downhill run NOTEBOOK... [--inplace | --output DIR] [--timeout SECONDS] [--allow-errors] [-p NAME VALUE]... [--jobs N] [--kernel NAME] [--quiet]';

const HELP = `${USAGE}

Runs each notebook top to bottom in a fresh kernel, without Jupyter, and writes it
with its outputs.

  --output DIR      write the executed notebooks into DIR (default: out/)
  --inplace         write them back over the inputs (only when the run succeeds,
                    or with --allow-errors); otherwise the partial result goes to
                    NAME.failed.ipynb beside the input
  --timeout SEC     time limit per cell (default 600): the cell is interrupted,
                    then the kernel killed if it does not stop
  --allow-errors    keep going after a failing cell
  -p NAME VALUE     set a parameter declared in the cell tagged 'parameters'
                    (VALUE is JSON if it parses: 3, 0.1, true, "text", [1,2])
  --jobs N          run N notebooks at once (default 1)
  --kernel NAME     use this kernel instead of the notebook's own
  --quiet           no progress lines

Exit status: 0 when every notebook ran cleanly, 1 when one failed, 2 on bad usage.`;

export const runCommand: Command = {
  summary: 'run notebooks headlessly (no Jupyter needed) and save their outputs',
  usage: USAGE,
  async run(args) {
    if (args.includes('--help')) {
      console.log(HELP);
      return 0;
    }
    const parsed = parseArgs(args, { flags: ['--inplace', '--allow-errors', '--quiet'], options: ['--output', '--timeout', '--jobs', '--kernel'], pairs: ['-p', '--param'] }, USAGE);
    const files = parsed.positional;
    if (files.length === 0) throw new UsageError('no notebook given.', `usage: ${USAGE}`);
    if (parsed.flags.has('--inplace') && parsed.options.has('--output')) throw new UsageError('--inplace and --output exclude each other.', 'choose one.');
    const timeout = positiveNumber(parsed, '--timeout');
    const jobs = wholeNumber(parsed, '--jobs') ?? 1;
    const parameters = Object.fromEntries([...(parsed.pairs.get('-p') ?? []), ...(parsed.pairs.get('--param') ?? [])].map(([k, v]) => [k, parseValue(v)]));
    const outcomes = await runNotebooks(files, {
      outputDir: parsed.options.get('--output'),
      inplace: parsed.flags.has('--inplace'),
      timeoutSeconds: timeout,
      allowErrors: parsed.flags.has('--allow-errors'),
      parameters,
      kernel: parsed.options.get('--kernel'),
      jobs,
      quiet: parsed.flags.has('--quiet'),
    });
    const failed = outcomes.filter((o) => !o.result?.ok).length;
    return failed ? 1 : 0;
  },
};
