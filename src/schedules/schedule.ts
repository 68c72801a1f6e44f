import { DownhillError } from '../errors';
import { checkFiniteNumber, checkInteger } from '../validate';

/**
 * A learning-rate schedule is a plain function from the update count to a learning
 * rate. Step 0 is the learning rate of the first update, so a schedule's values
 * line up with PyTorch's `scheduler.get_last_lr()` read before each
 * `optimizer.step()`.
 */
export type Schedule = (step: number) => number;

/** A learning rate: a fixed number or a schedule. */
export type LearningRate = number | Schedule;

export function constant(lr: number): Schedule {
  checkLearningRate('constant', lr);
  return () => lr;
}

/** Turns a number or a schedule into a schedule, checking it. */
export function asSchedule(where: string, lr: LearningRate): Schedule {
  if (typeof lr === 'function') return lr;
  checkLearningRate(where, lr);
  return () => lr;
}

/** The learning rate `lr` must be a finite number > 0. */
export function checkLearningRate(where: string, lr: unknown): number {
  const value = checkFiniteNumber(where, 'lr', lr);
  if (value <= 0) {
    throw new DownhillError(
      `${where}: the learning rate must be greater than 0, got ${value}.`,
      value < 0
        ? `a negative learning rate climbs the loss instead of descending it; use a small positive value such as lr: 0.01.`
        : `a zero learning rate never moves the parameters; use a small positive value such as lr: 0.01.`,
    );
  }
  return value;
}

/** The value of a schedule at a step, checked so that a broken schedule cannot corrupt training. */
export function evaluateSchedule(schedule: Schedule, step: number): number {
  const lr = schedule(step);
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
    throw new DownhillError(
      `the learning-rate schedule returned ${lr} at step ${step}.`,
      `a schedule must return a finite number >= 0 for every step; check its formula.`,
    );
  }
  return lr;
}

export function checkStep(where: string, step: number): void {
  checkInteger(where, 'step', step, 0);
}
