import { DownhillError } from '../errors';

/**
 * How much output the kernel sends before it stops sending and says so. A front end
 * (or a grader) that receives millions of lines slows to a halt; these caps keep a
 * runaway loop from taking the notebook with it.
 *
 * - `DOWNHILL_MAX_CELL_OUTPUT_BYTES`: printed text (stdout and stderr) per cell; default 8 MiB.
 * - `DOWNHILL_MAX_OUTPUT_BYTES`: everything the kernel sends as output (text, displays, results) over its life; default unlimited.
 * 0 means unlimited.
 */
export interface OutputLimits {
  cellBytes: number;
  totalBytes: number;
}

export const DEFAULT_CELL_OUTPUT_BYTES = 8 * 1024 * 1024;

function limitFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback || Infinity;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw new DownhillError(`${name}=${JSON.stringify(raw)} is not a number of bytes.`, `set it to a whole number of bytes (0 for no limit), e.g. ${name}=${fallback || 1048576}.`);
  }
  return n === 0 ? Infinity : n;
}

export function outputLimitsFrom(env: NodeJS.ProcessEnv): OutputLimits {
  return {
    cellBytes: limitFrom(env, 'DOWNHILL_MAX_CELL_OUTPUT_BYTES', DEFAULT_CELL_OUTPUT_BYTES),
    totalBytes: limitFrom(env, 'DOWNHILL_MAX_OUTPUT_BYTES', 0),
  };
}

export function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) ? 1 : 0)} MiB` : n >= 1024 ? `${Math.round(n / 1024)} KiB` : `${n} bytes`;
}
