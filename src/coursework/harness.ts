import { randomBytes } from 'crypto';
import { CodeCell, codeCell } from '../notebook/nbformat';

/**
 * The grader's own code in a graded notebook: a preamble cell that runs before any
 * student code, and an integrity check at the start of each test cell.
 *
 * The preamble captures what the tests rely on (the `dh.check` functions and the
 * `downhill` module, `vm` (which tslab runs every cell through), `Promise`,
 * `Error`, the `Math` and `Number` functions the checks use, `Function.prototype.call`
 * and friends) and freezes the objects that hold them where freezing breaks
 * nothing (the modules, `Promise`, `Math`), so that replacing them fails. It then
 * defines, as a global that cannot be replaced or deleted, a check that compares
 * what is there now with what was captured, with property descriptors read through
 * the captured `Reflect`, so that getters and proxies do not pass for the original.
 * Each test cell starts with a call of that check, with the `dh` the test cell
 * sees, which throws, naming what was replaced, when anything was: the test fails,
 * and the grader flags the submission (see grade.ts).
 *
 * This is a tripwire, not a wall: code in the same process can, with enough effort,
 * reach what this does not watch (tslab's own modules through require.cache, say).
 * The sandbox bounds what such a submission can do to anyone else; the flag tells a
 * person to look.
 */
export interface Harness {
  /** A fresh random name for this grading's check (not a secret: it only has to be one no submission declares). */
  nonce: string;
  preamble: CodeCell;
  /**
   * The integrity check, one statement on one line: put at the start of a test
   * cell's first line (so that the line numbers of its errors stay the student's),
   * it throws before the test runs when anything was replaced.
   */
  guard: string;
}

/** How the message of a failed integrity check starts. */
export const TAMPERING = 'downhill-harness: the submission replaced';

/** What was replaced, from the error line of a failed test cell whose integrity check threw; undefined if it did not. */
export function replacedIn(message: string): string | undefined {
  return new RegExp(`^\\s*\\w*Error: ${TAMPERING}: (.*)$`, 'm').exec(message)?.[1];
}

export function createHarness(): Harness {
  const nonce = `__downhillHarness_${randomBytes(8).toString('hex')}`;
  const preamble = codeCell(`// downhill grader: capture what the tests rely on, before any submitted code runs
{
  const vm = require('vm');
  const dh = require('downhill');
  const R = Reflect;
  const descriptor = Reflect.getOwnPropertyDescriptor;
  const freeze = Object.freeze;
  const CapturedError = Error;
  const setPrototypeOf = Object.setPrototypeOf;
  // Descriptors without a prototype: reading .value or .get of one never reaches a getter a submission put on Object.prototype.
  const own = (owner: object, key: PropertyKey) => {
    const d = descriptor(owner, key);
    return d === undefined ? undefined : (setPrototypeOf(d, null) as PropertyDescriptor);
  };
  const watched: [string, object, PropertyKey, PropertyDescriptor | undefined][] = [];
  const watch = (label: string, owner: object, key: PropertyKey) => watched.push([label + '.' + String(key), owner, key, own(owner, key)]);
  for (const key of R.ownKeys(dh.check)) watch('dh.check', dh.check, key);
  for (const key of ['check', 'fit', 'descend', 'optim', 'models', 'losses', 'landscapes', 'runtime']) watch('dh', dh, key);
  for (const key of ['runInThisContext', 'runInContext', 'runInNewContext', 'Script', 'compileFunction']) watch('vm', vm, key);
  watch('vm.Script.prototype', vm.Script.prototype, 'runInThisContext');
  for (const key of ['race', 'all', 'allSettled', 'any', 'resolve', 'reject']) watch('Promise', Promise, key);
  for (const key of ['then', 'catch', 'finally']) watch('Promise.prototype', Promise.prototype, key);
  for (const key of ['abs', 'max', 'min', 'floor', 'round', 'sqrt']) watch('Math', Math, key);
  for (const key of ['isFinite', 'isNaN', 'isInteger']) watch('Number', Number, key);
  for (const key of ['call', 'apply', 'bind']) watch('Function.prototype', Function.prototype, key);
  for (const key of ['apply', 'construct', 'getOwnPropertyDescriptor']) watch('Reflect', Reflect, key);
  for (const key of ['is', 'freeze', 'defineProperty']) watch('Object', Object, key);
  watch('Array', Array, 'from');
  for (const key of ['Promise', 'Error', 'Math', 'Number', 'Reflect', 'Object', 'Array', 'Function', 'require']) watch('globalThis', globalThis, key);
  for (const o of [dh, dh.check, vm, vm.Script.prototype, Promise, Promise.prototype, Math]) freeze(o);
  for (const key of R.ownKeys(dh.check)) {
    const f = R.getOwnPropertyDescriptor(dh.check, key)?.value;
    if (typeof f === 'function') freeze(f);
  }
  const same = (a: PropertyDescriptor | undefined, b: PropertyDescriptor | undefined) =>
    a === b || (a !== undefined && b !== undefined && a.value === b.value && a.get === b.get && a.set === b.set);
  // Only indexes into arrays made here and string concatenation: a submission may have replaced the array
  // iterator or put setters on Array.prototype, which for-of, destructuring or push would run.
  const verify = (visibleDh: unknown): void => {
    let list = visibleDh === dh ? '' : 'dh (the name the tests use)';
    for (let i = 0; i < watched.length; i++) {
      const w = watched[i];
      if (!same(own(w[1], w[2]), w[3])) list += (list ? ', ' : '') + w[0];
    }
    if (list) throw new CapturedError('${TAMPERING}: ' + list);
  };
  R.defineProperty(globalThis, '${nonce}', { value: freeze(verify), writable: false, configurable: false, enumerable: false });
}`);
  return {
    nonce,
    preamble,
    // The message is made by the check, so that it is not in the cell's code (which the kernel quotes with an error).
    guard: `(globalThis as unknown as Record<string, (d: unknown) => void>)['${nonce}'](dh); `,
  };
}
