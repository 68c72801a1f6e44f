import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { readNotebook } from '../src/notebook/nbformat';
import { openPage, startBrowser } from './helpers/browser';
import { cli, executedNotebook, tempDir } from './helpers/notebooks';

describe('HTML export: a standalone offline page', function () {
  this.timeout(120000);
  let browser: Browser;
  const dir = tempDir();
  let html: string;

  before(async () => {
    browser = await startBrowser();
    const executed = await executedNotebook(dir, 'lesson.ipynb', [
      'md:# A lesson\nThe loss is $J(w) = (w - 2)^2$ and its gradient\n$$\\frac{dJ}{dw} = 2(w - 2).$$\nPrices in \\$ stay plain; `code $x$` too.',
      "import * as dh from 'downhill';\nconst h = await dh.descend({ f: dh.landscapes.parabola(), start: 5, optimizer: dh.optim.sgd({ lr: 0.1 }), steps: 10 });\nconsole.log('final w', h.trajectory().at(-1)![0].toFixed(3));",
      'await dh.show(dh.plot.lossCurve(h));',
      'await dh.show(dh.plot.descent1d(dh.landscapes.parabola(), h));',
      "dh.table([{ step: 1, loss: 9 }]);",
      'md:## Errors are shown too',
      "console.error('a warning on stderr');",
    ]);
    const exported = await cli(['export', executed, '--html', '--output', path.join(dir, 'html')]);
    assert.equal(exported.code, 0, exported.stderr);
    html = fs.readFileSync(path.join(dir, 'html', 'lesson.html'), 'utf8');
  });
  after(() => browser?.close());

  it('embeds plotly.js once, and loads nothing from elsewhere', () => {
    assert.equal(html.split('* plotly.js v').length - 1, 1, 'one copy of plotly.js');
    assert.ok(!/<(script|link|img)[^>]+(src|href)="(https?:)?\/\//.test(html), 'no external script, stylesheet or image');
  });

  it('renders in Chromium: markdown, LaTeX math, highlighted code, every chart, the table; no console error; no request', async () => {
    const page = await openPage(browser, html, 'export-lesson');
    try {
      assert.deepEqual(page.errors, []);
      assert.deepEqual(page.requests, []);
      assert.equal(await page.page.textContent('h1'), 'A lesson');
      assert.equal(await page.page.locator('.katex').count(), 2, 'inline and display math');
      assert.equal(await page.page.locator('.katex-display').count(), 1);
      const fontsLoaded = await page.page.evaluate(() => document.fonts.check('16px KaTeX_Main'));
      assert.ok(fontsLoaded, 'KaTeX fonts come from the page itself');
      assert.ok((await page.page.locator('.hljs-keyword').count()) > 3, 'code is highlighted');
      assert.equal(page.figures.length, 2);
      for (const f of page.figures) {
        assert.ok(f.traces > 0 && f.images === 0, 'each chart was drawn and replaced its PNG fallback');
      }
      assert.match(await page.page.textContent('table.downhill-table') ?? '', /step\s*loss/);
      assert.match(await page.page.textContent('pre.stderr') ?? '', /a warning on stderr/);
      assert.match(await page.page.textContent('body') ?? '', /Prices in \$ stay plain/);
      assert.match(await page.page.textContent('body') ?? '', /final w 2\.322/);
    } finally {
      await page.page.close();
    }
  });

  it('without scripts, each chart still shows as its PNG', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`file://${path.join(dir, 'html', 'lesson.html')}`);
    const images = await page.locator('.downhill-figure > img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
    await context.close();
    assert.equal(images.length, 2);
    assert.ok(images.every((w) => w > 100), `PNGs decoded: ${images}`);
  });

  it('the executed notebook is valid nbformat 4 that Jupyter can read back', () => {
    const nb = readNotebook(path.join(dir, 'executed', 'lesson.ipynb'));
    assert.equal(nb.nbformat, 4);
    assert.ok(nb.cells.every((c) => typeof c.id === 'string'));
  });
});
