import * as fs from 'fs';
import * as zmq from 'zeromq';
import { DownhillError } from '../errors';
import { Header, JsonObject, Message, MessageContents, MessageType, RawMessage } from '../jupyter/messages';
import { SendQueue } from '../jupyter/send_queue';
import { Received, decode, encode, newMessage } from '../jupyter/wire';

/** A Jupyter connection file: where the five sockets are and the key that signs messages. */
export interface ConnectionInfo {
  transport: 'tcp' | 'ipc';
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
}

export function readConnectionFile(file: string): ConnectionInfo {
  let info: ConnectionInfo;
  try {
    info = JSON.parse(fs.readFileSync(file, 'utf8')) as ConnectionInfo;
  } catch (e) {
    throw new DownhillError(`the connection file ${file} could not be read (${(e as Error).message}).`, 'start the kernel from Jupyter or `downhill run`, which write one.');
  }
  info.transport ??= 'tcp';
  if (info.transport !== 'tcp' && info.transport !== 'ipc') throw new DownhillError(`the connection file asks for transport '${info.transport}'.`, "use 'tcp' or 'ipc'.");
  if (info.key && info.signature_scheme && info.signature_scheme !== 'hmac-sha256') {
    throw new DownhillError(`the connection file asks for signature scheme '${info.signature_scheme}'.`, "use 'hmac-sha256' (Jupyter's default).");
  }
  return info;
}

/** A socket's address, as Jupyter writes it: tcp://IP:PORT, or ipc://PATH-PORT for Unix sockets. */
export function socketAddress(info: Pick<ConnectionInfo, 'transport' | 'ip'>, port: number): string {
  return info.transport === 'ipc' ? `ipc://${info.ip}-${port}` : `tcp://${info.ip}:${port}`;
}

export type Channel = 'shell' | 'control';

/** A request as the kernel sees it: the message, where it came from, and how to answer it. */
export interface Request {
  message: RawMessage;
  channel: Channel;
  identities: Buffer[];
}

/**
 * The kernel's five ZeroMQ sockets. All are bound before any is read (a request
 * that arrives during binding is never lost); every send is queued per socket and
 * awaited in order (zeromq.js allows one send in flight; a second would throw
 * EBUSY and the message would be lost). Requests are signed and checked with the
 * connection's key.
 */
export class KernelServer {
  private readonly shell = new zmq.Router();
  private readonly control = new zmq.Router();
  private readonly stdin = new zmq.Router();
  private readonly iopub = new zmq.Publisher();
  private readonly queues: Record<'shell' | 'control' | 'iopub', SendQueue>;
  private heartbeat?: { close(): Promise<void> };
  readonly session: string;

  private constructor(private readonly info: ConnectionInfo, session: string) {
    this.session = session;
    this.queues = { shell: new SendQueue(this.shell), control: new SendQueue(this.control), iopub: new SendQueue(this.iopub) };
  }

  static async bind(info: ConnectionInfo, session: string): Promise<KernelServer> {
    const server = new KernelServer(info, session);
    await Promise.all([
      server.shell.bind(socketAddress(info, info.shell_port)),
      server.control.bind(socketAddress(info, info.control_port)),
      server.stdin.bind(socketAddress(info, info.stdin_port)),
      server.iopub.bind(socketAddress(info, info.iopub_port)),
    ]);
    server.heartbeat = await startHeartbeat(socketAddress(info, info.hb_port));
    return server;
  }

  /** Reads requests from shell and control (only now, after every socket is bound) and hands each to `onRequest` as it arrives. */
  serve(onRequest: (r: Request) => void): void {
    const read = async (socket: zmq.Router, channel: Channel) => {
      try {
        for await (const frames of socket) {
          let received: Received;
          try {
            received = decode(frames, this.info.key);
          } catch (e) {
            logToTerminal(`ignored a message on ${channel}: ${(e as Error).message}`);
            continue;
          }
          onRequest({ message: received.message, channel, identities: received.identities });
        }
      } catch {
        // The socket was closed: the kernel is shutting down.
      }
    };
    void read(this.shell, 'shell');
    void read(this.control, 'control');
    void (async () => {
      // Nothing is asked on stdin (allow_stdin is not supported); read it so that it never fills up.
      try {
        for await (const _ of this.stdin) void _;
      } catch {
        // Closed.
      }
    })();
  }

  /** Publishes an iopub message as an output of `parent`'s request. */
  publish<T extends MessageType>(type: T, content: MessageContents[T], parent: Header, metadata: JsonObject = {}): void {
    const m: Message<T> = newMessage(type, content, this.session, { header: parent });
    m.metadata = metadata;
    void this.queues.iopub.send(encode(m, this.info.key));
  }

  /** Answers a request on the channel it came from. */
  reply<T extends MessageType>(request: Request, type: T, content: MessageContents[T], metadata: JsonObject = {}): Promise<void> {
    const m: Message<T> = newMessage(type, content, this.session, { header: request.message.header });
    m.metadata = metadata;
    return this.queues[request.channel].send(encode(m, this.info.key, request.identities));
  }

  /** Waits until everything queued so far is sent. */
  async flushed(): Promise<void> {
    await Promise.all(Object.values(this.queues).map((q) => q.flushed()));
  }

  async close(): Promise<void> {
    await this.flushed();
    await this.heartbeat?.close();
    for (const s of [this.shell, this.control, this.stdin, this.iopub]) s.close();
  }
}

/** Writes to the kernel process's own stderr (the terminal or Jupyter's log), never into a notebook. */
export const logToTerminal = (() => {
  const write = process.stderr.write.bind(process.stderr);
  return (text: string) => void write(`[downhill kernel] ${text}\n`);
})();

/**
 * The heartbeat: an echo on the main thread, as tslab's. (A worker thread would keep
 * echoing through a long synchronous cell, but its ZeroMQ socket aborts the process
 * when a cell calls process.exit(); Jupyter's own clients watch the kernel process,
 * not the heartbeat, to tell whether it lives.)
 */
async function startHeartbeat(address: string): Promise<{ close(): Promise<void> }> {
  const socket = new zmq.Reply();
  await socket.bind(address);
  void (async () => {
    try {
      for await (const frames of socket) await socket.send(frames);
    } catch {
      // Closed.
    }
  })();
  return { close: async () => socket.close() };
}
