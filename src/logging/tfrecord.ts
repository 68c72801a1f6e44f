import { DownhillError } from '../errors';

/**
 * TFRecord framing (TensorFlow's record files, which TensorBoard's event files use):
 *
 *   uint64 length (little-endian) | uint32 masked CRC-32C of the length bytes | data | uint32 masked CRC-32C of data
 *
 * masked(crc) = ((crc >>> 15) | (crc << 17)) + 0xa282ead8, mod 2^32.
 */
export function frameRecord(data: Buffer): Buffer {
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(data.length));
  return Buffer.concat([length, uint32(maskedCrc32c(length)), data, uint32(maskedCrc32c(data))]);
}

/** The records of a TFRecord file's bytes; a checksum that does not match is an error. */
export function readRecords(bytes: Buffer, where = 'TFRecord'): Buffer[] {
  const records: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    const lengthBytes = bytes.subarray(at, at + 8);
    const n = Number(lengthBytes.readBigUInt64LE(0));
    const data = bytes.subarray(at + 12, at + 12 + n);
    if (bytes.readUInt32LE(at + 8) !== maskedCrc32c(lengthBytes) || bytes.readUInt32LE(at + 12 + n) !== maskedCrc32c(data)) {
      throw new DownhillError(`${where}: the record at byte ${at} has a wrong checksum.`, 'the file is damaged or was cut off while being written.');
    }
    records.push(data);
    at += 16 + n;
  }
  return records;
}

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as TFRecord uses. */
export function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (crc >>> 8) ^ TABLE[(crc ^ byte) & 0xff];
  return (crc ^ 0xffffffff) >>> 0;
}

export function maskedCrc32c(data: Uint8Array): number {
  const crc = crc32c(data);
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[i] = c >>> 0;
  }
  return table;
})();

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}
