export { LossFn, MetricFn } from './loss';
export { mse, halfMse } from './mse';
export { crossEntropy, accuracy } from './cross_entropy';
