import { strict as assert } from 'assert';
import * as fs from 'fs';
import type { Browser } from 'playwright-core';
import * as dh from '../src';
import { contourPaths, dragSlider, pathPoints, playToEnd } from './helpers/animation';
import { ARTIFACTS, openPage, startBrowser } from './helpers/browser';
import { expectDownhillError, initRuntime } from './helpers/setup';

const X = [1, 2, 3, 4];
const Y = [3, 5, 7, 9];

/** Real runs to draw, made once. */
async function material() {
  const parabola = dh.landscapes.parabola();
  const lessons: Record<string, dh.History> = {};
  for (const [name, lr] of [['lr 0.01', 0.01], ['lr 0.1', 0.1], ['lr 0.9', 0.9], ['lr 1.1', 1.1]] as const) {
    lessons[name] = await dh.descend({ f: parabola, start: 5, optimizer: dh.optim.sgd({ lr }), steps: 15, onDivergence: 'stop' });
  }
  const rosenbrock = dh.landscapes.rosenbrock();
  const paths = {
    sgd: await dh.descend({ f: rosenbrock, start: rosenbrock.start, optimizer: dh.optim.sgd({ lr: 0.001, momentum: 0.9 }), steps: 150 }),
    adam: await dh.descend({ f: rosenbrock, start: rosenbrock.start, optimizer: dh.optim.adam({ lr: 0.05 }), steps: 150 }),
  };
  const line = dh.models.linear();
  const lineHistory = await dh.fit({ model: line, loss: dh.losses.mse, data: { x: X, y: Y }, optimizer: dh.optim.sgd({ lr: 0.01 }), epochs: 50 });
  const { train, test } = dh.data.mnist({ train: 2000, test: 300 });
  const softmax = dh.models.softmaxRegression();
  const mnistHistory = await dh.fit({
    model: softmax, loss: dh.losses.crossEntropy, data: train, validation: test, optimizer: dh.optim.sgd({ lr: 0.1 }), batchSize: 100, epochs: 3, recordGradNorm: true,
  });
  const classes = await dh.predictClasses(softmax, test);
  const comparison = await dh.compare({
    optimizers: { sgd: dh.optim.sgd({ lr: 0.1 }), adam: dh.optim.adam({ lr: 0.01 }), diverging: dh.optim.sgd({ lr: 1e4 }) },
    run: (optimizer, label) => dh.fit({ model: dh.models.linear(), loss: dh.losses.mse, data: { x: X, y: Y }, optimizer, label, epochs: 30 }),
  });
  const rangeTest = await dh.lrRangeTest({ model: dh.models.softmaxRegression(), loss: dh.losses.crossEntropy, data: train, optimizer: (lr) => dh.optim.sgd({ lr }), minLr: 1e-4, maxLr: 100, steps: 60, batchSize: 64 });
  return { parabola, lessons, rosenbrock, paths, lineHistory, test, softmax, mnistHistory, classes, comparison, rangeTest };
}

