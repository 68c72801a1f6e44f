import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as dh from '../src';
import * as zlib from 'zlib';
import { forDisplay } from '../src/display/display_precision';
import { smallerPNG } from '../src/display/png_compression';
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

  it('PNGs are re-deflated: the same pixels in fewer bytes, valid chunks; what is not a PNG is left alone', () => {
    const width = 64;
    const height = 48;
    const rows = Buffer.concat(Array.from({ length: height }, (_, y) => Buffer.from([0, ...Array.from({ length: width * 3 }, (_, i) => (i * 7 + y * 3) % 256)])));
    const chunk = (type: string, data: Buffer, crc: number) => {
      const b = Buffer.alloc(12 + data.length);
      b.writeUInt32BE(data.length, 0);
      b.write(type, 4, 'latin1');
      data.copy(b, 8);
      b.writeUInt32BE(crc, 8 + data.length);
      return b;
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(width, 0);
    ihdr.writeUInt32BE(height, 4);
    ihdr.set([8, 2, 0, 0, 0], 8);
    const stored = zlib.deflateSync(rows, { level: 0 });
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr, 0), chunk('IDAT', stored, 0), chunk('IEND', Buffer.alloc(0), 0xae426082)]);
    const smaller = smallerPNG(png);
    assert.ok(smaller.length < png.length / 2, `${png.length} → ${smaller.length} bytes`);
    const idat = smaller.indexOf('IDAT', 8, 'latin1');
    assert.deepEqual(zlib.inflateSync(smaller.subarray(idat + 4, idat + 4 + smaller.readUInt32BE(idat - 4))), rows, 'the same pixels');
    assert.equal(smaller.readUInt32BE(smaller.length - 4), 0xae426082, "IEND's CRC is the one every PNG ends with");
    assert.ok(smaller.subarray(8, 29).equals(chunk('IHDR', ihdr, 0).subarray(0, 21)), 'the header chunk is kept');
    const notPNG = Buffer.from('not a png');
    assert.equal(smallerPNG(notPNG), notPNG);
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
