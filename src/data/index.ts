export { Dataset, DataInput, dataset, subset, take, split, toTensors, widths } from './dataset';
export { Batch, batches } from './batches';
export { linearData as linear, LinearDataOptions } from './synthetic';
export { mnist, MnistOptions } from './mnist';
