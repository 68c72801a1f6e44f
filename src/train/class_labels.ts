import * as tf from '@tensorflow/tfjs';
import { Dataset, widths } from '../data/dataset';
import { checkDatasetLabels } from '../data/labels';
import { Model } from '../models/model';

/**
 * Class labels (int32) must be below the number of classes the model outputs: found
 * from one sample's forward pass before training, so a bad label is refused before
 * any step (a one-hot of label ≥ classes is all zeros, and training would go on silently).
 */
export function checkLabelsFitModel(where: string, model: Model, d: Dataset): void {
  if (!(d.y instanceof Int32Array)) return;
  const w = widths(d).x;
  const shape = tf.tidy(() => model.forward(model.params, tf.tensor(d.x.slice(0, w), [1, ...d.xShape])).shape);
  if (shape.length === 2) checkDatasetLabels(`${where}: y`, d.y, shape[1]);
}
