import { DownhillError } from '../errors';
import { Option, option } from '../options';
import { LearningRate, Schedule, asSchedule, checkLearningRate } from './schedule';

/**
 * A hyperparameter that may change during training: a number, or a schedule
 * `step -> value` (optax's inject_hyperparams idea). Momentum and betas take one,
 * and so does the learning rate.
 */
export type Hyperparameter = number | Schedule;

/** The value of a hyperparameter for the update at `step` (0 = the first update). */
export function valueAt(h: Hyperparameter, step: number): number {
  return typeof h === 'number' ? h : h(step);
}

/**
 * An option that takes a number or a schedule. A number is checked now by
 * `element`; a schedule's values are checked by it as they are used, under the
 * option's name, so a schedule that strays out of range stops with a clear error.
 */
export function scheduled(element: Option<number>, defaultValue?: number): Option<Hyperparameter> {
  return option<Hyperparameter>(defaultValue, (where, name, value) => {
    if (typeof value !== 'function') return element.check(where, name, value);
    const schedule = value as Schedule;
    return (step: number) => element.check(where, `${name} (its schedule at step ${step})`, schedule(step));
  });
}

/** The learning rate option: a number > 0 or a schedule. */
export function learningRate(defaultValue?: number): Option<LearningRate> {
  return option<LearningRate>(defaultValue, (where, _name, value) => {
    asSchedule(where, value as LearningRate);
    return value as LearningRate;
  });
}

/**
 * A learning-rate schedule that also drives momentum, as PyTorch's OneCycleLR and
 * CyclicLR do with `cycle_momentum`: `momentum(step)` is the momentum (SGD,
 * RMSprop) or beta1 (the Adam family) for the update at `step`.
 */
export interface MomentumCycle extends Schedule {
  momentum: Schedule;
}

/** The momentum schedule a learning rate carries (oneCycle, cyclic), if any. */
export function cycledMomentum(lr: LearningRate): Schedule | undefined {
  return typeof lr === 'function' && typeof (lr as Partial<MomentumCycle>).momentum === 'function' ? (lr as MomentumCycle).momentum : undefined;
}

/** Optimizers without momentum or betas refuse a schedule that cycles momentum, as PyTorch does. */
export function refuseCycledMomentum(where: string, lr: LearningRate): void {
  if (cycledMomentum(lr)) {
    throw new DownhillError(
      `${where}: the learning-rate schedule also cycles momentum, but ${where} has no momentum or beta1 to cycle.`,
      `create the schedule with cycleMomentum: false.`,
    );
  }
}

/** A schedule's base learning rate: a number > 0. */
export function baseLearningRate(defaultValue?: number): Option<number> {
  return option(defaultValue, (where, _name, value) => checkLearningRate(where, value));
}

/** A learning-rate schedule that also cycles momentum when `momentum` is given (cycleMomentum). */
export function withMomentum(lr: Schedule, momentum: Schedule | undefined): Schedule | MomentumCycle {
  return momentum ? Object.assign(lr, { momentum }) : lr;
}
