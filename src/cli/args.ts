import { DownhillError } from '../errors';

/** A mistake in how a command was called (exit status 2). */
export class UsageError extends DownhillError {}

export interface ArgSpec {
  /** Flags without a value, e.g. ['--inplace']. */
  flags?: string[];
  /** Options with one value, e.g. ['--output']. */
  options?: string[];
  /** Options with two values that may repeat, e.g. ['-p'] for `-p name value`. */
  pairs?: string[];
}

export interface ParsedArgs {
  positional: string[];
  flags: Set<string>;
  options: Map<string, string>;
  pairs: Map<string, [string, string][]>;
}

/**
 * Parses `args` by `spec`; `--name=value` works too. Unknown options are errors naming the command's usage.
 * `--` ends the options: every argument after it is positional (a file named `-p.ipynb`).
 */
export function parseArgs(args: string[], spec: ArgSpec, usage: string): ParsedArgs {
  const out: ParsedArgs = { positional: [], flags: new Set(), options: new Map(), pairs: new Map() };
  for (let i = 0; i < args.length; i++) {
    let arg = args[i];
    if (arg === '--') {
      out.positional.push(...args.slice(i + 1));
      break;
    }
    let inline: string | undefined;
    if (arg.startsWith('--') && arg.includes('=')) [arg, inline] = [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)];
    if (spec.flags?.includes(arg)) out.flags.add(arg);
    else if (spec.options?.includes(arg)) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new UsageError(`${arg} needs a value.`, `usage: ${usage}`);
      out.options.set(arg, value);
    } else if (spec.pairs?.includes(arg)) {
      const [name, value] = [args[++i], args[++i]];
      if (name === undefined || value === undefined) throw new UsageError(`${arg} needs a name and a value.`, `usage: ${usage}`);
      out.pairs.set(arg, [...(out.pairs.get(arg) ?? []), [name, value]]);
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option ${arg}.`, `usage: ${usage}`);
    } else out.positional.push(arg);
  }
  return out;
}

/** Runs `work` over `items` with at most `jobs` at a time; results keep the input order. */
export async function pool<T, R>(items: T[], jobs: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  return results;
}
