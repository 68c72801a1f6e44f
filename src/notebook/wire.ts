import { createHmac, randomUUID } from 'crypto';
import { DownhillError } from '../errors';

/** The Jupyter messaging protocol, version 5.3: https://jupyter-client.readthedocs.io/en/latest/messaging.html */
export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

export interface Message<C = Record<string, any>> {
  header: Header;
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: C;
}

const DELIMITER = '<IDS|MSG>';

export function newMessage<C>(msgType: string, content: C, session: string): Message<C> {
  return {
    header: { msg_id: randomUUID(), session, username: 'downhill', date: new Date().toISOString(), msg_type: msgType, version: '5.3' },
    parent_header: {},
    metadata: {},
    content,
  };
}

/** HMAC-SHA256 over the four JSON frames, as hex (empty when the key is empty). */
export function sign(key: string, frames: string[]): string {
  if (!key) return '';
  const hmac = createHmac('sha256', key);
  for (const f of frames) hmac.update(f);
  return hmac.digest('hex');
}

/** The frames to send on a DEALER socket. */
export function encode(message: Message, key: string): string[] {
  const frames = [JSON.stringify(message.header), JSON.stringify(message.parent_header), JSON.stringify(message.metadata), JSON.stringify(message.content)];
  return [DELIMITER, sign(key, frames), ...frames];
}

/** Parses received frames (identities first, then the delimiter) and checks the signature. */
export function decode(frames: Buffer[], key: string): Message {
  const at = frames.findIndex((f) => f.toString() === DELIMITER);
  if (at < 0 || frames.length < at + 6) throw new DownhillError('a malformed message came from the kernel.', 'restart the kernel.');
  const signature = frames[at + 1].toString();
  const parts = frames.slice(at + 2, at + 6).map((f) => f.toString());
  if (key && sign(key, parts) !== signature) {
    throw new DownhillError('a message from the kernel has a wrong signature.', 'something else is talking on the kernel ports; restart the kernel.');
  }
  return {
    header: JSON.parse(parts[0]),
    parent_header: JSON.parse(parts[1]),
    metadata: JSON.parse(parts[2]),
    content: JSON.parse(parts[3]),
  };
}
