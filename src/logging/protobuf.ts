/**
 * The little of the protocol buffers wire format that TensorBoard's event files need
 * (developers.google.com/protocol-buffers/docs/encoding): a field is a key
 * (number << 3 | wire type) followed by a varint (type 0), 8 little-endian bytes
 * (type 1), a length-prefixed byte string or message (type 2) or 4 bytes (type 5).
 */
export type Field =
  | { number: number; varint: number }
  | { number: number; double: number }
  | { number: number; float: number }
  | { number: number; bytes: Uint8Array | string };

export function encodeMessage(fields: Field[]): Buffer {
  const parts: Buffer[] = [];
  for (const f of fields) {
    if ('varint' in f) parts.push(varint(f.number * 8 + 0), varint(f.varint));
    else if ('double' in f) {
      const b = Buffer.alloc(8);
      b.writeDoubleLE(f.double);
      parts.push(varint(f.number * 8 + 1), b);
    } else if ('float' in f) {
      const b = Buffer.alloc(4);
      b.writeFloatLE(f.float);
      parts.push(varint(f.number * 8 + 5), b);
    } else {
      const bytes = typeof f.bytes === 'string' ? Buffer.from(f.bytes, 'utf8') : Buffer.from(f.bytes);
      parts.push(varint(f.number * 8 + 2), varint(bytes.length), bytes);
    }
  }
  return Buffer.concat(parts);
}

/** The fields of a message, in order: varints as numbers, fixed64 as doubles, fixed32 as floats, type 2 as bytes. */
export function decodeMessage(buf: Buffer): { number: number; value: number | Buffer }[] {
  const out: { number: number; value: number | Buffer }[] = [];
  let at = 0;
  const readVarint = () => {
    let result = 0;
    let scale = 1;
    for (;;) {
      const byte = buf[at++];
      result += (byte & 0x7f) * scale;
      scale *= 128;
      if (byte < 0x80) return result;
    }
  };
  while (at < buf.length) {
    const key = readVarint();
    const number = Math.floor(key / 8);
    const type = key % 8;
    if (type === 0) out.push({ number, value: readVarint() });
    else if (type === 1) (out.push({ number, value: buf.readDoubleLE(at) }), (at += 8));
    else if (type === 5) (out.push({ number, value: buf.readFloatLE(at) }), (at += 4));
    else if (type === 2) {
      const n = readVarint();
      out.push({ number, value: buf.subarray(at, at + n) });
      at += n;
    } else throw new Error(`protobuf: wire type ${type} is not supported`);
  }
  return out;
}

/** Base-128 varint of a non-negative whole number (exact up to 2^53). */
function varint(n: number): Buffer {
  const bytes: number[] = [];
  while (n >= 0x80) {
    bytes.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  bytes.push(n);
  return Buffer.from(bytes);
}
