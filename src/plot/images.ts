import * as tf from '@tensorflow/tfjs';
import { Dataset } from '../data/dataset';
import { DownhillError } from '../errors';
import { Figure, FigureOptions, Layout, makeFigure } from './figure';

export interface ImageGridOptions extends FigureOptions {
  /** Which samples to show (default: the first `count`). */
  indices?: number[];
  /** How many when no indices are given (default 25). */
  count?: number;
  columns?: number;
  /** The shape of one image (default: square, e.g. [28, 28] for 784 values). */
  shape?: [number, number];
  /** Predicted classes, aligned with the dataset: mistakes are framed in red. */
  predicted?: ArrayLike<number>;
}

function squareShape(width: number, where: string): [number, number] {
  const side = Math.round(Math.sqrt(width));
  if (side * side !== width) throw new DownhillError(`${where}: ${width} values per image are not a square image.`, 'pass shape: [height, width].');
  return [side, side];
}

/**
 * A grid of images (MNIST digits) in one heatmap, each titled with its label — or,
 * given predictions, "pred 3 · true 5" with mistakes framed in red.
 */
export function imageGrid(images: Dataset, options: ImageGridOptions = {}): Figure {
  const where = 'plot.imageGrid';
  const width = images?.xShape?.reduce((a, b) => a * b, 1);
  if (!width) throw new DownhillError(`${where}: expected a Dataset of images.`, 'pass e.g. data.mnist().test.');
  const [h, w] = options.shape ?? squareShape(width, where);
  if (h * w !== width) throw new DownhillError(`${where}: shape [${h}, ${w}] does not match ${width} values per image.`, 'fix the shape.');
  const indices = options.indices ?? Array.from({ length: Math.min(options.count ?? 25, images.size) }, (_, i) => i);
  if (indices.length === 0) throw new DownhillError(`${where}: no images selected.`, 'pass indices or a count of at least 1.');
  for (const i of indices) {
    if (!Number.isInteger(i) || i < 0 || i >= images.size) throw new DownhillError(`${where}: index ${i} is outside the dataset (0..${images.size - 1}).`, 'pick valid indices.');
  }
  const predicted = options.predicted;
  if (predicted && predicted.length !== images.size && predicted.length < Math.max(...indices) + 1) {
    throw new DownhillError(`${where}: ${predicted.length} predictions for a dataset of ${images.size} images.`, 'pass one predicted class per image (predictClasses gives them).');
  }
  const labels = images.y instanceof Int32Array ? images.y : undefined;
  const columns = options.columns ?? Math.min(10, Math.ceil(Math.sqrt(indices.length * 1.6)));
  const rows = Math.ceil(indices.length / columns);
  const gap = 2;
  const labelBand = 9;
  const cellH = h + gap + labelBand;
  const cellW = w + gap;
  const z: (number | null)[][] = Array.from({ length: rows * cellH }, () => new Array(columns * cellW).fill(null));
  const annotations: Layout[] = [];
  const shapes: Layout[] = [];
  let mistakes = 0;
  indices.forEach((index, k) => {
    const r = Math.floor(k / columns);
    const c = k % columns;
    const top = r * cellH + labelBand;
    const left = c * cellW;
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) z[top + i][left + j] = images.x[index * width + i * w + j];
    const truth = labels?.[index];
    const guess = predicted?.[index];
    const wrong = guess !== undefined && truth !== undefined && guess !== truth;
    if (wrong) mistakes++;
    const text = guess === undefined ? (truth === undefined ? `#${index}` : String(truth)) : wrong ? `pred ${guess} · true ${truth}` : `pred ${guess} ✓`;
    annotations.push({
      x: left + w / 2 - 0.5, y: top - 1.5, text, showarrow: false, xanchor: 'center', yanchor: 'bottom',
      font: { size: 11, color: wrong ? '#C00000' : '#222' },
    });
    if (wrong) shapes.push({ type: 'rect', x0: left - 1, x1: left + w, y0: top - 1, y1: top + h, line: { color: '#E00000', width: 2.5 } });
  });
  const pixel = Math.max(2, Math.min(5, Math.floor(900 / (columns * cellW))));
  const title = predicted
    ? `${indices.length} images: ${mistakes} mistake${mistakes === 1 ? '' : 's'} (red)`
    : `${indices.length} images with their labels`;
  return makeFigure(
    [{
      type: 'heatmap', z, colorscale: [[0, 'white'], [1, 'black']], zmin: 0, zmax: 1, showscale: false, hoverongaps: false,
      hovertemplate: 'value %{z:.2f}<extra></extra>',
    }],
    {
      title: { text: title }, annotations, shapes,
      xaxis: { visible: false, constrain: 'domain' }, yaxis: { visible: false, autorange: 'reversed', scaleanchor: 'x' },
      width: columns * cellW * pixel + 60, height: rows * cellH * pixel + 100, margin: { l: 20, r: 20, t: 60, b: 20 },
      plot_bgcolor: '#f4f4f4',
    },
    options,
  );
}

