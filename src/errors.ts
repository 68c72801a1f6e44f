/**
 * Errors that name the problem and the fix.
 *
 * Every error downhill throws on bad input is a DownhillError: its message has the
 * problem on the first line and "Fix: ..." on the second, so a learner reading a
 * notebook traceback knows what to change.
 */
export class DownhillError extends Error {
  readonly problem: string;
  readonly fix: string;

  constructor(problem: string, fix: string) {
    super(`${problem}\nFix: ${fix}`);
    this.name = 'DownhillError';
    this.problem = problem;
    this.fix = fix;
  }
}
