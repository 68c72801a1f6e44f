import * as fs from 'fs';
import * as path from 'path';
import { DownhillError } from '../errors';
import { installedKernels } from '../kernel/jupyter_paths';
import { KERNEL_NAME, kernelSpec } from '../kernel/kernelspec';
import { ExecuteOutcome, Kernel, KernelLaunch, Transport } from './kernel_client';
import { CodeCell, ErrorOutput, Notebook, Output, joined } from './nbformat';
import { injectParameters } from './parameters';
import { RawMessage, isMessage } from '../jupyter/messages';

export interface RunOptions {
  /** Per-cell time limit in seconds (default 600). */
  timeoutSeconds?: number;
  /** Keep going after a failing cell (its error is recorded in the notebook). */
  allowErrors?: boolean;
  /** Values for the names declared in the cell tagged `parameters`. */
  parameters?: Record<string, unknown>;
  /** Run with this kernel instead of the notebook's own (metadata.kernelspec.name). */
  kernel?: string;
  /** The kernel's working folder (default: the notebook's folder). */
  cwd?: string;
  /** Variables for the kernel, added to this process's environment (or, with inheritEnv false, its whole environment). */
  env?: NodeJS.ProcessEnv;
  /** Pass this process's environment on to the kernel (default true). */
  inheritEnv?: boolean;
  /** Called as the run goes. */
  onProgress?(event: ProgressEvent): void;
  /** A name for messages (default 'notebook'). */
  label?: string;
  /** Start this kernel command instead of looking one up by name (e.g. a sandboxed one). */
  launch?: KernelLaunch;
  /** Where the kernel's connection file goes (default: the temporary folder); with the ipc transport, its sockets too. */
  connectionDir?: string;
  /** How the runner and the kernel talk: 'tcp' on loopback (default) or 'ipc' (Unix sockets; for a kernel without network). */
  transport?: Transport;
  /** Kill the kernel when its resident memory exceeds this many MiB (checked every 100 ms). */
  memoryLimitMiB?: number;
  /** A limit in seconds for the whole notebook: each cell gets what is left of it. */
  totalTimeoutSeconds?: number;
  /** Run in a kernel started elsewhere (e.g. one of a Jupyter server's, over its REST and WebSocket API) instead of starting a local one. */
  startKernel?(): Promise<NotebookKernel>;
}

/** What the runner needs of a kernel: a local one (Kernel) or one behind a Jupyter server. */
export interface NotebookKernel {
  readonly alive: boolean;
  /** The kernel's language_info, when it told (kept in the notebook, as Jupyter does, so that opening it there changes nothing). */
  readonly languageInfo?: Record<string, unknown>;
  execute(code: string, options: { timeoutMs: number; onMessage(m: RawMessage): void }): Promise<ExecuteOutcome>;
  shutdown(): Promise<void>;
}

export type ProgressEvent =
  | { kind: 'kernel'; seconds: number }
  | { kind: 'cell'; index: number; codeCell: number; codeCells: number; status: ExecuteOutcome['status']; seconds: number; elapsed: number };

export interface CellFailure {
  /** 0-based index among all cells. */
  cellIndex: number;
  /** 1-based number among code cells, and how many there are. */
  codeCell: number;
  codeCells: number;
  status: ExecuteOutcome['status'];
  source: string;
  /** What went wrong, from the kernel's error output. */
  message: string;
}

export interface RunResult {
  notebook: Notebook;
  ok: boolean;
  failures: CellFailure[];
  /** Code cells that did not run because an earlier one failed. */
  skipped: number;
  /** The failure that ended the run before its last cell (the first error without allowErrors, a dead kernel, the time limit). */
  stoppedBy?: CellFailure;
  kernelStartSeconds: number;
  cellSeconds: number[];
  seconds: number;
}

/** How to start the kernel a notebook asks for: downhill's own, or an installed kernelspec. */
export function resolveKernel(name: string): KernelLaunch {
  if (name === KERNEL_NAME) return { name, ...kernelSpec() };
  const installed = installedKernels().get(name.toLowerCase());
  if (!installed) {
    const known = [KERNEL_NAME, ...[...installedKernels().keys()].filter((k) => k !== KERNEL_NAME)];
    throw new DownhillError(`the notebook asks for the kernel '${name}', which is not installed (known: ${known.join(', ')}).`, `run it with --kernel ${KERNEL_NAME}, or install that kernel.`);
  }
  return { name: installed.name, ...installed.spec };
}

/** Builds a cell's outputs from iopub messages, as a Jupyter front end would. */
class OutputCollector {
  /** Where each display id was shown: [cell, output] pairs, for update_display_data. */
  private readonly displays = new Map<string, [CodeCell, number][]>();
  private clearPending = false;

