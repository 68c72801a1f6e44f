import * as dh from '../../src';

/** Every test file starts the runtime the same way (DOWNHILL_BACKEND picks another backend). */
export async function initRuntime(): Promise<dh.runtime.RuntimeInfo> {
  return dh.runtime.init();
}

/** Asserts that `fn` throws (or rejects with) a DownhillError whose message matches every pattern. */
export async function expectDownhillError(fn: () => unknown, ...patterns: RegExp[]): Promise<dh.DownhillError> {
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  if (!(error instanceof dh.DownhillError)) {
    throw new Error(`expected a DownhillError, got ${error === undefined ? 'no error' : String(error)}`);
  }
  for (const p of patterns) {
    if (!p.test(error.message)) throw new Error(`error message does not match ${p}:\n${error.message}`);
  }
  if (!/\nFix: \S/.test(error.message)) throw new Error(`error message has no fix:\n${error.message}`);
  return error;
}
