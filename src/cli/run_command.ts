import * as fs from 'fs';
import * as path from 'path';
import { DownhillError } from '../errors';
import { readNotebook, writeNotebook } from '../notebook/nbformat';
import { parseValue } from '../notebook/parameters';
import { RunResult, describeFailure, executeNotebook, notebookDir } from '../notebook/runner';
import { UsageError, parseArgs, pool } from './args';
import { Command } from './commands';

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

function outputPath(input: string, parsed: { inplace: boolean; dir?: string }, ok: boolean, allowErrors: boolean): string {
  const target = parsed.inplace ? path.resolve(input) : path.resolve(parsed.dir ?? 'out', path.basename(input));
  const overwritesInput = target === path.resolve(input);
  if (overwritesInput && !ok && !allowErrors) {
    // Never replace the input with a partial result unless asked (--allow-errors).
    return path.join(path.dirname(target), path.basename(target, '.ipynb') + '.failed.ipynb');
  }
  return target;
}

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
    const timeout = parsed.options.has('--timeout') ? Number(parsed.options.get('--timeout')) : undefined;
    if (timeout !== undefined && !(timeout > 0)) throw new UsageError(`--timeout must be a positive number of seconds, got ${parsed.options.get('--timeout')}.`, 'e.g. --timeout 120.');
    const jobs = Number(parsed.options.get('--jobs') ?? 1);
    if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs must be a whole number >= 1, got ${parsed.options.get('--jobs')}.`, 'e.g. --jobs 2.');
    const parameters = Object.fromEntries([...(parsed.pairs.get('-p') ?? []), ...(parsed.pairs.get('--param') ?? [])].map(([k, v]) => [k, parseValue(v)]));
    const allowErrors = parsed.flags.has('--allow-errors');
    const quiet = parsed.flags.has('--quiet');
    // Read every notebook first: a missing file or bad JSON stops the run before any kernel starts.
    const notebooks = files.map((f) => ({ file: f, nb: readNotebook(f) }));
    const log = (line: string) => !quiet && process.stderr.write(line + '\n');
    let failed = 0;
    const results = await pool(notebooks, jobs, async ({ file, nb }, i) => {
      const name = files.length > 1 ? `[${i + 1}/${files.length} ${path.basename(file)}] ` : '';
      log(`${name}running ${file}`);
      let result: RunResult;
      try {
        result = await executeNotebook(nb, {
          cwd: notebookDir(file),
          timeoutSeconds: timeout,
          allowErrors,
          parameters: Object.keys(parameters).length ? parameters : undefined,
          kernel: parsed.options.get('--kernel'),
          label: file,
          onProgress: (e) => {
            if (e.kind === 'kernel') log(`${name}kernel started in ${e.seconds.toFixed(1)} s`);
            else log(`${name}cell ${e.codeCell}/${e.codeCells} ${e.status === 'ok' ? 'ok' : e.status.toUpperCase()} in ${e.seconds.toFixed(1)} s (elapsed ${e.elapsed.toFixed(1)} s)`);
          },
        });
      } catch (e) {
        failed++;
        console.error(`${file}: ${e instanceof Error ? e.message : e}`);
        return undefined;
      }
      const target = outputPath(file, { inplace: parsed.flags.has('--inplace'), dir: parsed.options.get('--output') }, result.ok, allowErrors);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      writeNotebook(target, result.notebook);
      if (!result.ok) {
        failed++;
        for (const f of result.failures) console.error('\n' + describeFailure(file, f));
        if (result.skipped) console.error(`  (${result.skipped} later code cell${result.skipped > 1 ? 's were' : ' was'} not run)`);
      }
      log(`${name}${result.ok ? 'done' : 'FAILED'} in ${result.seconds.toFixed(1)} s; wrote ${path.relative(process.cwd(), target) || target}`);
      return result;
    });
    if (files.length > 1) log(`${results.filter((r) => r?.ok).length} of ${files.length} notebooks ran cleanly`);
    return failed ? 1 : 0;
  },
};
