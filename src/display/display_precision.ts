import { Figure } from '../plot/figure';

/** Significant digits a chart keeps: six is finer than any screen shows or a hover label needs. */
export const DISPLAY_DIGITS = 6;

/**
 * The figure with every non-integer number rounded to DISPLAY_DIGITS significant
 * digits, for what is stored in a notebook or a page (a float64 written out in full
 * takes 18 characters, most of them noise). The figure itself is left as it is.
 */
export function forDisplay(fig: Figure): Figure {
  return rounded(fig) as Figure;
}

function rounded(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) || !Number.isFinite(v) ? v : Number(v.toPrecision(DISPLAY_DIGITS));
  if (Array.isArray(v)) return v.map(rounded);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>, rounded);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x)]));
  return v;
}
