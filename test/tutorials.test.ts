import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { pool } from '../src/cli/args';
import { notebookToHTML } from '../src/notebook/export_html';
import { Notebook, joined, readNotebook, tagsOf } from '../src/notebook/nbformat';
import { RunResult, describeFailure, executeNotebook } from '../src/notebook/runner';
import { openPage, startBrowser } from './helpers/browser';
import { ROOT } from './helpers/notebooks';
import { BEGIN_SOLUTION, END_SOLUTION, checkAssignment, roleOf } from '../src/coursework/authoring';

const DIR = path.join(ROOT, 'notebooks');

/**
 * CI runs every tutorial. The three MNIST lessons get lighter parameters (their
 * checks adapt: e.g. ≥ 85% instead of ≥ 91.5% after fewer epochs); every other
 * lesson runs exactly as a learner gets it.
 */
const LIGHTER: Record<string, Record<string, unknown>> = {
  '08-mnist-softmax-regression.ipynb': { epochs: 2, trainSize: 20000 },
  '09-mnist-mlp-and-diagnostics.ipynb': { epochs: 1, trainSize: 20000 },
  '10-write-your-own-optimizer.ipynb': { mnistSize: 10000, mnistEpochs: 1 },
};

/** Lessons also run on WebGPU in CI (the others work there too, but software WebGPU is slow). */
const ON_WEBGPU = ['01-descent-on-a-curve.ipynb', '02-linear-regression.ipynb', '06-gradient-clipping.ipynb', '07-local-minima-and-saddles.ipynb', '08-mnist-softmax-regression.ipynb'];

const CURRICULUM = [
  'descent-on-a-curve', 'linear-regression', 'batch-stochastic-minibatch', 'learning-rates-and-schedules', 'optimizers',
  'gradient-clipping', 'local-minima-and-saddles', 'mnist-softmax-regression', 'mnist-mlp-and-diagnostics',
  'write-your-own-optimizer', 'the-runtime',
];

