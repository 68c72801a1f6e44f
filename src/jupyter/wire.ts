import { createHmac, randomUUID, timingSafeEqual } from 'crypto';
import { DownhillError } from '../errors';
import { Header, Message, MessageContents, MessageType, PROTOCOL_VERSION, RawMessage } from './messages';

/** The wire format of the Jupyter messaging protocol: identities, delimiter, HMAC-SHA256 signature, four JSON frames. */
const DELIMITER = '<IDS|MSG>';

/** A new message; `parent` makes it a reply to (or an output of) that request. */
export function newMessage<T extends MessageType>(
  msgType: T,
  content: MessageContents[T],
  session: string,
  parent?: { header: Header },
): Message<T> {
  return {
    header: { msg_id: randomUUID(), session, username: 'downhill', date: new Date().toISOString(), msg_type: msgType, version: PROTOCOL_VERSION },
    parent_header: parent ? parent.header : {},
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

/** The frames to send: the routing identities (replies on ROUTER sockets), the delimiter, the signature, the message. */
export function encode(message: Message | RawMessage, key: string, identities: Buffer[] = []): (string | Buffer)[] {
  const frames = [JSON.stringify(message.header), JSON.stringify(message.parent_header), JSON.stringify(message.metadata), JSON.stringify(message.content)];
  return [...identities, DELIMITER, sign(key, frames), ...frames];
}

export interface Received {
  identities: Buffer[];
  message: RawMessage;
}

/** Parses received frames (identities first, then the delimiter) and checks the signature. */
export function decode(frames: Buffer[], key: string): Received {
  const at = frames.findIndex((f) => f.length === DELIMITER.length && f.toString() === DELIMITER);
  if (at < 0 || frames.length < at + 6) throw new DownhillError('a malformed Jupyter message arrived (no delimiter or too few frames).', 'check that only Jupyter clients talk to these ports.');
  const signature = frames[at + 1].toString();
  const parts = frames.slice(at + 2, at + 6).map((f) => f.toString());
  if (key) {
    const expected = Buffer.from(sign(key, parts));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new DownhillError('a Jupyter message has a wrong signature.', 'something else is talking on the kernel ports; restart the kernel.');
    }
  }
  return {
    identities: frames.slice(0, at),
    message: { header: JSON.parse(parts[0]), parent_header: JSON.parse(parts[1]), metadata: JSON.parse(parts[2]), content: JSON.parse(parts[3]) },
  };
}
