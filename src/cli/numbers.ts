import { ParsedArgs, UsageError } from './args';

/** The value of a numeric option, checked to be a positive number (undefined when absent). */
export function positiveNumber(parsed: ParsedArgs, option: string): number | undefined {
  if (!parsed.options.has(option)) return undefined;
  const value = Number(parsed.options.get(option));
  if (!(value > 0) || !Number.isFinite(value)) throw new UsageError(`${option} must be a positive number, got ${parsed.options.get(option)}.`, `e.g. ${option} 60.`);
  return value;
}

/** The value of a whole-number option ≥ 1 (undefined when absent). */
export function wholeNumber(parsed: ParsedArgs, option: string): number | undefined {
  if (!parsed.options.has(option)) return undefined;
  const value = Number(parsed.options.get(option));
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${option} must be a whole number >= 1, got ${parsed.options.get(option)}.`, `e.g. ${option} 2.`);
  return value;
}
