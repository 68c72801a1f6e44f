import { DownhillError } from './errors';
import { checkFiniteNumber, checkInRange, checkInteger, checkNonNegative, checkOptions, checkPositive, describe } from './validate';

/**
 * Options declared once: each option of a function is a default and a check, and
 * the check is given the name the user wrote, so an error names that option
 * (`betas[1]`, not an internal `b2`).
 *
 *   const ADAM = { lr: learningRate(1e-3), betas: pair(unitInterval(), [0.9, 0.999]), eps: nonNegative(1e-8) };
 *   const o = readOptions('adam', options, ADAM);   // o.betas: [number, number]
 */
export interface Option<T> {
  /** The value used when the option is not given; absent for a required option. */
  readonly default?: T;
  readonly required?: boolean;
  /** Checks a given value; `name` is the option as the user wrote it. */
  check(where: string, name: string, value: unknown): T;
}

export type Declaration = Record<string, Option<unknown>>;

/** The checked values of a declaration's options. */
export type OptionValues<D extends Declaration> = { [K in keyof D]: D[K] extends Option<infer T> ? T : never };

/** Refuses unknown names (suggesting the right spelling), then checks every option or takes its default. */
export function readOptions<D extends Declaration>(where: string, options: object | undefined, declaration: D): OptionValues<D> {
  checkOptions(where, options, Object.keys(declaration));
  const given = (options ?? {}) as Record<string, unknown>;
  const values: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(declaration)) {
    const value = given[name];
    if (value !== undefined) values[name] = option.check(where, name, value);
    else if (option.required) {
      throw new DownhillError(`${where}: the option '${name}' is required.`, `pass ${name}, e.g. ${where}({ ${name}: ... }).`);
    } else values[name] = option.default;
  }
  return values as OptionValues<D>;
}

/** An option with a default and a check. */
export function option<T>(defaultValue: T | undefined, check: (where: string, name: string, value: unknown) => T): Option<T> {
  return defaultValue === undefined ? { required: true, check } : { default: defaultValue, check };
}

/** A number >= 0 (0 turns the feature off). */
export const nonNegative = (defaultValue?: number) => option(defaultValue, checkNonNegative);

/** A number > 0. */
export const positive = (defaultValue?: number, example = '0.01') =>
  option(defaultValue, (where, name, value) => checkPositive(where, name, value, example));

/** A number in [lo, hi) (or [lo, hi] when closed). */
export const inRange = (defaultValue: number | undefined, lo: number, hi: number, closed = false) =>
  option(defaultValue, (where, name, value) => checkInRange(where, name, value, lo, hi, closed));

/** A decay factor such as a beta: in [0, 1). */
export const unitInterval = (defaultValue?: number) => inRange(defaultValue, 0, 1);

/** A whole number >= min. */
export const integer = (defaultValue: number | undefined, min = 0) =>
  option(defaultValue, (where, name, value) => checkInteger(where, name, value, min));

/** Any finite number. */
export const finite = (defaultValue?: number) => option(defaultValue, checkFiniteNumber);

/** true or false. */
export const flag = (defaultValue = false) =>
  option(defaultValue, (where, name, value) => {
    if (typeof value !== 'boolean') {
      throw new DownhillError(`${where}: '${name}' must be true or false, got ${describe(value)}.`, `pass ${name}: true or ${name}: false.`);
    }
    return value;
  });

/** One of a few strings. */
export function oneOf<T extends string>(defaultValue: T, choices: readonly T[]): Option<T> {
  return option(defaultValue, (where, name, value) => {
    if (!choices.includes(value as T)) {
      throw new DownhillError(
        `${where}: '${name}' must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describe(value)}.`,
        `use ${name}: '${defaultValue}'.`,
      );
    }
    return value as T;
  });
}

/** A pair such as betas: each element checked by `element` under the name `name[0]`, `name[1]`. */
export function pair<T>(element: Option<T>, defaultValue?: [T, T]): Option<[T, T]> {
  return option(defaultValue, (where, name, value) => {
    if (!Array.isArray(value) || value.length !== 2) {
      const example = defaultValue ? `[${defaultValue.join(', ')}]` : '[a, b]';
      throw new DownhillError(`${where}: '${name}' must be a pair ${example}, got ${describe(value)}.`, `use ${name}: ${example}.`);
    }
    return [element.check(where, `${name}[0]`, value[0]), element.check(where, `${name}[1]`, value[1])];
  });
}

/** A list of whole numbers >= min, in non-decreasing order (e.g. milestones). */
export function integerList(defaultValue: number[] | undefined, min = 0): Option<number[]> {
  return option(defaultValue, (where, name, value) => {
    if (!Array.isArray(value)) {
      throw new DownhillError(`${where}: '${name}' must be a list of whole numbers, got ${describe(value)}.`, `pass e.g. ${name}: [10, 20].`);
    }
    value.forEach((v, i) => {
      checkInteger(where, `${name}[${i}]`, v, min);
      if (i > 0 && v < value[i - 1]) {
        throw new DownhillError(`${where}: '${name}' must be in increasing order, got [${value.join(', ')}].`, `sort it: [${[...value].sort((a, b) => a - b).join(', ')}].`);
      }
    });
    return value as number[];
  });
}