export interface WeightImagesOptions extends FigureOptions {
  shape?: [number, number];
  /** Names of the output units (default 0, 1, 2, ...). */
  labels?: string[];
}

/** What `await tensor.array()` gives, of any rank (checked to be a matrix at run time). */
type TensorValues = Awaited<ReturnType<tf.Tensor['array']>>;

/**
 * The columns of a [pixels, classes] weight matrix as images: the template each class
 * of a softmax model matches (red raises the class's score, blue lowers it, white is zero).
 * On WebGPU pass `await w.array()`: a trained tensor there cannot be read synchronously.
 */
export function weightImages(weights: tf.Tensor | number[][] | TensorValues, options: WeightImagesOptions = {}): Figure {
  const where = 'plot.weightImages';
  const matrix = (weights instanceof tf.Tensor ? weights.arraySync() : weights) as number[][];
  if (!Array.isArray(matrix) || matrix.length === 0 || !Array.isArray(matrix[0])) {
    throw new DownhillError(`${where}: expected a [pixels, classes] matrix.`, "pass a softmax model's weights, e.g. model.params.w.");
  }
  const pixels = matrix.length;
  const classes = matrix[0].length;
  const [h, w] = options.shape ?? squareShape(pixels, where);
  const columns = Math.min(5, classes);
  const rows = Math.ceil(classes / columns);
  const gap = 3;
  const band = 7;
  const z: (number | null)[][] = Array.from({ length: rows * (h + gap + band) }, () => new Array(columns * (w + gap)).fill(null));
  let limit = 0;
  for (const row of matrix) for (const v of row) limit = Math.max(limit, Math.abs(v));
  const annotations: Layout[] = [];
  for (let k = 0; k < classes; k++) {
    const top = Math.floor(k / columns) * (h + gap + band) + band;
    const left = (k % columns) * (w + gap);
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) z[top + i][left + j] = matrix[i * w + j][k];
    annotations.push({ x: left + w / 2 - 0.5, y: top - 1, text: `<b>${options.labels?.[k] ?? k}</b>`, showarrow: false, yanchor: 'bottom', font: { size: 13 } });
  }
  return makeFigure(
    [{
      type: 'heatmap', z, colorscale: [[0, '#2166ac'], [0.5, '#f7f7f7'], [1, '#b2182b']], zmid: 0, zmin: -limit || -1, zmax: limit || 1, hoverongaps: false,
      colorbar: { title: { text: 'weight' }, thickness: 12 },
    }],
    {
      title: { text: 'What each class looks for: the learned weights as images' }, annotations,
      xaxis: { visible: false, constrain: 'domain' }, yaxis: { visible: false, autorange: 'reversed', scaleanchor: 'x' },
      width: 820, height: rows * 190 + 110, margin: { l: 20, r: 20, t: 70, b: 20 }, plot_bgcolor: 'white',
    },
    options,
  );
}