describe('plot: figure builders', function () {
  let m: Awaited<ReturnType<typeof material>>;
  before(async () => {
    await initRuntime();
    m = await material();
  });

  it('lossCurve overlays runs, one trace each, with log y and a secondary axis on request', () => {
    const fig = dh.plot.lossCurve(m.lessons, { logY: true });
    assert.equal(fig.data.length, 4);
    assert.equal((fig.layout.yaxis as { type: string }).type, 'log');
    const withLr = dh.plot.lossCurve(m.mnistHistory, { secondary: 'gradNorm' });
    assert.equal(withLr.data.length, 2);
    assert.equal(withLr.data[1].yaxis, 'y2');
  });

  it('lossCurve per epoch adds the validation loss, dashed', () => {
    const fig = dh.plot.lossCurve(m.mnistHistory, { x: 'epoch' });
    assert.deepEqual(fig.data.map((t) => (t.line as { dash: string }).dash), ['solid', 'dash']);
    assert.deepEqual(fig.data[0].x, [1, 2, 3]);
  });

  it('NaN and Infinity become gaps and the chart says so', () => {
    const fig = dh.plot.lineChart({ a: [1, NaN, 3], b: [1, Infinity, 2] });
    assert.deepEqual(fig.data[0].y, [1, null, 3]);
    assert.equal(fig.warnings?.length, 1);
    assert.match(fig.warnings![0], /2 .* NaN or infinite and not drawn/);
    assert.match(JSON.stringify(fig.layout.title), /NaN or infinite/);
  });

  it('a log axis cannot draw zero: it is a gap with a warning', () => {
    const fig = dh.plot.lineChart({ a: [1, 0, 0.5] }, { logY: true });
    assert.deepEqual(fig.data[0].y, [1, null, 0.5]);
    assert.match(fig.warnings![0], /≤ 0/);
  });

  it('layout overrides are merged deeply into every builder', () => {
    const fig = dh.plot.lossCurve(m.lessons, { layout: { height: 300, xaxis: { title: { text: 'iteration' } } } });
    assert.equal(fig.layout.height, 300);
    assert.equal(((fig.layout.xaxis as { title: { text: string } }).title).text, 'iteration');
    assert.ok((fig.layout.xaxis as { gridcolor?: string }).gridcolor, 'the rest of the axis styling is kept');
    assert.equal(dh.plot.contour(m.rosenbrock, m.paths, { title: 'mine' }).layout.title && (dh.plot.contour(m.rosenbrock, m.paths, { title: 'mine' }).layout.title as { text: string }).text, 'mine');
  });

  it('descent1d puts each run in its own panel and says when a run leaves the drawn range', () => {
    const fig = dh.plot.descent1d(m.parabola, m.lessons);
    assert.ok(fig.layout.xaxis4 && fig.layout.yaxis4, 'four panels');
    assert.equal(fig.warnings?.length, 1);
    assert.match(fig.warnings![0], /lr 1.1: \d+ of 16 points lie outside the drawn range/);
  });

  it('contour marks minima, starts and ends; animatedContour has one frame per sampled step', () => {
    const fig = dh.plot.contour(m.rosenbrock, m.paths);
    assert.equal(fig.data[0].type, 'contour');
    assert.equal(fig.data.filter((t) => t.name === 'minimum').length, 1);
    const anim = dh.plot.animatedContour(m.rosenbrock, m.paths, { frames: 40 });
    assert.equal(anim.frames?.length, 40);
    assert.equal(anim.frames![39].name, '150');
    assert.ok(Array.isArray(anim.layout.sliders) && Array.isArray(anim.layout.updatemenus));
  });

  it('regression draws the data and the fitted line from a history; animated across epochs', () => {
    const fig = dh.plot.regression({ x: X, y: Y }, m.lineHistory);
    assert.equal(fig.data.length, 2);
    const anim = dh.plot.regression({ x: X, y: Y }, m.lineHistory, { animate: true, frames: 10 });
    assert.equal(anim.frames?.length, 10);
    assert.equal(anim.frames![0].name, 'start');
    const two = dh.plot.regression({ x: X, y: Y }, { simultaneous: { w: 2, b: 1 }, sequential: { w: 1.9, b: 1.2 } });
    assert.equal(two.data.length, 3);
  });

  it('imageGrid labels each digit and frames the mistakes', () => {
    const predicted = Array.from(m.test.y);
    predicted[0] = (predicted[0] + 1) % 10;
    predicted[3] = (predicted[3] + 1) % 10;
    const fig = dh.plot.imageGrid(m.test, { count: 12, predicted });
    assert.equal((fig.layout.shapes as unknown[]).length, 2);
    assert.match((fig.layout.title as { text: string }).text, /2 mistakes/);
    assert.equal((fig.layout.annotations as unknown[]).length, 12);
  });

  it('confusionMatrix counts every prediction once', () => {
    const fig = dh.plot.confusionMatrix(m.classes.predicted, m.classes.actual);
    const counts = fig.data[0].customdata as number[][];
    assert.equal(counts.flat().reduce((a, b) => a + b, 0), m.classes.actual.length);
  });

  it('confusionMatrix colours by log10 of the count by default, empty cells blank, linear on request', () => {
    const fig = dh.plot.confusionMatrix([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    assert.deepEqual(fig.data[0].z, [[0, null], [0, 1]]);
    assert.deepEqual(dh.plot.confusionMatrix([0, 1], [0, 1], { scale: 'linear' }).data[0].z, [[1, 0], [0, 1]]);
  });

  it('comparisonBars marks a diverged run', () => {
    const fig = dh.plot.comparisonBars(m.comparison.table);
    assert.deepEqual(fig.data[0].text && (fig.data[0].text as string[])[2], 'diverged');
    assert.match(fig.warnings![0], /diverging diverged/);
  });

  it('comparisonBars titles the y axis with its metric, also for { name: value }', () => {
    const record = dh.plot.comparisonBars({ cpu: 3, wasm: 12 }, { metric: 'GFLOP/s' });
    assert.equal((record.layout.yaxis as { title: { text: string } }).title.text, 'GFLOP/s');
    assert.match((record.layout.title as { text: string }).text, /GFLOP\/s/);
    const unnamed = dh.plot.comparisonBars({ cpu: 3, wasm: 12 });
    assert.equal((unnamed.layout.yaxis as { title: { text: string } }).title.text, '', 'no made-up finalLoss');
    const table = dh.plot.comparisonBars(m.comparison.table);
    assert.equal((table.layout.yaxis as { title: { text: string } }).title.text, 'finalLoss');
  });

  it('long titles wrap at spaces to fit the figure, with room made above the plot', () => {
    const long = 'matMul 1024 × 1024: GFLOP/s per backend (higher is faster), measured on this machine with every backend';
    const fig = dh.plot.comparisonBars({ cpu: 3, wasm: 12 }, { metric: 'GFLOP/s', title: long });
    const text = (fig.layout.title as { text: string }).text;
    assert.ok(text.includes('<br>'), text);
    assert.equal(text.replace(/<br>/g, ' '), long);
    assert.ok(Number((fig.layout.margin as { t: number }).t) > 70);
    const short = dh.plot.comparisonBars({ cpu: 3 }, { title: 'Short' });
    assert.equal((short.layout.title as { text: string }).text, 'Short');
    assert.equal((short.layout.margin as { t: number }).t, 70);
    const marked = dh.plot.comparisonBars({ cpu: 3 }, { title: `<b>${long}</b>` });
    assert.equal((marked.layout.title as { text: string }).text, `<b>${long}</b>`, 'markup is left alone');
  });

  it('bad input: empty histories, mismatched series, a range with no finite value', async () => {
    await expectDownhillError(() => dh.plot.lossCurve([]), /no training history given/);
    await expectDownhillError(() => dh.plot.lossCurve(new dh.History('nothing')), /history 'nothing' is empty/);
    await expectDownhillError(() => dh.plot.lineChart({ a: [1, 2, 3] }, { x: [1, 2] }), /series 'a' has 3 values but x has 2/);
    await expectDownhillError(() => dh.plot.confusionMatrix([1, 2], [1]), /2 predictions but 1 true labels/);
    const nowhere = dh.landscapes.defineLandscape({
      name: 'log', formula: 'log(x) + log(y)', dims: 2, expr: (x, y) => dh.tf.add(dh.tf.log(x), dh.tf.log(y)),
      minima: [], domain: [[-2, -1], [-2, -1]], start: [-1.5, -1.5],
    });
    await expectDownhillError(() => dh.plot.contour(nowhere), /has no finite value on x ∈ \[-2, -1\]/);
    await expectDownhillError(() => dh.plot.contour(dh.landscapes.parabola()), /needs a two-dimensional landscape/);
    await expectDownhillError(() => dh.plot.lossCurve(m.mnistHistory, { y: 'valAccuracy', x: 'epoch' }), /no run has a finite 'valAccuracy'/);
    await expectDownhillError(() => dh.plot.contour(m.rosenbrock, m.lineHistory.steps.length ? { line: (() => { const h = new dh.History('x'); h.steps.push({ step: 1, epoch: 1, loss: 1, gradNorm: 1, time: 0 }); return h; })() } : {}), /no recorded parameters/);
  });
});

describe('plot.dial: an explorable with every position precomputed', () => {
  const line = (slope: number): dh.plot.Figure => ({
    data: [{ type: 'scatter', name: 'fixed', x: [0, 1], y: [0, 0] }, { type: 'scatter', name: 'moving', x: [0, 1], y: [0, slope] }],
    layout: { title: { text: `slope ${slope}` } },
  });

  it('stores the unchanging traces once and one frame per stop with only the traces that change; opens at the active stop', () => {
    const fig = dh.plot.dial([1, 2, 3], line, { label: 'slope', active: 1 });
    assert.deepEqual(fig.frames!.map((f) => f.name), ['1', '2', '3']);
    assert.ok(fig.frames!.every((f) => f.traces!.length === 1 && f.traces![0] === 1), 'only the moving trace is in the frames');
    assert.deepEqual(fig.frames!.map((f) => (f.data[0].y as number[])[1]), [1, 2, 3]);
    assert.deepEqual((fig.data[1].y as number[])[1], 2, 'the figure opens at the active stop');
    const slider = (fig.layout.sliders as { active: number; steps: { label: string }[] }[])[0];
    assert.equal(slider.active, 1);
    assert.deepEqual(slider.steps.map((s) => s.label), ['1', '2', '3']);
    assert.deepEqual(fig.frames!.map((f) => (f.layout?.title as { text: string }).text), ['slope 1', 'slope 2', 'slope 3'], 'a title that changes follows the dial');
  });

  it('every stop has as many annotations (the extra ones hidden), so none of a busier stop stays behind', () => {
    const arrows = (n: number): dh.plot.Figure => ({ ...line(n), layout: { annotations: Array.from({ length: n }, (_, i) => ({ x: i, y: 0, text: `${i}` })) } });
    const fig = dh.plot.dial([1, 3], arrows, { label: 'arrows', active: 0 });
    const drawn = (layout: dh.plot.Layout | undefined) => (layout!.annotations as { visible: boolean }[]).map((a) => a.visible);
    assert.deepEqual(drawn(fig.layout), [true, false, false]);
    assert.deepEqual(drawn(fig.frames![0].layout), [true, false, false]);
    assert.deepEqual(drawn(fig.frames![1].layout), [true, true, true]);
  });

  it('its still image (what a PNG shows) is the active stop, not the last', () => {
    const still = dh.plot.finalFrameState(dh.plot.dial([1, 2, 3], line, { label: 'slope', active: 0 }));
    assert.equal(still.frames, undefined);
    assert.equal((still.data[1].y as number[])[1], 1);
  });

  it('refuses what cannot be a dial, saying why', async () => {
    await expectDownhillError(() => dh.plot.dial([1], line, { label: 'slope' }), /2 to 40 finite values/);
    await expectDownhillError(() => dh.plot.dial([1, 2], line, { label: 'slope', active: 2 }), /active must be the index of a stop/);
    await expectDownhillError(() => dh.plot.dial([1, 2], (v) => (v === 1 ? line(v) : { data: [], layout: {} }), { label: 'slope' }), /has 0 traces, the one for 1 has 2/);
    await expectDownhillError(() => dh.plot.dial([1, 1.00001], line, { label: 'slope', format: (v) => v.toFixed(1) }), /two stops are written the same/);
  });
});

describe('markdown: prose that carries computed numbers', () => {
  it('outside a notebook prints the text; empty text is refused', async () => {
    const printed: string[] = [];
    const log = console.log;
    console.log = (s: string) => printed.push(s);
    try {
      dh.markdown('the loss fell to **0.125**');
    } finally {
      console.log = log;
    }
    assert.deepEqual(printed, ['the loss fell to **0.125**']);
    await expectDownhillError(() => dh.markdown('  '), /no text to show/);
  });
});

describe('plot: every figure kind renders in headless Chromium', function () {
  this.timeout(120000);
  let browser: Browser;
  let m: Awaited<ReturnType<typeof material>>;
  before(async () => {
    await initRuntime();
    m = await material();
    browser = await startBrowser();
  });
  after(() => browser?.close());

  const kinds: [string, () => dh.plot.Figure, (r: import('./helpers/browser').FigureReport) => void][] = [
    ['loss-curves', () => dh.plot.lossCurve(m.lessons, { logY: true }), (r) => {
      assert.equal(r.scatter, 4);
      assert.equal(r.points, 4 * 15, 'one marker per step of each run');
    }],
    ['loss-per-epoch-with-validation', () => dh.plot.lossCurve(m.mnistHistory, { x: 'epoch', secondary: 'lr' }), (r) => assert.equal(r.scatter, 3)],
    ['schedules', () => dh.plot.scheduleChart({
      constant: dh.schedules.constant(0.1), step: dh.schedules.step({ lr: 0.1, stepSize: 30, gamma: 0.5 }),
      cosine: dh.schedules.cosine({ lr: 0.1, tMax: 100 }), oneCycle: dh.schedules.oneCycle({ maxLr: 0.1, totalSteps: 100 }),
    }, 100, { grid: true }), (r) => assert.equal(r.scatter, 4)],
    ['descent-1d', () => dh.plot.descent1d(m.parabola, m.lessons), (r) => assert.equal(r.scatter, 4 * 3)],
    ['contour', () => dh.plot.contour(m.rosenbrock, m.paths), (r) => {
      assert.equal(r.contours, 1);
      assert.equal(r.traces, 1 + 1 + 2 * 2);
    }],
    ['contour-animated', () => dh.plot.animatedContour(m.rosenbrock, m.paths, { frames: 30 }), (r) => {
      assert.equal(r.frames, 30);
      assert.equal(r.sliders, 1);
      assert.equal(r.buttons, 2);
    }],
    ['surface-3d', () => dh.plot.surface(m.rosenbrock, m.paths), (r) => {
      assert.ok(r.gl, 'a WebGL canvas');
      assert.equal(r.traces, 3);
    }],
    ['regression-animated', () => dh.plot.regression({ x: X, y: Y }, m.lineHistory, { animate: true }), (r) => {
      assert.equal(r.points, 4, 'the four data points');
      assert.ok(r.frames > 10);
    }],
    ['image-grid', () => dh.plot.imageGrid(m.test, { count: 30, predicted: m.classes.predicted }), (r) => assert.equal(r.heatmaps, 1)],
    ['weight-images', () => dh.plot.weightImages(m.softmax.params.w), (r) => assert.equal(r.heatmaps, 1)],
    ['confusion-matrix', () => dh.plot.confusionMatrix(m.classes.predicted, m.classes.actual), (r) => assert.equal(r.heatmaps, 1)],
    ['comparison-bars', () => dh.plot.comparisonBars(m.comparison.table), (r) => assert.equal(r.bars, 3)],
    ['comparison-bars-gflops', () => dh.plot.comparisonBars({ cpu: 3.2, wasm: 11.8, webgpu: 240 }, { metric: 'GFLOP/s', logY: true, title: 'matMul 1024 × 1024: GFLOP/s per backend (higher is faster)' }), (r) => assert.equal(r.bars, 3)],
    ['histogram', () => dh.plot.histogram({ w: m.softmax.params.w, b: m.softmax.params.b }), (r) => assert.ok(r.bars > 10)],
    ['lr-range-test', () => dh.plot.lrRangeTestChart(m.rangeTest), (r) => assert.equal(r.scatter, 3)],
    ['gaps-warning', () => dh.plot.lineChart({ loss: [3, 2, NaN, 1, 0.5] }), (r) => assert.equal(r.scatter, 1)],
  ];

  for (const [name, build, check] of kinds) {
    it(`${name}: drawn as expected, no console error, no network request`, async () => {
      const fig = build();
      const report = await openPage(browser, dh.toHTML(fig), name);
      try {
        assert.deepEqual(report.errors, []);
        assert.deepEqual(report.requests, []);
        assert.equal(report.figures.length, 1);
        assert.equal(report.figures[0].traces, fig.data.length, 'Plotly drew every trace');
        check(report.figures[0]);
      } finally {
        await report.page.close();
      }
    });
  }

  it('a long title is drawn whole, inside the figure', async () => {
    const fig = dh.plot.contour(m.rosenbrock, { 'sgd with momentum 0.9': m.paths.sgd, 'adam with lr 0.05 and default betas': m.paths.adam }, { title: 'sgd with momentum 0.9 vs adam with lr 0.05 and default betas on quadratic (condition number 100)' });
    const report = await openPage(browser, dh.toHTML(fig), 'long-title');
    try {
      const box = await report.page.evaluate(() => {
        const t = document.querySelector('.gtitle')!.getBoundingClientRect();
        const svg = document.querySelector('.main-svg')!.getBoundingClientRect();
        return { left: t.left - svg.left, right: t.right - svg.left, width: svg.width };
      });
      assert.ok(box.left >= 0 && box.right <= box.width, `title from ${box.left} to ${box.right} in ${box.width} px`);
      assert.match((await report.page.textContent('.gtitle')) ?? '', /condition number 100\)/);
    } finally {
      await report.page.close();
    }
  });

  it('a warning is visible on the drawn chart', async () => {
    const report = await openPage(browser, dh.toHTML(dh.plot.lineChart({ loss: [3, NaN, 1] })), 'warning-visible');
    const title = await report.page.textContent('.gtitle');
    await report.page.close();
    assert.match(title ?? '', /NaN or infinite and not drawn/);
  });

  it('toPNG draws a PNG of the figure', async () => {
    const png = await dh.toPNG(dh.plot.lossCurve(m.lessons), { width: 640, height: 400 });
    assert.deepEqual([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
    assert.equal(png.readUInt32BE(16), 640);
    assert.equal(png.readUInt32BE(20), 400);
    const page = await browser.newPage();
    try {
      const size = await page.evaluate(async (src) => {
        const image = new Image();
        image.src = src;
        await image.decode();
        return [image.naturalWidth, image.naturalHeight];
      }, `data:image/png;base64,${png.toString('base64')}`);
      assert.deepEqual(size, [640, 400], 'Chromium decodes the recompressed PNG');
    } finally {
      await page.close();
    }
  });
});

describe('plot: animated figures keep their landscape, legends and final state', function () {
  this.timeout(240000);
  let browser: Browser;
  let rosenbrock: dh.landscapes.Landscape;
  let races: Record<string, dh.History>;
  let long: dh.History;
  let lineHistory: dh.History;
  before(async () => {
    await initRuntime();
    rosenbrock = dh.landscapes.rosenbrock();
    races = {
      sgd: await dh.descend({ f: rosenbrock, start: rosenbrock.start, optimizer: dh.optim.sgd({ lr: 0.001, momentum: 0.9 }), steps: 150 }),
      adam: await dh.descend({ f: rosenbrock, start: rosenbrock.start, optimizer: dh.optim.adam({ lr: 0.05 }), steps: 150 }),
    };
    long = await dh.descend({ f: rosenbrock, start: rosenbrock.start, optimizer: dh.optim.adam({ lr: 0.01 }), steps: 1500 });
    lineHistory = await dh.fit({ model: dh.models.linear(), loss: dh.losses.mse, data: { x: X, y: Y }, optimizer: dh.optim.sgd({ lr: 0.01 }), batchSize: 1, epochs: 30 });
    browser = await startBrowser();
  });
  after(() => browser?.close());

  it('frames are log-spaced in steps: every early step, then further apart', () => {
    const anim = dh.plot.animatedContour(rosenbrock, long, { frames: 60 });
    const steps = anim.frames!.map((f) => Number(f.name));
    assert.equal(steps.length, 60);
    assert.equal(steps[0], 0);
    assert.equal(steps[59], 1500);
    assert.deepEqual(steps.slice(0, 5), [0, 1, 2, 3, 4], 'the first steps each have a frame');
    for (let k = 1; k < steps.length; k++) assert.ok(steps[k] > steps[k - 1], 'strictly increasing');
    assert.ok(steps[59] - steps[58] > 10 * (steps[2] - steps[1]), `late frames further apart: ${steps.join(' ')}`);
    const short = dh.plot.animatedContour(rosenbrock, races, { frames: 200 });
    assert.equal(short.frames!.length, 151, 'a short run: one frame per step');
  });

  it('frames carry only the moving traces, paths thinned to 300 points with the first and current points exact to 1/10000 of the range', () => {
    const anim = dh.plot.animatedContour(rosenbrock, long, { frames: 40 });
    const path = long.trajectory();
    const tolerance = Math.max(...(rosenbrock.domain as [number, number][]).map(([a, b]) => (b - a) / 1e4));
    const near = (got: number[], want: number[], what: string) =>
      assert.ok(got.every((v, k) => Math.abs(v - want[k]) <= tolerance), `${what}: ${got} for ${want}`);
    const moving = anim.data.map((t, i) => [t, i] as const).filter(([t]) => t.type === 'scatter' && t.name !== 'minimum').map(([, i]) => i);
    for (const frame of anim.frames!) {
      assert.deepEqual(frame.traces, moving, 'the frame names exactly the moving traces');
      assert.equal(frame.data.length, 2);
      const step = Number(frame.name);
      const xs = frame.data[0].x as number[];
      const ys = frame.data[0].y as number[];
      assert.ok(xs.length <= 300, `${xs.length} points`);
      near([xs[0], ys[0]], path[0], 'the first point');
      near([xs[xs.length - 1], ys[ys.length - 1]], path[step], 'the current point');
      near([(frame.data[1].x as number[])[0], (frame.data[1].y as number[])[0]], path[step], 'the marker');
      assert.ok(xs.every((v) => String(v).length <= 8), 'a few characters per coordinate');
    }
    const perFrame = JSON.stringify(anim.frames).length / anim.frames!.length;
    assert.ok(perFrame < 20000, `${Math.round(perFrame)} characters per frame`);
    assert.ok(!anim.frames!.some((f) => f.data.some((t) => 'z' in t || 'type' in t)), 'no landscape or trace settings resent');
  });

  it('the final state of an animation has the whole paths and the slider at its end (what the PNG shows)', () => {
    const anim = dh.plot.animatedContour(rosenbrock, races, { frames: 30 });
    const still = dh.plot.finalFrameState(anim);
    assert.equal(still.frames, undefined);
    const sgd = still.data.findIndex((t) => t.name === 'sgd');
    assert.equal((still.data[sgd].x as number[]).length, 151);
    assert.deepEqual(still.data[sgd].line, anim.data[sgd].line, 'styling kept');
    assert.equal((anim.data[sgd].x as number[]).length, 1, 'the figure itself is unchanged');
    assert.equal(((still.layout.sliders as { active: number }[])[0]).active, 29);
    assert.equal(dh.plot.finalFrameState(dh.plot.lineChart({ a: [1, 2] })).data.length, 1, 'a still figure as it is');
  });

  it('animated contour: Play and the slider keep the contour drawn, show the later points, and the title names the step', async () => {
    const fig = dh.plot.animatedContour(rosenbrock, races, { frames: 25, frameDuration: 20 });
    const report = await openPage(browser, dh.toHTML(fig), 'contour-animated-before-play');
    const page = report.page;
    try {
      const before = await contourPaths(page);
      assert.ok(before > 20, `${before} contour paths drawn`);
      assert.equal(await pathPoints(page, 'sgd'), 1, 'frame 0: the start only');
      const title = () => page.textContent('.gtitle');
      assert.match((await title()) ?? '', /sgd vs adam on .*step 0$/);
      await playToEnd(page);
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${ARTIFACTS}/screenshots/contour-animated-after-play.png` });
      assert.equal(await contourPaths(page), before, 'the contour is still drawn after Play');
      assert.equal(await pathPoints(page, 'sgd'), 151, 'the whole path after the last frame');
      assert.equal(await page.textContent('.slider-group > .slider-label'), 'step 150');
      assert.match((await title()) ?? '', /step 150$/, 'the title follows the frames');
      await dragSlider(page, 0.3);
      await page.screenshot({ path: `${ARTIFACTS}/screenshots/contour-animated-after-slider.png` });
      const label = (await page.textContent('.slider-group > .slider-label')) ?? '';
      const step = Number(label.replace('step ', ''));
      assert.ok(step > 0 && step < 150, `the slider moved to ${label}`);
      assert.equal(await contourPaths(page), before, 'the contour is still drawn after dragging the slider');
      assert.match((await title()) ?? '', new RegExp(`step ${step}$`), 'the title follows the slider');
      assert.equal(await pathPoints(page, 'sgd'), step + 1, 'the path up to the chosen step');
      assert.deepEqual(report.errors, []);
    } finally {
      await page.close();
    }
  });

  it('animated regression: the legend follows the line and the title the step', async () => {
    const fig = dh.plot.regression({ x: X, y: Y }, lineHistory, { animate: true, frames: 20 });
    const report = await openPage(browser, dh.toHTML(fig), 'regression-animated-before-play');
    const page = report.page;
    try {
      const legend = () => page.evaluate(() => Array.from(document.querySelectorAll('.legendtext')).map((e) => e.textContent));
      const title = () => page.textContent('.gtitle');
      const [legend0, title0] = [await legend(), await title()];
      assert.match(legend0[1] ?? '', /y = 0\.000x \+ 0\.000/);
      await playToEnd(page);
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${ARTIFACTS}/screenshots/regression-animated-after-play.png` });
      const lastFrame = fig.frames![fig.frames!.length - 1];
      assert.deepEqual(Object.keys(lastFrame.data[0]).sort(), ['name', 'y'], 'a frame sends only the legend name and the line');
      assert.deepEqual((await legend())[1], lastFrame.data[0].name, 'the legend names the last line');
      assert.notDeepEqual(await legend(), legend0);
      assert.notEqual(await title(), title0);
      assert.match((await title()) ?? '', new RegExp(`step ${lineHistory.steps.length} \\(epoch 30\\)`));
      assert.deepEqual(report.errors, []);
    } finally {
      await page.close();
    }
  });

  it('the PNG of an animated figure is its final state, whole paths drawn', async () => {
    const fig = dh.plot.animatedContour(rosenbrock, races, { frames: 30 });
    const png = await dh.toPNG(fig);
    fs.mkdirSync(`${ARTIFACTS}/screenshots`, { recursive: true });
    fs.writeFileSync(`${ARTIFACTS}/screenshots/contour-animated-png.png`, png);
    assert.ok(png.equals(await dh.toPNG(dh.plot.finalFrameState(fig))), 'the same image as the final state');
    assert.ok(!png.equals(await dh.toPNG({ data: fig.data, layout: fig.layout })), 'not frame 0');
    const still = dh.plot.finalFrameState(fig);
    const report = await openPage(browser, dh.toHTML(still), 'contour-animated-final-state');
    try {
      assert.equal(await pathPoints(report.page, 'sgd'), 151, 'the final state draws every point of the path');
      assert.ok((await contourPaths(report.page)) > 20);
    } finally {
      await report.page.close();
    }
  });
});
