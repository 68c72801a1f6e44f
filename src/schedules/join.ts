import { DownhillError } from '../errors';
import { Schedule, checkStep } from './schedule';

/**
 * Runs schedules one after another: schedules[0] until boundaries[0], then
 * schedules[1] counted from 0 again, and so on (optax's join_schedules).
 * `join([linearWarmup({ lr, totalIters: 5 }), cosine({ lr, tMax: 95 })], [5])`.
 */
export function join(schedules: Schedule[], boundaries: number[]): Schedule {
  if (schedules.length !== boundaries.length + 1) {
    throw new DownhillError(
      `schedules.join: ${schedules.length} schedules need ${schedules.length - 1} boundaries, got ${boundaries.length}.`,
      `pass one boundary (the step where the next schedule starts) between each pair of schedules.`,
    );
  }
  boundaries.forEach((b, i) => {
    if (!Number.isInteger(b) || b <= 0 || (i > 0 && b <= boundaries[i - 1])) {
      throw new DownhillError(
        `schedules.join: boundaries must be increasing positive integers, got [${boundaries.join(', ')}].`,
        `list the steps at which each next schedule takes over, e.g. [5, 50].`,
      );
    }
  });
  return (t) => {
    checkStep('schedules.join', t);
    let i = 0;
    while (i < boundaries.length && t >= boundaries[i]) i++;
    return schedules[i](i === 0 ? t : t - boundaries[i - 1]);
  };
}
