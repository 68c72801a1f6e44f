import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { readNotebook } from '../src/notebook/nbformat';
import { contourPaths, dragSlider, drawnText, pathPoints, playToEnd } from './helpers/animation';
import { ARTIFACTS, openPage, startBrowser } from './helpers/browser';
import { cli, executedNotebook, tempDir, writeNotebook } from './helpers/notebooks';

describe('HTML export: a standalone offline page', function () {
  this.timeout(600000); // a busy shared machine runs the notebook slowly
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

describe('gallery: pages share one plotly.js and KaTeX; animations play', function () {
  this.timeout(900000);
  let browser: Browser;
  const dir = tempDir();
  const out = path.join(dir, 'gallery');
  let page: string;

  before(async () => {
    const file = writeNotebook(dir, 'animations.ipynb', [
      'md:# Races\nThe loss $J(w) = (w - 2)^2$ and a landscape.',
      "import * as dh from 'downhill';\nconst f = dh.landscapes.rosenbrock();\nconst runs = {\n  sgd: await dh.descend({ f, start: f.start, optimizer: dh.optim.sgd({ lr: 0.001, momentum: 0.9 }), steps: 150 }),\n  adam: await dh.descend({ f, start: f.start, optimizer: dh.optim.adam({ lr: 0.05 }), steps: 150 }),\n};\nawait dh.show(dh.plot.animatedContour(f, runs, { frames: 40 }));",
      "const X = [1, 2, 3, 4], Y = [3, 5, 7, 9];\nconst h = await dh.fit({ model: dh.models.linear(), loss: dh.losses.mse, data: { x: X, y: Y }, optimizer: dh.optim.sgd({ lr: 0.01 }), batchSize: 1, epochs: 30 });\nawait dh.show(dh.plot.regression({ x: X, y: Y }, h, { animate: true, frames: 20 }));",

      // An explorable, a sentence carrying a computed number, and an exercise.
      "const curve = dh.landscapes.parabola();\nconst lrs = [0.1, 0.5, 0.95];\nconst descents = new Map();\nfor (const lr of lrs) descents.set(lr, await dh.descend({ f: curve, start: 5, optimizer: dh.optim.sgd({ lr }), steps: 12 }));\nawait dh.show(dh.plot.dial(lrs, (lr) => dh.plot.descent1d(curve, descents.get(lr)), { label: 'learning rate', active: 0 }));",
      "dh.markdown(`With lr 0.1 the last $w$ is **${descents.get(0.1).trajectory().at(-1)[0].toFixed(3)}**.`);",
      'md:**Exercise.** The gradient of $(w - 2)^2$ at $w = 5$.',
      '// Exercise: the gradient at w\nfunction gradientAt(w: number): number {\n  // BEGIN SOLUTION\n  return 2 * (w - 2);\n  // END SOLUTION\n}',
      "dh.check.close('the gradient at 5', gradientAt(5), 6);",
    ]);
    const made = await cli(['gallery', file, '--output', out], { timeoutMs: 600000 });
    assert.equal(made.code, 0, made.stderr + made.stdout);
    page = path.join(out, 'animations.html');
    browser = await startBrowser();
  });
  after(() => browser?.close());

  it('plotly.js and KaTeX (stylesheet, woff2 fonts) are files in assets/, shared by the pages and the index, none inside them', () => {
    const html = fs.readFileSync(page, 'utf8');
    const index = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    assert.ok(fs.readFileSync(path.join(out, 'assets', 'plotly.min.js'), 'utf8').includes('* plotly.js v'));
    assert.ok(fs.readdirSync(path.join(out, 'assets', 'katex', 'fonts')).some((f) => f === 'KaTeX_Main-Regular.woff2'));
    for (const [name, text] of [['page', html], ['index', index]]) {
      assert.ok(!text.includes('* plotly.js v') && !text.includes('data:font/woff2'), `${name}: no plotly.js or font inside`);
      assert.ok(text.includes('<link rel="stylesheet" href="assets/katex/katex.min.css">'), `${name}: links the shared KaTeX stylesheet`);
    }
    assert.ok(html.includes("s.src = 'assets/plotly.min.js'"), 'the page loads the shared plotly.js');
    assert.ok(html.length < 2e6, `page of ${html.length} bytes`);
  });

  it('the page shows every picture before plotly.js arrives; then the charts on screen turn live first, the rest after', async () => {
    const tab = await browser.newPage({ viewport: { width: 1100, height: 500 } });
    try {
      tab.setDefaultTimeout(180000);
      // Which chart was drawn when: recorded by the page itself as each gets its plot.
      await tab.addInitScript(() => {
        const order: number[] = ((window as unknown as { drawnOrder: number[] }).drawnOrder = []);
        new MutationObserver(() => {
          document.querySelectorAll('.downhill-figure').forEach((d, i) => d.querySelector('.main-svg') && !order.includes(i) && order.push(i));
        }).observe(document, { childList: true, subtree: true });
      });
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      await tab.route('**/assets/plotly.min.js', async (route) => (await held, route.continue()));
      await tab.goto(`file://${page}`); // resolves at the load event: plotly.js is still held back
      const shown = await tab.evaluate(() => Array.from(document.querySelectorAll('.downhill-figure img')).map((i) => (i as HTMLImageElement).naturalWidth > 100));
      const figures = await tab.locator('.downhill-figure').count();
      assert.ok(figures >= 3, `${figures} charts`);
      assert.deepEqual(shown, new Array(figures).fill(true), 'every chart shows its picture at the load event');
      assert.equal(await tab.locator('.downhill-figure .main-svg').count(), 0, 'no chart drawn before plotly.js');
      // Scroll to the last chart, then let plotly.js in: that chart, on screen, is drawn first.
      await tab.locator('.downhill-figure').last().scrollIntoViewIfNeeded();
      const onScreen = await tab.evaluate(() => Array.from(document.querySelectorAll('.downhill-figure')).flatMap((d, i) => (d.getBoundingClientRect().bottom > 0 && d.getBoundingClientRect().top < innerHeight ? [i] : [])));
      assert.ok(!onScreen.includes(0) && onScreen.includes(figures - 1), `on screen: ${onScreen}`);
      release();
      await tab.waitForFunction((n) => (window as unknown as { drawnOrder: number[] }).drawnOrder.length === n, figures, { timeout: 120000 });
      const order = await tab.evaluate(() => (window as unknown as { drawnOrder: number[] }).drawnOrder);
      assert.deepEqual(order.slice(0, onScreen.length).sort(), [...onScreen].sort(), `drawn in the order ${order}, on screen ${onScreen}`);
    } finally {
      await tab.close();
    }
  });

  it('the page opens offline with its math; Play and the slider keep the contour drawn; titles and legends follow the frames', async () => {
    const tab = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
    const outside: string[] = [];
    const errors: string[] = [];
    tab.on('request', (r) => !r.url().startsWith(`file://${out}/`) && !/^(data|blob):/.test(r.url()) && outside.push(r.url()));
    tab.on('pageerror', (e) => errors.push(String(e)));
    try {
      tab.setDefaultTimeout(180000); // a busy shared machine parses plotly.js slowly
      await tab.goto(`file://${page}`);
      await tab.waitForFunction(() => Array.from(document.querySelectorAll('.downhill-figure')).every((d) => d.querySelector('.main-svg')), undefined, { timeout: 60000 });
      assert.ok(await tab.evaluate(async () => (await document.fonts.ready, document.fonts.check('16px KaTeX_Main'))), 'KaTeX fonts from assets/');
      assert.ok((await tab.locator('.katex').count()) > 0, 'math rendered');
      // The contour race.
      const before = await contourPaths(tab, 0);
      assert.ok(before > 20, `${before} contour paths drawn`);
      assert.match((await drawnText(tab, 0)).title, /step 0$/);
      await playToEnd(tab, 0);
      await tab.waitForTimeout(300);
      await tab.locator('.downhill-figure').nth(0).screenshot({ path: path.join(ARTIFACTS, 'screenshots', 'gallery-animation-after-play.png') });
      assert.equal(await contourPaths(tab, 0), before, 'the contour is still drawn after Play');
      assert.equal(await pathPoints(tab, 'sgd', 0), 151, 'the whole path after the last frame');
      assert.match((await drawnText(tab, 0)).title, /step 150$/, 'the title names the last step');
      await dragSlider(tab, 0.4, 0);
      const afterDrag = await drawnText(tab, 0);
      const step = Number(afterDrag.slider.replace('step ', ''));
      assert.ok(step > 0 && step < 150, `the slider moved to ${afterDrag.slider}`);
      assert.equal(await contourPaths(tab, 0), before, 'the contour is still drawn after dragging the slider');
      assert.match(afterDrag.title, new RegExp(`step ${step}$`), 'the title follows the slider');
      // The fitted line: its legend names the equation of each frame's line.
      const start = await drawnText(tab, 1);
      assert.match(start.legend.join(' '), /y = 0\.000x \+ 0\.000/);
      await playToEnd(tab, 1);
      await tab.waitForTimeout(300);
      const end = await drawnText(tab, 1);
      assert.notDeepEqual(end.legend, start.legend, 'the legend follows the line');
      assert.notEqual(end.title, start.title, 'the title follows the step');
      assert.deepEqual(outside, [], 'nothing loaded from outside the gallery folder');
      assert.deepEqual(errors, []);
    } finally {
      await tab.close();
    }
  });

  it('a dial swaps precomputed paths offline; computed prose is rendered; an exercise hides its solution until asked', async () => {
    const tab = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(String(e)));
    try {
      tab.setDefaultTimeout(180000);
      await tab.goto(`file://${page}`);
      await tab.waitForFunction(() => Array.from(document.querySelectorAll('.downhill-figure')).every((d) => d.querySelector('.main-svg')), undefined, { timeout: 60000 });
      const lastX = () =>
        tab.evaluate(() => {
          const gd = document.querySelectorAll('.downhill-figure')[2] as unknown as { _fullData: { x?: number[]; mode?: string }[] };
          const paths = gd._fullData.filter((t) => Array.isArray(t.x) && t.x.length === 13);
          return paths.map((t) => t.x!.at(-1)!);
        });
      const atFirst = await lastX();
      assert.ok(atFirst.length > 0, 'the path of 13 points is drawn');
      assert.match((await drawnText(tab, 2)).slider, /learning rate: 0\.1$/);
      await dragSlider(tab, 1, 2);
      assert.match((await drawnText(tab, 2)).slider, /learning rate: 0\.95$/, 'the dial moved to its last stop');
      const atLast = await lastX();
      assert.notDeepEqual(atLast, atFirst, 'the drawn path changed with the dial');
      await tab.locator('.downhill-figure').nth(2).screenshot({ path: path.join(ARTIFACTS, 'screenshots', 'gallery-dial-last-stop.png') });
      const prose = await tab.locator('.output.display.markdown').first().innerText();
      assert.match(prose, /With lr 0\.1 the last[\s\S]*is 2\.\d{3}\./, `the markdown output is rendered with its number: ${prose}`);
      assert.ok(!prose.includes('**'), 'markdown, not text');
      assert.ok((await tab.locator('.output.display.markdown .katex').count()) > 0, 'math inside computed prose');
      const exercise = tab.locator('.exercise').first();
      assert.match(await exercise.locator('pre.source').first().innerText(), /your answer here/);
      assert.ok(!(await exercise.locator('details.solution').evaluate((d) => (d as HTMLDetailsElement).open)), 'the solution starts hidden');
      assert.ok(!(await exercise.locator('details.solution pre').isVisible()), 'the answer is not visible');
      await exercise.locator('summary').click();
      assert.match(await exercise.locator('details.solution pre').innerText(), /return 2 \* \(w - 2\)/, 'the solution shows on request');
      assert.deepEqual(errors, []);
    } finally {
      await tab.close();
    }
  });
});
