import { strict as assert } from 'assert';
import * as path from 'path';
import { readNotebook } from '../src/notebook/nbformat';
import { executeNotebook } from '../src/notebook/runner';
import { centredAverage } from '../src/train/centred_average';
import { ROOT } from './helpers/notebooks';
import * as dh from '../src';

const DIR = path.join(ROOT, 'notebooks');

describe('lessons 3, 4, 6: their claims can fail', function () {
  this.timeout(600000);

  it("lrRangeTest's centred average does not lag: on a straight line it is the line, where a running average trails", () => {
    const line = Array.from({ length: 50 }, (_, i) => 100 - i);
    const centred = centredAverage(line, 5);
    for (let i = 5; i < 45; i++) assert.equal(centred[i], line[i]);
    // The bias-corrected running average (β = 0.9) of the same line sits above it: it trails by ~β/(1 − β) = 9 steps.
    let average = 0;
    const running = line.map((v, t) => {
      average = 0.9 * average + 0.1 * v;
      return average / (1 - 0.9 ** (t + 1));
    });
    assert.ok(running[40] - line[40] > 5, `running average ${running[40]} against ${line[40]}`);
    // The window shrinks at the ends: the first value averages values[0..window].
    assert.equal(centredAverage([1, 2, 3, 10], 1)[0], 1.5);
  });

  it('plot.lossCurve with smooth draws each run raw (faint) and as its centred average, which turns where the raw values turn', () => {
    const losses = [5, 4, 3, 2, 1, 2, 3, 4, 5];
    const history = dh.History.fromTrajectory('v', losses.map((l) => [l]), losses);
    const fig = dh.plot.lossCurve({ v: history }, { smooth: 1 });
    assert.equal(fig.data.length, 2);
    assert.equal(fig.data[0].showlegend, false);
    const averaged = fig.data[1].y as number[];
    assert.equal(averaged.indexOf(Math.min(...averaged)), losses.indexOf(1));
    assert.throws(() => dh.plot.lossCurve({ v: history }, { smooth: 0.5 }), /smooth/);
  });

  it('lesson 6 with a learning rate ten times smaller: its check that clipping by norm converges fails', async () => {
    const nb = readNotebook(path.join(DIR, '06-gradient-clipping.ipynb'));
    const result = await executeNotebook(nb, { cwd: DIR, parameters: { lr: 0.001 }, label: '06 with lr 0.001', timeoutSeconds: 300 });
    assert.equal(result.failures.length, 1, result.failures.map((f) => f.message).join('\n'));
    const failure = result.failures[0];
    assert.equal(failure.codeCell, failure.codeCells, 'the failing cell is the checks cell');
    assert.match(failure.message, /clip by norm converged/);
  });
});
