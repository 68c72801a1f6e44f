import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as dh from '../src';
import { forDisplay } from '../src/display/display_precision';
import { codeCell, newNotebook, serializeNotebook } from '../src/notebook/nbformat';
import { expectDownhillError, initRuntime } from './helpers/setup';

function captureLog<T>(fn: () => Promise<T> | T): Promise<{ value: T; lines: string[] }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void lines.push(args.join(' '));
  return Promise.resolve()
    .then(fn)
    .then(
      (value) => {
        console.log = log;
        return { value, lines };
      },
      (e) => {
        console.log = log;
        throw e;
      },
    );
}

describe('display outside a notebook', () => {
  before(initRuntime);

  it('show writes a standalone HTML file with plotly.js inside and prints its path', async () => {
    const file = path.join(os.tmpdir(), `downhill-test-${process.pid}.html`);
    const fig = dh.plot.lineChart({ loss: [3, 2, 1] }, { title: 'A loss' });
    const { lines } = await captureLog(() => dh.show(fig, { file }));
    assert.match(lines.join('\n'), new RegExp(`figure written to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const html = fs.readFileSync(file, 'utf8');
    assert.ok(html.includes('window.Plotly') && html.length > 4e6, 'plotly.js is embedded');
    assert.ok(!/<script[^>]+src=/.test(html), 'no external script');
    assert.ok(html.includes('"A loss"'));
    fs.unlinkSync(file);
  });

  it('the default file goes to the temporary folder', async () => {
    const { lines } = await captureLog(() => dh.show(dh.plot.lineChart({ a: [1, 2] }, { title: 'Temp figure' })));
    const file = lines.join('\n').match(/figure written to (\S+)/)![1];
    assert.ok(file.startsWith(os.tmpdir()));
    assert.match(path.basename(file), /^temp-figure-\d+\.html$/);
    fs.unlinkSync(file);
  });

  it('table prints aligned text (the same as tableText)', async () => {
    const rowsIn = [{ name: 'sgd', loss: 0.123456, steps: 10 }, { name: 'adam', loss: 1e-5, steps: 200 }];
    const { value, lines } = await captureLog(() => dh.table(rowsIn));
    assert.equal(value, undefined, 'nothing returned, so a notebook shows it once');
    assert.equal(lines.join('\n'), dh.tableText(rowsIn));
    const rows = lines.join('\n').split('\n');
    assert.match(rows[0], /^name\s+loss\s+steps$/);
    assert.match(rows[2], /^sgd\s+0\.1235\s+10$/);
    assert.match(rows[3], /^adam\s+1\.000e-5\s+200$/);
  });

  it('liveLoss writes the final chart to a file when training ends', async () => {
    const model = dh.models.linear();
    const { lines } = await captureLog(() =>
      dh.fit({ model, loss: dh.losses.mse, data: { x: [1, 2], y: [1, 2] }, optimizer: dh.optim.sgd({ lr: 0.1 }), epochs: 5, callbacks: [dh.liveLoss()] }),
    );
    const written = lines.join('\n').match(/figure written to (\S+)/);
    assert.ok(written, lines.join('\n'));
    assert.ok(fs.readFileSync(written![1], 'utf8').includes('Loss per step'));
    fs.unlinkSync(written![1]);
  });

  it('the figure HTML escapes "</script>" in titles', () => {
    const html = dh.figureFragment(dh.plot.lineChart({ a: [1, 2] }, { title: '</script><b>x' }));
    assert.equal(html.match(/<\/script>/g)?.length, 1, 'only the closing tag of the script itself');
  });

  it('bad input: show refuses something that is not a figure', () => expectDownhillError(() => dh.show({} as never), /expected a figure/));

  it('bad input: an empty table', () => expectDownhillError(() => dh.table([]), /no rows to show/));

  it('bad input: toPNG without Chromium says how to install it', async () => {
    const saved = process.env.DOWNHILL_CHROMIUM;
    process.env.DOWNHILL_CHROMIUM = '/nonexistent/chrome';
    try {
      await expectDownhillError(() => dh.toPNG(dh.plot.lineChart({ a: [1] })), /DOWNHILL_CHROMIUM points to \/nonexistent\/chrome/, /apt-get install chromium/);
    } finally {
      if (saved === undefined) delete process.env.DOWNHILL_CHROMIUM;
      else process.env.DOWNHILL_CHROMIUM = saved;
    }
  });
});

describe('what a notebook or page stores of a chart', () => {
  it('numbers are rounded to 6 significant digits (integers kept; the figure itself untouched)', () => {
    const fig: dh.plot.Figure = { data: [{ type: 'scatter', x: [1, 2, 3], y: [0.12345678901, 1234567.891, -2.5e-9 / 3] }], layout: { width: 700 } };
    const shown = forDisplay(fig);
    assert.deepEqual(shown.data[0].x, [1, 2, 3]);
    assert.deepEqual(shown.data[0].y, [0.123457, 1234570, -8.33333e-10]);
    assert.equal((fig.data[0].y as number[])[0], 0.12345678901, 'the caller’s figure is not changed');
    assert.equal(shown.layout.width, 700);
  });

  it('an executed notebook keeps arrays of numbers on one line, and reads back the same', () => {
    const nb = newNotebook();
    nb.cells.push({ ...codeCell('const a = "[\\n 1,\\n 2\\n]";'), outputs: [{ output_type: 'display_data', data: { 'application/vnd.plotly.v1+json': { data: [{ x: [1, 2.5, -3e-7], y: [null, true, 4] }] } }, metadata: {} }] });
    const text = serializeNotebook(nb);
    assert.match(text, /"x": \[1,2\.5,-3e-7\]/);
    assert.match(text, /"y": \[null,true,4\]/);
    assert.ok(text.includes(JSON.stringify('const a = "[\\n 1,\\n 2\\n]";')), 'a string that looks like an array is left alone');
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(nb)));
  });
});
