import { TextDecoder } from 'util';
import { KernelHook, RichRepr, installKernelHook } from '../jupyter/kernel_hook';
import {
  CommInfoReply, CompleteReply, CompleteRequest, ExecuteReply, ExecuteRequest, InspectReply, InspectRequest,
  KernelInfoReply, OUTPUT_TRUNCATED, PROTOCOL_VERSION, RawMessage, isMessage,
} from '../jupyter/messages';
import { CellOutput } from './cell_output';
import { Executor } from './executor';
import { History } from './history';
import { isComplete } from './is_complete';
import { OutputLimits } from './output_limits';
import { richValue } from './rich_value';
import { KernelServer, Request, logToTerminal } from './server';
import { describeDiagnostics, describeError } from './traceback';
import { TS } from './typescript';

const HELP_LINKS = [
  { text: 'TypeScript handbook', url: 'https://www.typescriptlang.org/docs/handbook/intro.html' },
  { text: 'TensorFlow.js API', url: 'https://js.tensorflow.org/api/latest/' },
  { text: 'Plotly JavaScript reference', url: 'https://plotly.com/javascript/reference/' },
  { text: 'Node.js API', url: 'https://nodejs.org/docs/latest-v20.x/api/' },
];

/** Code points (what the protocol counts in) to UTF-16 units (what JavaScript strings index), and back. */
function toUtf16(code: string, codePoints: number): number {
  return [...code].slice(0, codePoints).join('').length;
}
function toCodePoints(code: string, utf16: number): number {
  return [...code.slice(0, utf16)].length;
}

/**
 * downhill's Jupyter kernel: answers every request of the messaging protocol 5.3
 * that a notebook front end sends. Shell requests are answered one at a time in the
 * order they came (an execute that awaits keeps the next request waiting, as in
 * IPython); after a failed cell, the execute requests already waiting are answered
 * "aborted" (stop_on_error). Control requests (interrupt, shutdown) are answered at
 * once. Every request is framed by busy and idle status messages.
 */
export class DownhillKernel {
  private readonly output: CellOutput;
  private readonly history = new History();
  private readonly reprs: RichRepr[] = [];
  private executionCount = 0;
  private readonly waiting: { request: Request; seq: number }[] = [];
  private received = 0;
  /** Execute requests received before this number are aborted (a cell failed with stop_on_error). */
  private abortBefore = 0;
  private working = false;

