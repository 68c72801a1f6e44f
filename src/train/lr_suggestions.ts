/**
 * fast.ai's learning-rate suggestions (fastai.callback.schedule: valley, slide,
 * minimum, steep), on the smoothed losses of a range test against its learning rates.
 */
export interface LrSuggestions {
  /** The middle of the longest valley: fast.ai's default. */
  valley: number;
  /** Where the loss's slope stops changing, sliding an interval down from the end. */
  slide: number;
  /** A tenth of the learning rate at the lowest loss. */
  minimum: number;
  /** Where the loss falls fastest against log(lr). */
  steep: number;
}

/** As fast.ai's lr_find: the first numIt/10 and the last 5 points are left out, and everything from the first NaN. */
export function lrSuggestions(lrs: number[], losses: number[], numIt = lrs.length): LrSuggestions {
  let end = losses.findIndex((l) => !Number.isFinite(l));
  if (end < 0) end = losses.length;
  let [x, y] = [lrs.slice(0, end), losses.slice(0, end)];
  const [from, to] = [Math.floor(numIt / 10), x.length - 5];
  if (to - from >= 3) [x, y] = [x.slice(from, to), y.slice(from, to)];
  return { valley: valley(x, y), slide: slide(x, y), minimum: minimum(x, y), steep: steep(x, y) };
}

/** The longest run down (longest decreasing subsequence); the suggestion sits half a third into it. */
export function valley(lrs: number[], losses: number[]): number {
  const n = losses.length;
  const lds = new Array<number>(n).fill(1);
  let [maxStart, maxEnd] = [0, 0];
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (losses[i] < losses[j] && lds[i] < lds[j] + 1) lds[i] = lds[j] + 1;
      if (lds[maxEnd] < lds[i]) {
        maxEnd = i;
        maxStart = maxEnd - lds[maxEnd];
      }
    }
  }
  const sections = (maxEnd - maxStart) / 3;
  return lrs[Math.max(0, maxStart + Math.trunc(sections) + Math.trunc(sections / 2))];
}

/** Slides an interval of `lrDiff` points down from the end until the loss's gradient agrees at both ends (within thresh). */
export function slide(lrs: number[], losses: number[], lrDiff = 15, thresh = 0.005, adjustValue = 1): number {
  const n = losses.length;
  const grad = losses.map((_, i) => (n < 2 ? 0 : i === 0 ? losses[1] - losses[0] : i === n - 1 ? losses[n - 1] - losses[n - 2] : (losses[i + 1] - losses[i - 1]) / 2));
  const at = (i: number) => n + i; // Python's negative indices
  let r = -1;
  let l = r - lrDiff;
  if (at(l) < 0) l = -n;
  let localMin = lrs[at(l)];
  while (l >= -n && Math.abs(grad[at(r)] - grad[at(l)]) > thresh) {
    localMin = lrs[at(l)];
    r -= 1;
    l -= 1;
  }
  return localMin * adjustValue;
}

/** A tenth of the learning rate at the lowest loss. */
export function minimum(lrs: number[], losses: number[]): number {
  let best = 0;
  losses.forEach((v, i) => {
    if (v < losses[best]) best = i;
  });
  return lrs[best] / 10;
}

/** The learning rate where (loss[i+1] − loss[i]) / (log lr[i+1] − log lr[i]) is lowest. */
export function steep(lrs: number[], losses: number[]): number {
  let best = 0;
  let slope = Infinity;
  for (let i = 0; i + 1 < losses.length; i++) {
    const s = (losses[i + 1] - losses[i]) / (Math.log(lrs[i + 1]) - Math.log(lrs[i]));
    if (s < slope) [slope, best] = [s, i];
  }
  return lrs[best];
}
