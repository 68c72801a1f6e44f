import { createHash, randomBytes } from 'crypto';
import * as http from 'http';
import type { Socket } from 'net';
import { DownhillError } from '../errors';

const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

const enum Opcode {
  Continuation = 0x0,
  Text = 0x1,
  Binary = 0x2,
  Close = 0x8,
  Ping = 0x9,
  Pong = 0xa,
}

/**
 * A WebSocket client (RFC 6455) for Jupyter's kernel channels, on Node's http module:
 * text messages in and out, pings answered, no extensions. Node 20 has no WebSocket
 * without a flag; this is the part of the protocol a kernel connection uses.
 */
export class WebSocketClient {
  private buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragmentOpcode = Opcode.Text;
  private closed = false;
  private readonly messageListeners: ((text: string) => void)[] = [];
  private readonly closeListeners: ((reason: string) => void)[] = [];

  private constructor(private readonly socket: Socket, head: Buffer) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('close', () => this.ended('the connection closed'));
    socket.on('error', (e) => this.ended(`the connection failed: ${e.message}`));
    if (head.length) this.receive(head);
  }

  /** Opens `url` (ws: or http:), with extra request headers (e.g. Authorization). */
  static connect(url: string, headers: Record<string, string> = {}): Promise<WebSocketClient> {
    const target = new URL(url.replace(/^ws/, 'http'));
    const key = randomBytes(16).toString('base64');
    return new Promise((resolve, reject) => {
      const request = http.request(target, {
        headers: { ...headers, Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': key },
      });
      request.on('upgrade', (response, socket, head) => {
        const expected = createHash('sha1').update(key + ACCEPT_GUID).digest('base64');
        if (response.headers['sec-websocket-accept'] !== expected) {
          socket.destroy();
          reject(new DownhillError(`${target.origin}${target.pathname} answered the WebSocket handshake with a wrong key.`, 'check that the URL is a Jupyter server and no proxy rewrites WebSocket requests.'));
          return;
        }
        resolve(new WebSocketClient(socket, head));
      });
      request.on('response', (response) => {
        response.resume();
        reject(new DownhillError(`${target.origin}${target.pathname} refused the WebSocket connection (HTTP ${response.statusCode}).`, 'check the URL and the token.'));
      });
      request.on('error', (e) => reject(new DownhillError(`cannot open a WebSocket to ${target.origin}: ${e.message}.`, 'check that the server runs and the URL is right.')));
      request.end();
    });
  }

  onMessage(listener: (text: string) => void): void {
    this.messageListeners.push(listener);
  }

  onClose(listener: (reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  send(text: string): void {
    if (this.closed) throw new DownhillError('the WebSocket is closed.', 'open a new connection.');
    this.socket.write(frame(Opcode.Text, Buffer.from(text, 'utf8')));
  }

  close(): void {
    if (this.closed) return;
    this.socket.write(frame(Opcode.Close, Buffer.from([0x03, 0xe8])));
    this.socket.end();
    this.ended('closed by this client');
  }

  private ended(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    for (const listener of this.closeListeners) listener(reason);
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const parsed = parseFrame(this.buffer);
      if (!parsed) return;
      this.buffer = this.buffer.subarray(parsed.size);
      this.handle(parsed.fin, parsed.opcode, parsed.payload);
    }
  }

  private handle(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode === Opcode.Ping) return void this.socket.write(frame(Opcode.Pong, payload));
    if (opcode === Opcode.Pong) return;
    if (opcode === Opcode.Close) return this.ended(`the server closed the connection${payload.length >= 2 ? ` (code ${payload.readUInt16BE(0)})` : ''}`);
    if (opcode !== Opcode.Continuation) this.fragmentOpcode = opcode;
    this.fragments.push(payload);
    if (!fin) return;
    const whole = Buffer.concat(this.fragments);
    this.fragments = [];
    // Binary messages carry buffers of comm messages, which kernel channels here do not use.
    if (this.fragmentOpcode !== Opcode.Text) return;
    const text = whole.toString('utf8');
    for (const listener of this.messageListeners) listener(text);
  }
}

/** A client frame: always masked, as RFC 6455 requires of clients. */
function frame(opcode: Opcode, payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? Buffer.alloc(2) : length < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  header[0] = 0x80 | opcode;
  if (length < 126) header[1] = 0x80 | length;
  else if (length < 65536) {
    header[1] = 0x80 | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  const mask = randomBytes(4);
  const masked = Buffer.alloc(length);
  for (let i = 0; i < length; i++) masked[i] = payload[i] ^ mask[i & 3];
  return Buffer.concat([header, mask, masked]);
}

/** One frame from the start of `data`, or undefined when it has not all arrived. */
function parseFrame(data: Buffer): { fin: boolean; opcode: number; payload: Buffer; size: number } | undefined {
  if (data.length < 2) return undefined;
  const fin = (data[0] & 0x80) !== 0;
  const opcode = data[0] & 0x0f;
  const masked = (data[1] & 0x80) !== 0;
  let length = data[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (data.length < 4) return undefined;
    length = data.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (data.length < 10) return undefined;
    length = Number(data.readBigUInt64BE(2));
    offset = 10;
  }
  const maskAt = offset;
  if (masked) offset += 4;
  if (data.length < offset + length) return undefined;
  let payload = data.subarray(offset, offset + length);
  if (masked) {
    const mask = data.subarray(maskAt, maskAt + 4);
    payload = Buffer.from(payload.map((b, i) => b ^ mask[i & 3]));
  }
  return { fin, opcode, payload, size: offset + length };
}