  constructor(private cell: CodeCell) {}

  startCell(cell: CodeCell): void {
    this.cell = cell;
    this.clearPending = false;
  }

  add(m: RawMessage): void {
    if (isMessage(m, 'clear_output')) {
      if (m.content.wait) this.clearPending = true;
      else this.cell.outputs = [];
      return;
    }
    if (isMessage(m, 'update_display_data')) {
      for (const [cell, i] of this.displays.get(m.content.transient?.display_id ?? '') ?? []) {
        const out = cell.outputs[i];
        if (out && (out.output_type === 'display_data' || out.output_type === 'execute_result')) {
          out.data = m.content.data;
          out.metadata = m.content.metadata ?? {};
        }
      }
      return;
    }
    let output: Output | undefined;
    let displayId: string | undefined;
    if (isMessage(m, 'stream')) output = { output_type: 'stream', name: m.content.name, text: m.content.text };
    else if (isMessage(m, 'display_data')) {
      output = { output_type: 'display_data', data: m.content.data, metadata: m.content.metadata ?? {} };
      displayId = m.content.transient?.display_id;
    } else if (isMessage(m, 'execute_result')) {
      output = { output_type: 'execute_result', execution_count: m.content.execution_count, data: m.content.data, metadata: m.content.metadata ?? {} };
      displayId = m.content.transient?.display_id;
    } else if (isMessage(m, 'error')) output = { output_type: 'error', ename: m.content.ename, evalue: m.content.evalue, traceback: m.content.traceback ?? [] };
    if (!output) return;
    if (this.clearPending) {
      this.cell.outputs = [];
      this.clearPending = false;
    }
    const outputs = this.cell.outputs;
    const last = outputs[outputs.length - 1];
    if (output.output_type === 'stream' && last?.output_type === 'stream' && last.name === output.name) {
      last.text = joined(last.text) + joined(output.text);
      return;
    }
    outputs.push(output);
    if (displayId) {
      const list = this.displays.get(displayId) ?? [];
      list.push([this.cell, outputs.length - 1]);
      this.displays.set(displayId, list);
    }
  }
}

/** The error text of a failed cell: its error output's traceback (which the kernel keeps free of internal frames) and stderr. */
function errorText(cell: CodeCell, outcome: ExecuteOutcome): string {
  const parts: string[] = [];
  for (const o of cell.outputs) {
    if (o.output_type === 'stream' && o.name === 'stderr') parts.push(joined(o.text));
    if (o.output_type === 'error') parts.push(o.traceback.length ? o.traceback.map(withoutAnsi).join('\n') : `${o.ename}: ${o.evalue}`);
  }
  if (outcome.detail && !parts.some((p) => p.includes(outcome.detail!))) parts.push(outcome.detail);
  return parts.join('\n').trim() || `the cell ended with status '${outcome.status}' and printed no error`;
}

