/** Median and range of a few measurements. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  all: number[];
}

export function spread(xs: number[], digits = 3): Spread {
  const sorted = [...xs].sort((a, b) => a - b);
  const round = (x: number) => +x.toFixed(digits);
  return { median: round(sorted[Math.floor(sorted.length / 2)]), min: round(sorted[0]), max: round(sorted[sorted.length - 1]), all: xs.map(round) };
}

/** "1.52 (1.40–1.71)", or the one value. */
export function formatSpread(s: Spread | undefined): string {
  if (!s) return '';
  return s.all.length > 1 ? `${s.median} (${s.min}–${s.max})` : `${s.median}`;
}