  constructor(
    private readonly server: KernelServer,
    private readonly executor: Executor,
    private readonly ts: TS,
    private readonly about: { version: string; tslabVersion: string },
    limits: OutputLimits,
  ) {
    this.output = new CellOutput((type, content, parent, metadata) => server.publish(type, content, parent, metadata), limits);
    this.captureConsole();
    const hook: KernelHook = {
      display: (content, update) => this.output.display(content, update),
      clearOutput: (wait) => this.output.clear({ wait }),
      addRepr: (repr) => void this.reprs.push(repr),
    };
    installKernelHook(hook);
    // tslab's own display API (`import * as tslab from 'tslab'; tslab.display.html(...)`) writes through this.
    const tslabJupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };
    tslabJupyter.lastWriteDisplayData = (content: Parameters<KernelHook['display']>[0], update: boolean) => this.output.display(content, update);
  }

  /** process.stdout and process.stderr (so console.log too) go to the notebook as stream outputs. */
  private captureConsole(): void {
    const decoder = new TextDecoder();
    for (const name of ['stdout', 'stderr'] as const) {
      process[name].write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        this.output.write(name, typeof chunk === 'string' ? chunk : decoder.decode(chunk));
        const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
        done?.();
        return true;
      }) as typeof process.stdout.write;
    }
  }

  /** Takes a request as it arrives. */
  receive(request: Request): void {
    if (request.channel === 'control') {
      void this.answer(request);
      return;
    }
    this.waiting.push({ request, seq: this.received++ });
    void this.work();
  }

  private async work(): Promise<void> {
    if (this.working) return;
    this.working = true;
    try {
      for (let next = this.waiting.shift(); next; next = this.waiting.shift()) {
        if (next.seq < this.abortBefore && isMessage(next.request.message, 'execute_request')) await this.abort(next.request);
        else await this.answer(next.request);
      }
    } finally {
      this.working = false;
    }
  }

  private async answer(request: Request): Promise<void> {
    const m = request.message;
    this.server.publish('status', { execution_state: 'busy' }, m.header);
    try {
      await this.dispatch(request, m);
    } catch (e) {
      logToTerminal(`error while answering ${m.header.msg_type}: ${(e as Error).stack ?? e}`);
    } finally {
      this.server.publish('status', { execution_state: 'idle' }, m.header);
    }
  }

  private async dispatch(request: Request, m: RawMessage): Promise<void> {
    if (isMessage(m, 'kernel_info_request')) await this.server.reply(request, 'kernel_info_reply', this.kernelInfo());
    else if (isMessage(m, 'execute_request')) await this.execute(request, m.content);
    else if (isMessage(m, 'complete_request')) await this.server.reply(request, 'complete_reply', this.complete(m.content));
    else if (isMessage(m, 'inspect_request')) await this.server.reply(request, 'inspect_reply', this.inspect(m.content));
    else if (isMessage(m, 'is_complete_request')) await this.server.reply(request, 'is_complete_reply', isComplete(this.ts, m.content.code));
    else if (isMessage(m, 'history_request')) await this.server.reply(request, 'history_reply', { status: 'ok', history: this.history.query(m.content) });
    else if (isMessage(m, 'comm_info_request')) await this.server.reply(request, 'comm_info_reply', { status: 'ok', comms: {} } satisfies CommInfoReply);
    else if (isMessage(m, 'comm_open')) {
      // No comm targets (widgets) here: close it politely, as IPython does for an unknown target.
      this.server.publish('comm_close', { comm_id: m.content.comm_id, data: {} }, m.header);
    } else if (isMessage(m, 'comm_msg') || isMessage(m, 'comm_close')) {
      // Nothing to do for a comm this kernel never opened.
    } else if (isMessage(m, 'interrupt_request')) {
      this.executor.interrupt();
      await this.server.reply(request, 'interrupt_reply', { status: 'ok' });
    } else if (isMessage(m, 'shutdown_request')) {
      await this.server.reply(request, 'shutdown_reply', { status: 'ok', restart: Boolean(m.content.restart) });
      await this.shutdown();
    } else {
      logToTerminal(`unknown message type '${m.header.msg_type}' ignored`);
    }
  }

  kernelInfo(): KernelInfoReply {
    return {
      status: 'ok',
      protocol_version: PROTOCOL_VERSION,
      implementation: 'downhill',
      implementation_version: this.about.version,
      language_info: {
        name: 'typescript',
        version: this.ts.version as string,
        mimetype: 'text/typescript',
        file_extension: '.ts',
        pygments_lexer: 'typescript',
        // `mode` for JupyterLab, `name` + `typescript` for classic Notebook (as tslab does).
        codemirror_mode: { mode: 'typescript', name: 'javascript', typescript: true },
        nbconvert_exporter: 'script',
      },
      banner: `downhill ${this.about.version}: TypeScript ${this.ts.version} (tslab ${this.about.tslabVersion}) on Node.js ${process.version}`,
      debugger: false,
      help_links: HELP_LINKS,
    };
  }

  private async execute(request: Request, content: ExecuteRequest): Promise<void> {
    const parent = request.message.header;
    const silent = Boolean(content.silent);
    const store = !silent && content.store_history !== false;
    if (store) this.executionCount++;
    const count = this.executionCount;
    this.output.beginCell(parent);
    if (!silent) this.server.publish('execute_input', { code: content.code, execution_count: count }, parent);
    if (store) this.history.add(count, content.code);
    const outcome = await this.executor.execute(content.code, count);
    let reply: ExecuteReply;
    if (outcome.kind === 'ok') {
      if (outcome.value && !silent) {
        try {
          const data = await richValue(outcome.value.of, this.reprs);
          this.output.result({ execution_count: count, data, metadata: {} });
          if (store && typeof data['text/plain'] === 'string') this.history.setOutput(count, data['text/plain']);
        } catch (e) {
          this.output.write('stderr', `(the cell's value could not be shown: ${(e as Error).message})\n`);
        }
      }
      reply = { status: 'ok', execution_count: count, payload: [], user_expressions: {} };
    } else {
      const error = outcome.kind === 'compile-error' ? describeDiagnostics(outcome.diagnostics, content.code) : describeError(outcome.error, this.executor.cells);
      if (!silent) this.output.error(error);
      reply = { status: 'error', execution_count: count, ...error };
      if (content.stop_on_error !== false) {
        await this.readWaitingRequests();
        this.abortBefore = this.received;
      }
    }
    this.output.flush();
    await this.server.reply(request, 'execute_reply', reply, this.output.truncated ? { [OUTPUT_TRUNCATED]: true } : {});
  }

  /** Lets the sockets hand over the requests already sent (e.g. the rest of "Run All" behind a failed cell). */
  private async readWaitingRequests(): Promise<void> {
    for (let seen = -1; seen !== this.received; ) {
      seen = this.received;
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  private async abort(request: Request): Promise<void> {
    const m = request.message;
    this.server.publish('status', { execution_state: 'busy' }, m.header);
    await this.server.reply(request, 'execute_reply', { status: 'aborted', execution_count: null });
    this.server.publish('status', { execution_state: 'idle' }, m.header);
  }

  private complete(r: CompleteRequest): CompleteReply {
    const at = toUtf16(r.code, r.cursor_pos);
    const found = this.executor.complete(r.code, at);
    return {
      status: 'ok',
      matches: found.candidates,
      cursor_start: toCodePoints(r.code, found.start),
      cursor_end: toCodePoints(r.code, found.end),
      metadata: {},
    };
  }

  private inspect(r: InspectRequest): InspectReply {
    const text = this.executor.inspect(r.code, toUtf16(r.code, r.cursor_pos));
    return text === undefined ? { status: 'ok', found: false, data: {}, metadata: {} } : { status: 'ok', found: true, data: { 'text/plain': text }, metadata: {} };
  }

  /** SIGINT from Jupyter: stop the running cell. */
  interrupt(): void {
    this.executor.interrupt();
  }

  private async shutdown(): Promise<void> {
    this.output.flush();
    this.executor.close();
    await this.server.close();
    process.exit(0);
  }
}
