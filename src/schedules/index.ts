export { Schedule, LearningRate, constant } from './schedule';
export { step, exponential, inverseTime, linearDecay, multiStep, polynomial, constantFactor } from './decay';
export { cosine, cosineWarmRestarts } from './cosine';
export { linearWarmup } from './warmup';
export { oneCycle, OneCycleOptions } from './one_cycle';
export { cyclic, CyclicOptions } from './cyclic';
export { reduceOnPlateau, ReduceOnPlateau, ReduceOnPlateauOptions } from './plateau';
export { join } from './join';
export { chained } from './chained';
export { perEpoch } from './per_epoch';
export { Hyperparameter, MomentumCycle } from './hyperparameter';

import { Schedule } from './schedule';

/** The first `steps` values of a schedule, for plotting and tables. */
export function values(schedule: Schedule, steps: number): number[] {
  return Array.from({ length: steps }, (_, t) => schedule(t));
}