/** Tracebacks of other kernels (IPython's) carry terminal colours. */
function withoutAnsi(s: string): string {
  return s.replace(/\u001b\[[0-9;]*m/g, '');
}

function failureOutput(outcome: ExecuteOutcome): ErrorOutput {
  const ename = outcome.status === 'timeout' ? 'CellTimeoutError' : outcome.status === 'dead' ? 'DeadKernelError' : 'CellAbortedError';
  const evalue = outcome.detail ?? `the kernel answered '${outcome.status}'`;
  return { output_type: 'error', ename, evalue, traceback: [`${ename}: ${evalue}`] };
}

/**
 * Executes a notebook's code cells in order in a fresh kernel and records their
 * outputs and execution counts in `nb` (changed in place). Stops at the first
 * failing cell unless allowErrors; a timeout interrupts the cell; a dead kernel
 * ends the run.
 */
export async function executeNotebook(nb: Notebook, options: RunOptions & { cwd: string }): Promise<RunResult> {
  const label = options.label ?? 'notebook';
  const started = performance.now();
  if (options.parameters) injectParameters(nb, options.parameters, label);
  const launch = options.startKernel ? undefined : (options.launch ?? resolveKernel(options.kernel ?? nb.metadata.kernelspec?.name ?? KERNEL_NAME));
  const codeCells = nb.cells.filter((c): c is CodeCell => c.cell_type === 'code');
  for (const cell of codeCells) {
    cell.outputs = [];
    cell.execution_count = null;
  }
  const kernel: NotebookKernel = launch
    ? await Kernel.start(launch, { cwd: options.cwd, env: options.env, inheritEnv: options.inheritEnv, connectionDir: options.connectionDir, transport: options.transport })
    : await options.startKernel!();
  if (kernel.languageInfo) nb.metadata.language_info = kernel.languageInfo;
  const watchdog = options.memoryLimitMiB && kernel instanceof Kernel ? watchMemory(kernel, options.memoryLimitMiB) : undefined;
  const deadline = options.totalTimeoutSeconds ? started + options.totalTimeoutSeconds * 1000 : Infinity;
  const kernelStartSeconds = (performance.now() - started) / 1000;
  options.onProgress?.({ kind: 'kernel', seconds: kernelStartSeconds });
  const failures: CellFailure[] = [];
  const cellSeconds: number[] = [];
  const collector = new OutputCollector(codeCells[0]);
  let skipped = 0;
  let stoppedBy: CellFailure | undefined;
  try {
    for (let k = 0; k < codeCells.length; k++) {
      const cell = codeCells[k];
      const source = joined(cell.source);
      if (failures.length && (!options.allowErrors || !kernel.alive)) {
        skipped = codeCells.length - k;
        stoppedBy = failures[failures.length - 1];
        break;
      }
      if (performance.now() >= deadline) {
        const message = `the notebook's time limit of ${options.totalTimeoutSeconds} s was used up before this cell`;
        cell.outputs.push({ output_type: 'error', ename: 'Timeout', evalue: message, traceback: [`Timeout: ${message}`] });
        stoppedBy = { cellIndex: nb.cells.indexOf(cell), codeCell: k + 1, codeCells: codeCells.length, status: 'timeout', source, message };
        failures.push(stoppedBy);
        skipped = codeCells.length - k - 1;
        break;
      }
      collector.startCell(cell);
      const timeoutMs = Math.max(1, Math.min((options.timeoutSeconds ?? 600) * 1000, deadline - performance.now()));
      const outcome = await kernel.execute(source, { timeoutMs, onMessage: (m) => collector.add(m) });
      cell.execution_count = outcome.executionCount;
      cellSeconds.push(outcome.seconds);
      if (outcome.status !== 'ok') {
        if (outcome.status !== 'error') cell.outputs.push(failureOutput(outcome));
        failures.push({
          cellIndex: nb.cells.indexOf(cell), codeCell: k + 1, codeCells: codeCells.length, status: outcome.status, source, message: errorText(cell, outcome),
        });
      }
      options.onProgress?.({
        kind: 'cell', index: nb.cells.indexOf(cell), codeCell: k + 1, codeCells: codeCells.length, status: outcome.status,
        seconds: outcome.seconds, elapsed: (performance.now() - started) / 1000,
      });
    }
  } finally {
    if (watchdog) clearInterval(watchdog);
    await kernel.shutdown();
  }
  return {
    notebook: nb,
    ok: failures.length === 0,
    failures,
    skipped,
    stoppedBy,
    kernelStartSeconds,
    cellSeconds,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The resident memory of a process in MiB (Linux), or undefined where /proc cannot tell. */
function residentMiB(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Stops the kernel when it holds more than `limitMiB` of memory; the cell then reports why. */
function watchMemory(kernel: Kernel, limitMiB: number): NodeJS.Timeout {
  const timer = setInterval(() => {
    const used = kernel.pid && kernel.alive ? residentMiB(kernel.pid) : undefined;
    if (used !== undefined && used > limitMiB) {
      clearInterval(timer);
      void kernel.stop(`the kernel used more than ${limitMiB} MiB of memory (${Math.round(used)} MiB) and was stopped`);
    }
  }, 100);
  timer.unref();
  return timer;
}

/** A failing cell, told so that a person finds it: its number, a source excerpt, the error. */
export function describeFailure(file: string, f: CellFailure): string {
  const what = f.status === 'timeout' ? 'timed out' : f.status === 'dead' ? 'killed the kernel' : 'failed';
  const lines = f.source.split('\n');
  const errorLine = /^(\d+):(\d+) - /m.exec(f.message);
  const focus = errorLine ? Number(errorLine[1]) - 1 : 0;
  const from = Math.max(0, focus - 2);
  const excerpt = lines.slice(from, from + 6).map((l, i) => `  ${String(from + i + 1).padStart(3)} ${from + i === focus && errorLine ? '>' : '|'} ${l}`);
  if (lines.length > from + 6) excerpt.push('      ...');
  const message = f.message.split('\n').slice(0, 14).map((l) => `  ${l}`);
  return [`${file}: cell ${f.cellIndex + 1} (code cell ${f.codeCell} of ${f.codeCells}) ${what}:`, ...excerpt, '', ...message].join('\n');
}

export function notebookDir(file: string): string {
  return path.dirname(path.resolve(file));
}
