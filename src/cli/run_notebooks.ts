import * as fs from 'fs';
import * as path from 'path';
import { Notebook, readNotebook, writeNotebook } from '../notebook/nbformat';
import { RunResult, describeFailure, executeNotebook, notebookDir } from '../notebook/runner';
import { RENDER_SOCKET_ENV, startRenderService } from '../display/render_service';
import { pool } from './args';

export interface RunManyOptions {
  /** Where executed notebooks go (default out/), unless inplace. */
  outputDir?: string;
  inplace?: boolean;
  timeoutSeconds?: number;
  allowErrors?: boolean;
  parameters?: Record<string, unknown>;
  kernel?: string;
  jobs?: number;
  quiet?: boolean;
}

export interface RunOutcome {
  file: string;
  notebook: Notebook;
  result?: RunResult;
  /** Why the notebook could not be run at all (kernel did not start, bad parameter, ...). */
  error?: string;
  /** Where the executed notebook was written. */
  written?: string;
}

/** Where an executed notebook goes; never over the input with a partial result unless errors are allowed. */
function outputPath(input: string, options: RunManyOptions, ok: boolean): string {
  const target = options.inplace ? path.resolve(input) : path.resolve(options.outputDir ?? 'out', path.basename(input));
  if (target === path.resolve(input) && !ok && !options.allowErrors) {
    return path.join(path.dirname(target), path.basename(target, '.ipynb') + '.failed.ipynb');
  }
  return target;
}

/**
 * Runs notebooks (several at once with `jobs`), writes each executed notebook,
 * reports progress on stderr and failures with their cell. Every file is read
 * first, so a missing file or bad JSON stops everything before a kernel starts.
 * The kernels draw their charts' PNGs in one shared Chromium (see render_service.ts),
 * which loads plotly.js once for the whole run rather than once per notebook.
 */
export async function runNotebooks(files: string[], options: RunManyOptions): Promise<RunOutcome[]> {
  const notebooks = files.map((file) => ({ file, notebook: readNotebook(file) }));
  const log = (line: string) => !options.quiet && process.stderr.write(line + '\n');
  const jobs = options.jobs ?? 1;
  const renders =
    process.env.DOWNHILL_PNG === '0'
      ? undefined
      : await startRenderService(jobs).catch((e: unknown) => {
          log(`(no shared Chromium for the charts' pictures, each kernel draws its own: ${e instanceof Error ? e.message : e})`);
          return undefined;
        });
  try {
    return await runAll(notebooks, options, jobs, log, renders ? { [RENDER_SOCKET_ENV]: renders.socket } : {});
  } finally {
    if (renders?.rendered()) log(`${renders.rendered()} chart picture${renders.rendered() > 1 ? 's' : ''} drawn in one shared Chromium`);
    await renders?.close();
  }
}

async function runAll(notebooks: { file: string; notebook: Notebook }[], options: RunManyOptions, jobs: number, log: (line: string) => void, env: NodeJS.ProcessEnv): Promise<RunOutcome[]> {
  const outcomes = await pool(notebooks, jobs, async ({ file, notebook }, i): Promise<RunOutcome> => {
    const name = notebooks.length > 1 ? `[${i + 1}/${notebooks.length} ${path.basename(file)}] ` : '';
    log(`${name}running ${file}`);
    let result: RunResult;
    try {
      result = await executeNotebook(notebook, {
        cwd: notebookDir(file),
        timeoutSeconds: options.timeoutSeconds,
        allowErrors: options.allowErrors,
        parameters: options.parameters && Object.keys(options.parameters).length ? options.parameters : undefined,
        kernel: options.kernel,
        env,
        label: file,
        onProgress: (e) => {
          if (e.kind === 'kernel') log(`${name}kernel started in ${e.seconds.toFixed(1)} s`);
          else log(`${name}cell ${e.codeCell}/${e.codeCells} ${e.status === 'ok' ? 'ok' : e.status.toUpperCase()} in ${e.seconds.toFixed(1)} s (elapsed ${e.elapsed.toFixed(1)} s)`);
        },
      });
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      console.error(`${file}: ${error}`);
      return { file, notebook, error };
    }
    const written = outputPath(file, options, result.ok);
    fs.mkdirSync(path.dirname(written), { recursive: true });
    writeNotebook(written, result.notebook);
    if (!result.ok) {
      for (const f of result.failures) console.error('\n' + describeFailure(file, f));
      if (result.skipped) console.error(`  (${result.skipped} later code cell${result.skipped > 1 ? 's were' : ' was'} not run)`);
    }
    const shown = path.relative(process.cwd(), written);
    log(`${name}${result.ok ? 'done' : 'FAILED'} in ${result.seconds.toFixed(1)} s; wrote ${shown.startsWith('..') ? written : shown}`);
    return { file, notebook: result.notebook, result, written };
  });
  if (notebooks.length > 1) log(`${outcomes.filter((o) => o.result?.ok).length} of ${notebooks.length} notebooks ran cleanly`);
  return outcomes;
}
