import { randomUUID } from 'crypto';
import { DownhillError } from '../errors';
import { ExecuteReply, RawMessage, isMessage } from '../jupyter/messages';
import { newMessage } from '../jupyter/wire';
import type { ExecuteOutcome } from '../notebook/kernel_client';
import type { NotebookKernel } from '../notebook/runner';
import { replyMessage, restRequest } from './rest';
import { WebSocketClient } from './websocket';

/** How often a kernel WebSocket that closed underneath is opened again before the kernel counts as gone. */
const RECONNECT_ATTEMPTS = 3;

/** A message on a Jupyter server's kernel WebSocket: a protocol message plus the channel it belongs to. */
interface ChannelMessage extends RawMessage {
  channel: 'shell' | 'iopub' | 'stdin' | 'control';
}

/**
 * A kernel that a Jupyter server (a JupyterHub user's single-user server) runs: started
 * with its REST API (POST api/kernels), spoken to over its WebSocket
 * (api/kernels/ID/channels), and deleted at the end. `serverUrl` ends with '/', e.g.
 * http://127.0.0.1:8000/user/alice/.
 */
export class ServerKernel implements NotebookKernel {
  private readonly session = randomUUID();
  private readonly listeners = new Map<string, (m: ChannelMessage) => void>();
  private closedReason: string | undefined;

  private socket!: WebSocketClient;
  private shuttingDown = false;

  private constructor(
    private readonly serverUrl: string,
    private readonly token: string,
    readonly id: string,
    private readonly channelsUrl: string,
  ) {}

  /**
   * Opens the kernel's WebSocket; when it closes underneath (a proxy's time limit, a
   * restart of the proxy), opens it again with the same session, as JupyterLab does:
   * the server keeps the messages of a session in between and sends them on reconnect.
   */
  private async connect(): Promise<void> {
    const socket = await WebSocketClient.connect(this.channelsUrl, { Authorization: `token ${this.token}` });
    this.socket = socket;
    socket.onMessage((text) => {
      let m: ChannelMessage;
      try {
        m = JSON.parse(text) as ChannelMessage;
      } catch {
        return;
      }
      const parent = m.parent_header?.msg_id;
      if (parent) this.listeners.get(parent)?.(m);
    });
    socket.onClose(async (reason) => {
      if (this.shuttingDown) return;
      for (let attempt = 1; attempt <= RECONNECT_ATTEMPTS; attempt++) {
        await new Promise((r) => setTimeout(r, 500 * attempt));
        const kernel = await restRequest('GET', new URL(`api/kernels/${this.id}`, this.serverUrl).href, this.token).catch(() => undefined);
        if (kernel && kernel.status !== 200) break;
        try {
          await this.connect();
          return;
        } catch {
          // try again
        }
      }
      this.closedReason = reason;
      for (const listener of this.listeners.values()) listener({ channel: 'iopub', header: { msg_type: 'downhill_closed' } } as unknown as ChannelMessage);
    });
  }

  /** Starts the kernel named `kernelName` on the server and connects to it. */
  static async start(serverUrl: string, token: string, kernelName: string): Promise<ServerKernel> {
    const created = await restRequest('POST', new URL('api/kernels', serverUrl).href, token, { name: kernelName });
    const id = (created.body as { id?: unknown } | undefined)?.id;
    if (created.status !== 201 || typeof id !== 'string') {
      throw new DownhillError(`the Jupyter server at ${serverUrl} did not start the kernel '${kernelName}' (${replyMessage(created)}).`, `check that the kernel is installed where the server looks (jupyter kernelspec list) and that the token may use the server.`);
    }
    const channels = new URL(`api/kernels/${id}/channels?session_id=${randomUUID()}`, serverUrl).href.replace(/^http/, 'ws');
    const kernel = new ServerKernel(serverUrl, token, id, channels);
    await kernel.connect();
    return kernel;
  }

  get alive(): boolean {
    return this.closedReason === undefined;
  }

  async execute(code: string, options: { timeoutMs: number; onMessage(m: RawMessage): void }): Promise<ExecuteOutcome> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    if (!this.alive) return { status: 'dead', executionCount: null, messages: [], detail: `the kernel's connection is gone (${this.closedReason})`, seconds: 0 };
    for (let waited = 0; !this.socket.isOpen && this.alive && waited < 20; waited++) await new Promise((r) => setTimeout(r, 500));
    if (!this.socket.isOpen) return { status: 'dead', executionCount: null, messages: [], detail: `the kernel's connection is gone (${this.closedReason ?? 'it did not reopen'})`, seconds: seconds() };
    const request = newMessage('execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true }, this.session);
    const messages: RawMessage[] = [];
    let reply: ExecuteReply | undefined;
    let idle = false;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await new Promise<'done' | 'late' | 'dead'>((resolve) => {
      timer = setTimeout(() => resolve('late'), Math.min(options.timeoutMs, 2 ** 31 - 1));
      this.listeners.set(request.header.msg_id, (m) => {
        if (m.header.msg_type === 'downhill_closed') return resolve('dead');
        if (m.channel === 'shell' && isMessage(m, 'execute_reply')) reply = m.content;
        else if (m.channel === 'iopub' && m.header.msg_type === 'status') {
          if (m.content.execution_state === 'idle') idle = true;
          if (m.content.execution_state === 'dead') return resolve('dead');
        } else if (m.channel === 'iopub') {
          messages.push(m);
          options.onMessage(m);
        }
        if (reply && idle) resolve('done');
      });
      this.socket.send(JSON.stringify({ ...request, channel: 'shell', buffers: [] }));
    });
    clearTimeout(timer);
    this.listeners.delete(request.header.msg_id);
    if (outcome === 'late') {
      await restRequest('POST', new URL(`api/kernels/${this.id}/interrupt`, this.serverUrl).href, this.token).catch(() => undefined);
      return { status: 'timeout', executionCount: null, messages, detail: `the cell ran longer than ${options.timeoutMs / 1000} s and was interrupted`, seconds: seconds() };
    }
    if (outcome === 'dead') return { status: 'dead', executionCount: null, messages, detail: `the kernel died or its connection closed (${this.closedReason ?? 'the server said it is dead'})`, seconds: seconds() };
    return { status: reply!.status, executionCount: reply!.execution_count ?? null, messages, seconds: seconds() };
  }

  /** Closes the connection and deletes the kernel on the server. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    this.socket.close();
    await restRequest('DELETE', new URL(`api/kernels/${this.id}`, this.serverUrl).href, this.token).catch(() => undefined);
  }
}
