import { DownhillError } from '../errors';
import { Schedule, checkStep } from './schedule';

/**
 * An epoch-based schedule stepped once per epoch: the value at update `step` is
 * `schedule(floor(step / stepsPerEpoch))` (PyTorch code calls scheduler.step() once
 * per epoch for StepLR, MultiStepLR, cosine and the like).
 */
export function perEpoch(schedule: Schedule, stepsPerEpoch: number): Schedule {
  if (!Number.isInteger(stepsPerEpoch) || stepsPerEpoch < 1) {
    throw new DownhillError(`schedules.perEpoch: 'stepsPerEpoch' must be a whole number >= 1, got ${stepsPerEpoch}.`, `pass the number of batches per epoch, e.g. Math.ceil(n / batchSize).`);
  }
  return (t) => {
    checkStep('schedules.perEpoch', t);
    return schedule(Math.floor(t / stepsPerEpoch));
  };
}
