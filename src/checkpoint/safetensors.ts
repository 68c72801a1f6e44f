import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs';
import { DownhillError } from '../errors';
import { NamedTensors } from '../named_tensors';

/**
 * The safetensors format (huggingface/safetensors), written and read by hand so
 * that PyTorch (`safetensors.torch.load_file`) opens our checkpoints:
 *
 *   [8 bytes: N, the header's length, unsigned little-endian]
 *   [N bytes: JSON header { name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: {string: string} }]
 *   [the tensors' bytes, little-endian, at data_offsets relative to the end of the header]
 *
 * float32 tensors are stored as F32 and int32 tensors as I32 (booleans as BOOL).
 */

interface HeaderEntry {
  dtype: 'F32' | 'I32' | 'BOOL';
  shape: number[];
  data_offsets: [number, number];
}

const DTYPES: Record<string, HeaderEntry['dtype']> = { float32: 'F32', int32: 'I32', bool: 'BOOL' };

/** The bytes of a safetensors file holding `tensors` (read without blocking, so on every backend). */
export async function encodeSafetensors(tensors: NamedTensors, metadata: Record<string, string> = {}): Promise<Buffer> {
  const header: Record<string, HeaderEntry | Record<string, string>> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const name of Object.keys(tensors).sort()) {
    const t = tensors[name];
    const dtype = DTYPES[t.dtype];
    if (!dtype) {
      throw new DownhillError(`safetensors: tensor '${name}' has dtype ${t.dtype}, which is not saved.`, `cast it to float32 or int32 first.`);
    }
    const values = await t.data();
    const bytes = dtype === 'BOOL' ? Buffer.from(Uint8Array.from(values as Uint8Array)) : toLittleEndian(values as Float32Array | Int32Array);
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + bytes.length] };
    chunks.push(bytes);
    offset += bytes.length;
  }
  // The header is padded with spaces to a multiple of 8 bytes, as the reference writer does.
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const headerBytes = Buffer.from(json, 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(headerBytes.length));
  return Buffer.concat([length, headerBytes, ...chunks]);
}

/** Tensors (and the metadata) of a safetensors file's bytes; the caller owns the tensors. */
export function decodeSafetensors(bytes: Buffer, where = 'safetensors'): { tensors: NamedTensors; metadata: Record<string, string> } {
  const bad = (problem: string) =>
    new DownhillError(`${where}: not a safetensors file (${problem}).`, `pass a file written by checkpoint.save or safetensors.torch.save_file.`);
  if (bytes.length < 8) throw bad('shorter than 8 bytes');
  const n = Number(bytes.readBigUInt64LE(0));
  if (8 + n > bytes.length) throw bad(`its header claims ${n} bytes`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
  } catch {
    throw bad('its header is not JSON');
  }
  const data = bytes.subarray(8 + n);
  const tensors: NamedTensors = {};
  let metadata: Record<string, string> = {};
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = raw as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets: [begin, end] } = raw as HeaderEntry;
    const chunk = Buffer.from(data.subarray(begin, end)); // a copy, aligned for typed arrays
    if (dtype === 'F32') tensors[name] = tf.tensor(fromLittleEndian(chunk, Float32Array), shape, 'float32');
    else if (dtype === 'I32') tensors[name] = tf.tensor(fromLittleEndian(chunk, Int32Array), shape, 'int32');
    else if (dtype === 'BOOL') tensors[name] = tf.tensor(Uint8Array.from(chunk), shape, 'bool');
    else {
      tf.dispose(Object.values(tensors));
      throw new DownhillError(`${where}: tensor '${name}' has dtype ${dtype}, which downhill does not read.`, `save it as float32 (F32) or int32 (I32).`);
    }
  }
  return { tensors, metadata };
}

export async function writeSafetensors(file: string, tensors: NamedTensors, metadata?: Record<string, string>): Promise<void> {
  await fs.promises.writeFile(file, await encodeSafetensors(tensors, metadata));
}

export async function readSafetensors(file: string): Promise<{ tensors: NamedTensors; metadata: Record<string, string> }> {
  return decodeSafetensors(await fs.promises.readFile(file), file);
}

function toLittleEndian(values: Float32Array | Int32Array): Buffer {
  const out = Buffer.alloc(values.length * 4);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const isFloat = values instanceof Float32Array;
  for (let i = 0; i < values.length; i++) {
    if (isFloat) view.setFloat32(i * 4, values[i], true);
    else view.setInt32(i * 4, values[i], true);
  }
  return out;
}

function fromLittleEndian<T extends Float32Array | Int32Array>(bytes: Buffer, Kind: { new (n: number): T }): T {
  const out = new Kind(bytes.length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const isFloat = out instanceof Float32Array;
  for (let i = 0; i < out.length; i++) out[i] = isFloat ? view.getFloat32(i * 4, true) : view.getInt32(i * 4, true);
  return out;
}