describe('the tutorials', function () {
  this.timeout(900000);
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.ipynb')).sort();
  const results = new Map<string, RunResult>();

  it('all eleven lessons of the curriculum are there, in order', () => {
    assert.deepEqual(files.map((f) => f.replace(/^\d+-|\.ipynb$/g, '')), CURRICULUM);
  });

  it('are committed without outputs, and each has a parameters cell, a runtime cell first, and checks last', () => {
    for (const file of files) {
      const nb = readNotebook(path.join(DIR, file));
      const code = nb.cells.filter((c) => c.cell_type === 'code');
      assert.ok(code.every((c) => c.cell_type === 'code' && c.outputs.length === 0 && c.execution_count === null), `${file} has outputs`);
      assert.ok(code.some((c) => tagsOf(c).includes('parameters')), `${file} has no parameters cell`);
      assert.match(joined(code[0].source), /dh\.runtime\.init\(\)/, `${file} does not start by showing the runtime`);
      assert.match(joined(code[code.length - 1].source), /dh\.check\./, `${file} does not end with checks`);
      assert.equal(nb.metadata.kernelspec?.name, 'downhill');
      assert.ok((nb.metadata.downhill as { summary?: string })?.summary, `${file} has no summary`);
    }
  });

  it('each lesson has an exercise in the coursework format: a solution hidden in Jupyter, checks tagged tests, accepted by `downhill assign`', () => {
    for (const file of files) {
      const nb = readNotebook(path.join(DIR, file));
      const solutions = nb.cells.filter((c) => roleOf(c) === 'solution');
      assert.ok(solutions.length >= 1, `${file} has no exercise (a code cell with ${BEGIN_SOLUTION} … ${END_SOLUTION})`);
      for (const cell of solutions) {
        const hidden = (cell.metadata?.jupyter as { source_hidden?: boolean } | undefined)?.source_hidden;
        assert.equal(hidden, true, `${file}: an exercise's solution cell is not collapsed in Jupyter (metadata.jupyter.source_hidden)`);
        const after = nb.cells.slice(nb.cells.indexOf(cell) + 1).find((c) => c.cell_type === 'code');
        assert.ok(after && roleOf(after) === 'tests', `${file}: the cell after an exercise's solution is not tagged 'tests'`);
      }
      assert.doesNotThrow(() => checkAssignment(readNotebook(path.join(DIR, file)), file), `${file} is not a valid assignment`);
    }
  });

  it('every lesson runs top to bottom with the downhill kernel and all its checks pass', async () => {
    await pool(files, 2, async (file) => {
      const nb = readNotebook(path.join(DIR, file));
      const result = await executeNotebook(nb, { cwd: DIR, parameters: LIGHTER[file], label: file, timeoutSeconds: 600 });
      results.set(file, result);
    });
    const failures = [...results.entries()].flatMap(([file, r]) => r.failures.map((f) => describeFailure(file, f)));
    assert.deepEqual(failures, []);
    for (const [file, r] of results) {
      const banner = runtimeBanner(r.notebook).trim();
      assert.match(banner, /^downhill runtime: \S+ on the (CPU|GPU), /, `${file}: the first output is the runtime's line`);
      assert.equal(banner.split('\n').length, 1, `${file}: the runtime banner is one line (details on demand), got:\n${banner}`);
    }
    for (const [file, r] of results) {
      const last = r.notebook.cells.filter((c) => c.cell_type === 'code').at(-1)!;
      const printed = last.cell_type === 'code' ? last.outputs.map((o) => (o.output_type === 'stream' ? joined(o.text) : '')).join('') : '';
      const passed = printed.split('\n').filter((l) => l.startsWith('✓ ')).length;
      assert.ok(passed >= 5, `${file}: only ${passed} checks printed`);
    }
  });

  it(`on WebGPU (DOWNHILL_BACKEND=webgpu; here Mesa's software adapter) ${ON_WEBGPU.length} lessons run and their checks pass`, async () => {
    const failures: string[] = [];
    await pool(ON_WEBGPU, 2, async (file) => {
      const nb = readNotebook(path.join(DIR, file));
      const result = await executeNotebook(nb, { cwd: DIR, parameters: LIGHTER[file], label: `${file} on webgpu`, timeoutSeconds: 600, env: { DOWNHILL_BACKEND: 'webgpu' } });
      failures.push(...result.failures.map((f) => describeFailure(file, f)));
      assert.match(runtimeBanner(result.notebook), /downhill runtime: webgpu on the (CPU|GPU)/, `${file} did not run on webgpu`);
    });
    assert.deepEqual(failures, []);
  });

  describe('exported to HTML, in headless Chromium', () => {
    let browser: Browser;
    before(async function () {
      if (results.size !== files.length) this.skip();
      browser = await startBrowser();
    });
    after(() => browser?.close());

    it('every chart of every lesson is drawn, with no console error and no network request', async () => {
      for (const [file, result] of results) {
        const expected = countFigures(result.notebook);
        const page = await openPage(browser, notebookToHTML(result.notebook), `tutorial-${file.replace('.ipynb', '')}`);
        try {
          assert.deepEqual(page.errors, [], file);
          assert.deepEqual(page.requests, [], file);
          assert.equal(page.figures.length, expected, `${file}: ${page.figures.length} of ${expected} charts on the page`);
          page.figures.forEach((f, i) => assert.ok(f.traces > 0 && f.images === 0, `${file}: chart ${i + 1} was not drawn`));
          const hasMath = result.notebook.cells.some((c) => c.cell_type === 'markdown' && /\$[^$]+\$/.test(joined(c.source)));
          if (hasMath) assert.ok((await page.page.locator('.katex').count()) > 0, `${file}: its math was not rendered`);
        } finally {
          await page.page.close();
        }
      }
    });
  });
});

/** What the first cell showed: the runtime's one-line banner (printed, or its plain-text form). */
function runtimeBanner(nb: Notebook): string {
  const first = nb.cells.find((c) => c.cell_type === 'code')!;
  if (first.cell_type !== 'code') return '';
  return first.outputs.map((o) => (o.output_type === 'stream' ? joined(o.text) : o.output_type === 'display_data' ? joined(o.data['text/plain'] as string | string[]) : '')).join('');
}

function countFigures(nb: Notebook): number {
  return nb.cells.reduce((n, c) => n + (c.cell_type === 'code' ? c.outputs.filter((o) => o.output_type === 'display_data' && 'application/vnd.plotly.v1+json' in o.data).length : 0), 0);
}
