import { ChildProcess, spawn } from 'child_process';
import { randomBytes, randomUUID } from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as zmq from 'zeromq';
import { DownhillError } from '../errors';
import { ExecuteReply, OUTPUT_TRUNCATED, RawMessage, isMessage } from '../jupyter/messages';
import { SendQueue } from '../jupyter/send_queue';
import { decode, encode, newMessage } from '../jupyter/wire';

/** How to start a kernel: the fields of kernel.json that matter. */
export interface KernelLaunch {
  name: string;
  argv: string[];
  display_name?: string;
  env?: Record<string, string>;
  interrupt_mode?: 'signal' | 'message';
}

export type ExecuteStatus = 'ok' | 'error' | 'aborted' | 'timeout' | 'dead';

export interface ExecuteOutcome {
  status: ExecuteStatus;
  executionCount: number | null;
  /** The iopub messages this request caused, in order (status messages left out). */
  messages: RawMessage[];
  /** The kernel cut this cell's output at its output limit (and said so in a stream message). */
  truncated?: boolean;
  /** For 'timeout' and 'dead': what happened. */
  detail?: string;
  seconds: number;
}

/**
 * Ports handed to kernels of this process that may not be bound yet: a port is free
 * when asked for, then released until the kernel binds it, so two kernels started at
 * once could be given the same one (Jupyter's clients keep the same kind of list).
 */
const handedOut = new Set<number>();

async function freePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  const held: net.Server[] = [];
  while (ports.length < n) {
    const server = await new Promise<net.Server>((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => resolve(s));
    });
    held.push(server);
    const port = (server.address() as net.AddressInfo).port;
    if (!handedOut.has(port)) ports.push(port);
  }
  await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
  for (const p of ports) handedOut.add(p);
  return ports;
}

interface Pending {
  onIopub(m: RawMessage): void;
  onReply(m: RawMessage): void;
}

/** How the kernel and this client talk: TCP on loopback (Jupyter's default), or Unix sockets in a folder ('ipc'; for a kernel without network). */
export type Transport = 'tcp' | 'ipc';

/**
 * A kernel process and the ZeroMQ sockets to talk to it (Jupyter messaging protocol
 * 5.3, HMAC-SHA256 signed). Used by `downhill run` and by tests.
 */
export class Kernel {
  readonly launch: KernelLaunch;
  private readonly process: ChildProcess;
  private readonly key: string;
  private readonly session = randomUUID();
  private readonly shell = new zmq.Dealer();
  private readonly control = new zmq.Dealer();
  private readonly iopub = new zmq.Subscriber();
  private readonly pending = new Map<string, Pending>();
  private readonly connectionFile: string;
  private readonly shellQueue: SendQueue;
  private readonly controlQueue: SendQueue;
  /** How the process ended, once it has. */
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  private readonly exited: Promise<void>;
  /** The last lines the kernel process wrote to its own stderr (for crash reports). */
  stderrTail = '';
  private closed = false;
  private stopReason?: string;
  /** The Unix socket files of an ipc kernel, removed at shutdown. */
  private socketFiles: string[] = [];

