import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { executeNotebook } from '../src/notebook/runner';
import { readNotebook, Notebook, codeCell } from '../src/notebook/nbformat';
import { cli, printed, tempDir, writeNotebook } from './helpers/notebooks';

/** Runs a notebook file with the real tslab kernel, in its own folder. */
async function run(file: string, options: Parameters<typeof executeNotebook>[1] | object = {}) {
  const nb = readNotebook(file);
  return executeNotebook(nb, { cwd: path.dirname(file), ...options });
}

function outputsOf(nb: Notebook, codeCellNumber: number) {
  const cell = nb.cells.filter((c) => c.cell_type === 'code')[codeCellNumber - 1];
  return cell.cell_type === 'code' ? cell.outputs : [];
}

describe('headless runner against the real tslab kernel', function () {
  this.timeout(120000);
  const dir = tempDir();

  it('runs the code cells in order from a folder outside the project: downhill, tfjs and tslab import and type-check', async () => {
    const file = writeNotebook(dir, 'imports.ipynb', [
      'md:# Imports',
      "import * as dh from 'downhill';\nimport * as tf from '@tensorflow/tfjs';\nimport * as tslab from 'tslab';\nconsole.log(typeof dh.fit, typeof tf.tensor, typeof tslab.display.html);",
      'const h: dh.History = new dh.History("typed");\nh.label',
      // A deliberate type error against downhill's own types proves they were found.
      "const wrong = dh.optim.sgd({ lr: 'fast' });",
    ]);
    const result = await run(file, { allowErrors: true });
    assert.equal(printed(result.notebook, 1), 'function function function\n');
    const value = outputsOf(result.notebook, 2).find((o) => o.output_type === 'execute_result');
    assert.ok(value?.output_type === 'execute_result' && value.data['text/plain'] === "'typed'", 'the last expression is the cell\'s value');
    const typeError = outputsOf(result.notebook, 3).find((o) => o.output_type === 'error');
    assert.ok(typeError?.output_type === 'error' && typeError.ename === 'TypeScriptError', JSON.stringify(outputsOf(result.notebook, 3)));
    assert.match(typeError.evalue, /1:30 - Type 'string' is not assignable to type 'LearningRate'/);
    assert.deepEqual(result.notebook.cells.filter((c) => c.cell_type === 'code').map((c) => c.cell_type === 'code' && c.execution_count), [1, 2, 3]);
    assert.equal(result.failures.length, 1);
  });

  it('a variable from an earlier cell works in a shorthand property ({ lr })', async () => {
    const file = writeNotebook(dir, 'shorthand.ipynb', ['const lr = 0.25;', 'const options = { lr };\nconsole.log(options.lr)']);
    const result = await run(file);
    assert.ok(result.ok, result.failures.map((f) => f.message).join('\n'));
    assert.equal(printed(result.notebook, 2), '0.25\n');
  });

  it('records display data with several representations, and display updates in place', async () => {
    const file = writeNotebook(dir, 'display.ipynb', [
      "import * as dh from 'downhill';\nawait dh.show(dh.plot.lineChart({ loss: [3, 2, 1] }, { title: 'Shown' }));",
      "const model = dh.models.linear();\nawait dh.fit({ model, loss: dh.losses.mse, data: { x: [1, 2], y: [1, 2] }, optimizer: dh.optim.sgd({ lr: 0.1 }), epochs: 30, callbacks: [dh.liveLoss({ intervalMs: 0 })] });",
      "dh.table([{ optimizer: 'sgd', loss: 0.5 }]);",
    ]);
    const result = await run(file);
    assert.ok(result.ok, result.failures.map((f) => f.message).join('\n'));
    const first = outputsOf(result.notebook, 1);
    assert.equal(first.length, 1, 'one output: the figure (no plotly.js loader output)');
    const figure = first[0];
    assert.equal(figure.output_type, 'display_data');
    if (figure.output_type !== 'display_data') return;
    const parts = Object.keys(figure.data).sort();
    assert.ok(parts.join() === 'application/vnd.plotly.v1+json,image/png,text/plain' || parts.join() === 'application/vnd.plotly.v1+json,image/png,image/webp,text/plain', `parts: ${parts}`);
    assert.equal((figure.data['application/vnd.plotly.v1+json'] as { layout: { title: { text: string } } }).layout.title.text, 'Shown');
    if (figure.data['image/webp']) assert.ok(String(figure.data['image/webp']).length < String(figure.data['image/png']).length, 'the WebP copy is kept only when lighter than the PNG');
    const live = outputsOf(result.notebook, 2);
    assert.equal(live.filter((o) => o.output_type === 'display_data').length, 1, '30 updates, one output');
    const chart = live.find((o) => o.output_type === 'display_data');
    assert.ok(chart?.output_type === 'display_data' && chart.data['image/png'], 'the final update carries a PNG');
    const plotly = chart?.output_type === 'display_data' ? (chart.data['application/vnd.plotly.v1+json'] as { data: { x: number[] }[] }) : undefined;
    assert.equal(plotly?.data[0].x.length, 30, 'the last update shows every step');
    const table = outputsOf(result.notebook, 3)[0];
    assert.ok(table.output_type === 'display_data' && String(table.data['text/html']).includes('<table') && String(table.data['text/plain']).includes('optimizer'));
  });

  it('parameters: a cell tagged parameters is overridden by an injected cell', async () => {
    const nbFile = writeNotebook(dir, 'params.ipynb', [codeCell('const epochs: number = 10;\nlet label = "full";', ['parameters']), 'console.log(epochs, label)']);
    const result = await run(nbFile, { parameters: { epochs: 2, label: 'light' } });
    assert.ok(result.ok, result.failures.map((f) => f.message).join('\n'));
    const injected = result.notebook.cells[1];
    assert.deepEqual(injected.metadata.tags, ['injected-parameters']);
    assert.match(Array.isArray(injected.source) ? injected.source.join('') : injected.source, /const epochs: number = 2;\nlet label = "light";/);
    assert.equal(printed(result.notebook, 3), '2 light\n');
  });

  it('parameters: an undeclared name is refused before anything runs', async () => {
    const nbFile = writeNotebook(dir, 'params2.ipynb', [codeCell('const epochs = 10;', ['parameters'])]);
    await assert.rejects(run(nbFile, { parameters: { epoch: 2 } }), /does not declare 'epoch' \(it declares epochs\)/);
  });

  it('stops at the first failing cell and says which, with an excerpt and the error line', async () => {
    const file = writeNotebook(dir, 'fails.ipynb', ['const a = 1;', 'const b: string = a;\nconsole.log(b)', 'console.log("never")']);
    const out = path.join(dir, 'out-fails');
    const r = await cli(['run', file, '--output', out]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /fails\.ipynb: cell 2 \(code cell 2 of 3\) failed:/);
    assert.match(r.stderr, /1 > const b: string = a;/);
    assert.match(r.stderr, /1:7 - Type 'number' is not assignable to type 'string'/);
    assert.match(r.stderr, /1 later code cell was not run/);
    const nb = readNotebook(path.join(out, 'fails.ipynb'));
    assert.equal(printed(nb, 3), '', 'the third cell did not run');
  });

  it('--allow-errors keeps going: the cells after an error run, none aborted or skipped', async () => {
    const file = writeNotebook(dir, 'errors.ipynb', ['throw new Error("first")', 'console.log("second")', 'throw new Error("third")', 'console.log("fourth")', 'console.log("fifth")']);
    const result = await run(file, { allowErrors: true });
    assert.equal(result.failures.length, 2);
    const first = outputsOf(result.notebook, 1);
    assert.deepEqual(first.map((o) => o.output_type === 'error' && [o.ename, o.evalue]), [['Error', 'first']], 'an error output, no stderr text');
    assert.equal(printed(result.notebook, 2), 'second\n');
    assert.equal(printed(result.notebook, 4), 'fourth\n');
    assert.equal(printed(result.notebook, 5), 'fifth\n');
    assert.deepEqual(result.failures.map((f) => f.codeCell), [1, 3]);
  });

  it('a cell that never ends is interrupted at the timeout; the kernel lives on', async () => {
    const file = writeNotebook(dir, 'loop.ipynb', ['while (true) {}', 'console.log("still alive")']);
    const result = await run(file, { timeoutSeconds: 2, allowErrors: true });
    assert.equal(result.failures[0].status, 'timeout');
    assert.match(result.failures[0].message, /ran longer than 2 s and was interrupted/);
    const errors = outputsOf(result.notebook, 1).map((o) => o.output_type === 'error' && o.ename);
    assert.deepEqual(errors, ['KeyboardInterrupt', 'CellTimeoutError'], 'the kernel says it was interrupted, the runner says why');
    assert.equal(printed(result.notebook, 2), 'still alive\n');
  });

  it('a cell that ignores the interrupt is ended by killing the kernel', async () => {
    const file = writeNotebook(dir, 'stubborn.ipynb', ["process.removeAllListeners('SIGINT');\nprocess.on('SIGINT', () => {});\nawait new Promise(() => {});", 'console.log("never")']);
    const result = await run(file, { timeoutSeconds: 1, allowErrors: true });
    assert.equal(result.failures[0].status, 'timeout');
    assert.match(result.failures[0].message, /did not stop, the kernel was killed/);
    assert.equal(result.skipped, 1, 'nothing can run after the kernel is gone');
  });

  it('a kernel that dies (process.exit) is detected and reported', async () => {
    const file = writeNotebook(dir, 'exit.ipynb', ['console.log("before")', 'process.exit(7)', 'console.log("after")']);
    const r = await cli(['run', file, '--output', path.join(dir, 'out-exit')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cell 2 \(code cell 2 of 3\) killed the kernel/);
    assert.match(r.stderr, /the kernel died \(exited with code 7\)/);
  });

  it('--inplace never overwrites the input with a partial result', async () => {
    const file = writeNotebook(dir, 'keep.ipynb', ['console.log(1)', 'throw new Error("x")']);
    const before = fs.readFileSync(file, 'utf8');
    const r = await cli(['run', file, '--inplace']);
    assert.equal(r.code, 1);
    assert.equal(fs.readFileSync(file, 'utf8'), before, 'input untouched');
    assert.ok(fs.existsSync(path.join(dir, 'keep.failed.ipynb')), 'the partial result is beside it');
    const ok = writeNotebook(dir, 'good.ipynb', ['console.log("fine")']);
    assert.equal((await cli(['run', ok, '--inplace'])).code, 0);
    assert.equal(printed(readNotebook(ok), 1), 'fine\n', 'a clean run is written back');
  });

  it('--jobs 2 runs two notebooks at once, reports progress per notebook, and -p applies to both', async () => {
    // A rendezvous: each notebook marks that it has started, then waits (up to 60 s) for the other's
    // mark. Run one after the other, the first would wait alone and print "alone".
    const meet = path.join(dir, 'meet');
    fs.mkdirSync(meet, { recursive: true });
    const cells = (name: string, other: string) => [
      codeCell('const n = 1;', ['parameters']),
      [
        "const fs = require('fs');",
        `fs.writeFileSync(${JSON.stringify(path.join(meet, name))}, '');`,
        'const until = Date.now() + 60000;',
        `while (!fs.existsSync(${JSON.stringify(path.join(meet, other))}) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));`,
        `console.log("${name}", n, fs.existsSync(${JSON.stringify(path.join(meet, other))}) ? "met" : "alone")`,
      ].join('\n'),
    ];
    const a = writeNotebook(dir, 'a.ipynb', cells('a', 'b'));
    const b = writeNotebook(dir, 'b.ipynb', cells('b', 'a'));
    const out = path.join(dir, 'out-jobs');
    const r = await cli(['run', a, b, '--jobs', '2', '--output', out, '-p', 'n', '5']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(printed(readNotebook(path.join(out, 'a.ipynb')), 3), 'a 5 met\n');
    assert.equal(printed(readNotebook(path.join(out, 'b.ipynb')), 3), 'b 5 met\n');
    assert.match(r.stderr, /\[1\/2 a\.ipynb\] cell 3\/3 ok/);
    assert.match(r.stderr, /\[2\/2 b\.ipynb\] cell 3\/3 ok/);
    assert.match(r.stderr, /2 of 2 notebooks ran cleanly/);
  });

  it('the kernels of one run draw their PNGs in one shared Chromium; a kernel that cannot reach it draws its own', async () => {
    const chart = (title: string) => [
      "import * as dh from 'downhill';",
      `await dh.show(dh.plot.lineChart({ loss: [3, 2, 1] }, { title: ${JSON.stringify(title)} }));`,
      'console.log(process.env.DOWNHILL_RENDER_SOCKET ? "shared" : "own");',
    ].join('\n');
    const a = writeNotebook(dir, 'shared-a.ipynb', [chart('A')]);
    const b = writeNotebook(dir, 'shared-b.ipynb', [chart('B')]);
    const out = path.join(dir, 'out-shared');
    const r = await cli(['run', a, b, '--jobs', '2', '--output', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /2 chart pictures drawn in one shared Chromium/, 'both charts went through the run\'s renderer');
    for (const name of ['shared-a.ipynb', 'shared-b.ipynb']) {
      const outputs = outputsOf(readNotebook(path.join(out, name)), 1);
      assert.equal(printed(readNotebook(path.join(out, name)), 1), 'shared\n');
      const figure = outputs.find((o) => o.output_type === 'display_data');
      assert.ok(figure?.output_type === 'display_data' && String(figure.data['image/png']).startsWith('iVBORw0KGgo'), `${name} has its PNG`);
    }
    // A kernel told of a renderer it cannot reach (a sandbox, a service gone) falls back to its own Chromium.
    const alone = await run(a, { env: { DOWNHILL_RENDER_SOCKET: path.join(dir, 'no-such-socket') } });
    assert.ok(alone.ok, alone.failures.map((f) => f.message).join('\n'));
    const figure = outputsOf(alone.notebook, 1).find((o) => o.output_type === 'display_data');
    assert.ok(figure?.output_type === 'display_data' && String(figure.data['image/png']).startsWith('iVBORw0KGgo'), 'the PNG is drawn all the same');
  });

  it('bad input: not JSON, nbformat 3, a missing file, an unknown kernel', async () => {
    const notJson = path.join(dir, 'broken.ipynb');
    fs.writeFileSync(notJson, '{ "cells": [');
    let r = await cli(['run', notJson]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /broken\.ipynb is not valid JSON/);
    const v3 = path.join(dir, 'old.ipynb');
    fs.writeFileSync(v3, JSON.stringify({ nbformat: 3, worksheets: [] }));
    r = await cli(['run', v3]);
    assert.match(r.stderr, /not an nbformat 4 notebook \(nbformat is 3\)/);
    assert.match(r.stderr, /nbconvert --to notebook --nbformat 4/);
    r = await cli(['run', path.join(dir, 'nope.ipynb')]);
    assert.match(r.stderr, /no such notebook: .*nope\.ipynb/);
    const other = writeNotebook(dir, 'other.ipynb', ['1']);
    const nb = readNotebook(other);
    nb.metadata.kernelspec = { name: 'haskell' };
    fs.writeFileSync(other, JSON.stringify(nb));
    r = await cli(['run', other, '--output', path.join(dir, 'o')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /asks for the kernel 'haskell', which is not installed/);
    assert.match(r.stderr, /--kernel downhill/);
    r = await cli(['run', other, '--kernel', 'downhill', '--output', path.join(dir, 'o')]);
    assert.equal(r.code, 0, r.stderr);
  });

  it('bad usage: unknown options and missing values exit with code 2', async () => {
    let r = await cli(['run', 'x.ipynb', '--frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown option --frobnicate/);
    r = await cli(['run']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no notebook given/);
    r = await cli(['run', 'x.ipynb', '--timeout']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--timeout needs a value/);
    assert.equal((await cli(['nonsense'])).code, 2);
  });
});
