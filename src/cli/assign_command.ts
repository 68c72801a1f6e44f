import * as path from 'path';
import { assign } from '../coursework/assign';
import { UsageError, parseArgs } from './args';
import { Command } from './commands';
import { positiveNumber } from './numbers';

const USAGE = 'downhill assign SOURCE.ipynb --out DIR [--timeout SECONDS]';

const HELP = `${USAGE}

Makes the student version of an assignment notebook. SOURCE is the instructor's
notebook: code between '// BEGIN SOLUTION' and '// END SOLUTION' lines is the model
answer; code cells tagged 'tests' hold checks students see, 'hidden-tests' checks
they do not; metadata.downhill.points gives a test cell's points (default 1).

First SOURCE is run: every cell must pass with the solutions in place, else nothing
is written and the failing cell is named. Then the student version is checked to
compile without the solutions. It is written to DIR/SOURCE with solutions replaced
by a stub that throws "not implemented yet", hidden tests removed, outputs cleared
and test cells read-only, beside DIR/NAME.manifest.json (test fingerprints).

  --out DIR       where the student version goes (required)
  --timeout SEC   time limit per cell while checking (default 600)`;

export const assignCommand: Command = {
  summary: 'make the student version of an assignment (solutions out, hidden tests out)',
  usage: USAGE,
  async run(args) {
    if (args.includes('--help')) {
      console.log(HELP);
      return 0;
    }
    const parsed = parseArgs(args, { options: ['--out', '--timeout'] }, USAGE);
    if (parsed.positional.length !== 1) throw new UsageError('give exactly one source notebook.', `usage: ${USAGE}`);
    const outDir = parsed.options.get('--out');
    if (!outDir) throw new UsageError('--out DIR is required.', `usage: ${USAGE}`);
    const result = await assign(parsed.positional[0], {
      outDir,
      timeoutSeconds: positiveNumber(parsed, '--timeout'),
      onProgress: (line) => process.stderr.write(line + '\n'),
    });
    console.log(`wrote ${path.resolve(result.student)} (${result.tests} visible and ${result.hiddenTests} hidden test cells, ${result.maxScore} points)`);
    console.log(`wrote ${path.resolve(result.manifest)}`);
    return 0;
  },
};