  private constructor(launch: KernelLaunch, proc: ChildProcess, key: string, connectionFile: string) {
    this.launch = launch;
    this.process = proc;
    this.key = key;
    this.connectionFile = connectionFile;
    this.shellQueue = new SendQueue(this.shell);
    this.controlQueue = new SendQueue(this.control);
    proc.stderr?.on('data', (d: Buffer) => (this.stderrTail = (this.stderrTail + d.toString()).slice(-4000)));
    proc.stdout?.on('data', () => undefined);
    this.exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve();
      });
    });
  }

  /** Starts a kernel in `cwd` and waits until it answers (kernel_info) and its output channel is connected. */
  static async start(
    launch: KernelLaunch,
    options: { cwd: string; env?: NodeJS.ProcessEnv; inheritEnv?: boolean; startupTimeoutMs?: number; connectionDir?: string; transport?: Transport; portRetries?: number },
  ): Promise<Kernel> {
    const transport = options.transport ?? 'tcp';
    const dir = options.connectionDir ?? os.tmpdir();
    const id = randomUUID();
    // ipc: the sockets are files PATH-PORT next to the connection file (Jupyter's convention).
    const [shell, iopub, stdin, control, hb] = transport === 'ipc' ? [1, 2, 3, 4, 5] : await freePorts(5);
    const ip = transport === 'ipc' ? path.join(dir, `kernel-${id.slice(0, 8)}`) : '127.0.0.1';
    const address = (port: number) => (transport === 'ipc' ? `ipc://${ip}-${port}` : `tcp://${ip}:${port}`);
    const key = randomBytes(32).toString('hex');
    const connectionFile = path.join(dir, `downhill-kernel-${id}.json`);
    fs.writeFileSync(
      connectionFile,
      JSON.stringify({ shell_port: shell, iopub_port: iopub, stdin_port: stdin, control_port: control, hb_port: hb, ip, key, transport, signature_scheme: 'hmac-sha256', kernel_name: launch.name }),
      { mode: 0o600 },
    );
    const argv = launch.argv.map((a) => a.replace('{connection_file}', connectionFile));
    const proc = spawn(argv[0], argv.slice(1), {
      cwd: options.cwd,
      env: { ...(options.inheritEnv === false ? {} : process.env), ...options.env, ...launch.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group, so that killing it also ends what it started (e.g. Chromium)
    });
    const kernel = new Kernel(launch, proc, key, connectionFile);
    await new Promise<void>((resolve, reject) => {
      proc.once('spawn', resolve);
      proc.once('error', (e) => reject(new DownhillError(`the kernel '${launch.name}' could not be started (${argv[0]}: ${e.message}).`, 'check its kernel.json (downhill kernel list) or reinstall it (downhill kernel install).')));
    });
    kernel.socketFiles = transport === 'ipc' ? [shell, iopub, stdin, control, hb].map((p) => `${ip}-${p}`) : [];
    kernel.shell.connect(address(shell));
    kernel.control.connect(address(control));
    kernel.iopub.connect(address(iopub));
    kernel.iopub.subscribe();
    kernel.listen();
    try {
      await kernel.waitReady(options.startupTimeoutMs ?? 60000);
    } catch (e) {
      // Another program took one of the ports between our choosing it and the kernel binding it: choose again.
      const retries = options.portRetries ?? 2;
      if (transport === 'tcp' && retries > 0 && /Address already in use/.test(kernel.stderrTail)) return Kernel.start(launch, { ...options, portRetries: retries - 1 });
      throw e;
    } finally {
      // Bound by now (or never to be): other kernels may be given these ports again later.
      if (transport === 'tcp') setTimeout(() => [shell, iopub, stdin, control, hb].forEach((p) => handedOut.delete(p)), 10000).unref();
    }
    return kernel;
  }

  private listen(): void {
    const loop = async (socket: zmq.Dealer | zmq.Subscriber, reply: boolean) => {
      try {
        for await (const frames of socket) {
          let message: RawMessage;
          try {
            message = decode(frames as Buffer[], this.key).message;
          } catch {
            continue;
          }
          const pending = this.pending.get(message.parent_header.msg_id ?? '');
          if (pending) (reply ? pending.onReply : pending.onIopub)(message);
        }
      } catch {
        // The socket was closed.
      }
    };
    void loop(this.shell, true);
    void loop(this.control, true);
    void loop(this.iopub, false);
  }

  /** Asks for kernel_info until the reply and its iopub status both arrive (the iopub subscription then works). */
  private async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exit) break;
      const request = newMessage('kernel_info_request', {}, this.session);
      const ready = new Promise<boolean>((resolve) => {
        let replied = false;
        let published = false;
        const done = () => replied && published && resolve(true);
        this.pending.set(request.header.msg_id, {
          onReply: (m) => {
            const info = (m.content as { language_info?: Record<string, unknown> }).language_info;
            if (info) this.languageInfo = info;
            replied = true;
            done();
          },
          onIopub: (m) => m.header.msg_type === 'status' && ((published = true), done()),
        });
        setTimeout(() => resolve(false), 1000);
      });
      await this.shellQueue.send(encode(request, this.key));
      const ok = await Promise.race([ready, this.exited.then(() => false)]);
      this.pending.delete(request.header.msg_id);
      if (ok) return;
    }
    const reason = this.exit ? `it exited (code ${this.exit.code}, signal ${this.exit.signal})` : `it did not answer within ${timeoutMs / 1000} s`;
    await this.shutdown();
    throw new DownhillError(
      `the kernel '${this.launch.name}' did not start: ${reason}.${this.stderrTail ? `\nIts last output:\n${this.stderrTail.trim().split('\n').slice(-10).join('\n')}` : ''}`,
      'run `downhill kernel list` to check the kernel, and `npm run build` if the project was not built.',
    );
  }

  /** The language_info of the kernel's kernel_info reply (what Jupyter writes into a notebook's metadata). */
  languageInfo?: Record<string, unknown>;

  get alive(): boolean {
    return !this.exit;
  }

  /** The kernel's process id. */
  get pid(): number | undefined {
    return this.process.pid;
  }

  /** Kills the kernel for a reason that its death report then gives (e.g. a memory limit). */
  async stop(reason: string): Promise<void> {
    this.stopReason ??= reason;
    await this.kill();
  }

  /**
   * Runs code and collects its output. On timeout the kernel is interrupted (SIGINT),
   * and killed if it still does not finish within `graceMs`.
   */
  async execute(code: string, options: { timeoutMs?: number; graceMs?: number; onMessage?(m: RawMessage): void } = {}): Promise<ExecuteOutcome> {
    if (this.exit) return { status: 'dead', executionCount: null, messages: [], detail: this.deathDetail(), seconds: 0 };
    const started = performance.now();
    const request = newMessage('execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true }, this.session);
    const messages: RawMessage[] = [];
    let reply: (RawMessage & { content: ExecuteReply }) | undefined;
    let idle = false;
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    this.pending.set(request.header.msg_id, {
      onReply: (m) => {
        if (!isMessage(m, 'execute_reply')) return;
        reply = m;
        if (idle) finish();
      },
      onIopub: (m) => {
        if (m.header.msg_type === 'status') {
          if (m.content.execution_state === 'idle') {
            idle = true;
            if (reply) finish();
          }
          return;
        }
        messages.push(m);
        options.onMessage?.(m);
      },
    });
    await this.shellQueue.send(encode(request, this.key));
    const timeoutMs = options.timeoutMs ?? Infinity;
    const wait = (ms: number) => new Promise<'late'>((resolve) => {
      const t = setTimeout(() => resolve('late'), Math.min(ms, 2 ** 31 - 1));
      finished.then(() => clearTimeout(t));
    });
    try {
      let result = await Promise.race([finished.then(() => 'done' as const), this.exited.then(() => 'dead' as const), wait(timeoutMs)]);
      let detail: string | undefined;
      if (result === 'late') {
        this.interrupt();
        result = await Promise.race([finished.then(() => 'done' as const), this.exited.then(() => 'dead' as const), wait(options.graceMs ?? 5000)]);
        if (result !== 'done') {
          await this.kill();
          detail = `the cell ran longer than ${timeoutMs / 1000} s; it was interrupted and, as it did not stop, the kernel was killed`;
        } else {
          detail = `the cell ran longer than ${timeoutMs / 1000} s and was interrupted`;
        }
        return { status: 'timeout', executionCount: reply?.content.execution_count ?? null, messages, detail, seconds: (performance.now() - started) / 1000 };
      }
      if (result === 'dead') return { status: 'dead', executionCount: null, messages, detail: this.deathDetail(), seconds: (performance.now() - started) / 1000 };
      const truncated = reply!.metadata[OUTPUT_TRUNCATED] === true;
      return { status: reply!.content.status, executionCount: reply!.content.execution_count ?? null, messages, seconds: (performance.now() - started) / 1000, ...(truncated ? { truncated } : {}) };
    } finally {
      this.pending.delete(request.header.msg_id);
    }
  }

  private deathDetail(): string {
    if (this.stopReason) return this.stopReason;
    const how = this.exit?.signal ? `killed by ${this.exit.signal}` : `exited with code ${this.exit?.code}`;
    return `the kernel died (${how})${this.stderrTail ? `; its last words: ${this.stderrTail.trim().split('\n').slice(-3).join(' / ')}` : ''}`;
  }

  /** Interrupts the running cell: SIGINT for signal-mode kernels (tslab), an interrupt_request otherwise. */
  interrupt(): void {
    if (this.exit) return;
    if ((this.launch.interrupt_mode ?? 'signal') === 'signal') {
      this.process.kill('SIGINT');
    } else {
      void this.controlQueue.send(encode(newMessage('interrupt_request', {}, this.session), this.key));
    }
  }

  private async kill(): Promise<void> {
    if (this.exit) return;
    try {
      process.kill(-this.process.pid!, 'SIGKILL');
    } catch {
      this.process.kill('SIGKILL');
    }
    await this.exited;
  }

  /** Asks the kernel to shut down, then makes sure it and what it started are gone. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.exit) {
      await this.controlQueue.send(encode(newMessage('shutdown_request', { restart: false }, this.session), this.key));
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, 1500))]);
    }
    try {
      process.kill(-this.process.pid!, 'SIGKILL');
    } catch {
      // Already gone.
    }
    if (!this.exit) await Promise.race([this.exited, new Promise((r) => setTimeout(r, 2000))]);
    for (const s of [this.shell, this.control, this.iopub]) {
      s.linger = 0; // a request to a kernel that is gone is dropped, not waited on at exit
      s.close();
    }
    for (const f of [this.connectionFile, ...this.socketFiles]) fs.rmSync(f, { force: true });
  }
}
