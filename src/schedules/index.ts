export { Schedule, LearningRate, constant } from './schedule';
export { step, exponential, inverseTime, linearDecay } from './decay';
export { cosine } from './cosine';
export { linearWarmup } from './warmup';
export { oneCycle, OneCycleOptions } from './one_cycle';
export { join } from './join';

import { Schedule } from './schedule';

/** The first `steps` values of a schedule, for plotting and tables. */
export function values(schedule: Schedule, steps: number): number[] {
  return Array.from({ length: steps }, (_, t) => schedule(t));
}
