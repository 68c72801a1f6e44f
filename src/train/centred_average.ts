/**
 * A centred moving average: each value replaced by the mean of values[i − window .. i + window]
 * (the window shrinks at both ends). Unlike a running average it has no lag, so a curve and its
 * average turn at the same place; a non-finite value poisons its neighbours.
 */
export function centredAverage(values: readonly number[], window: number): number[] {
  return values.map((_, i) => {
    const from = Math.max(0, i - window);
    const to = Math.min(values.length - 1, i + window);
    let sum = 0;
    for (let k = from; k <= to; k++) sum += values[k];
    return sum / (to - from + 1);
  });
}
