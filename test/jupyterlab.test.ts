import { strict as assert } from 'assert';
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { jupyterEnvironment } from '../src/cli/lab_command';
import { ARTIFACTS, startBrowser } from './helpers/browser';
import { cli, tempDir, writeNotebook } from './helpers/notebooks';

/**
 * JupyterLab 4.6 and Notebook 7.6 (pip, from the machine's local index, in the venv .ci/run
 * makes; plotly.py is installed there too, with its own JupyterLab extension for the same
 * MIME type) with the downhill kernel and chart renderer installed by `downhill kernel
 * install`, driven in headless Chromium through the front end's own commands.
 */
const VENV = process.env.DOWNHILL_JUPYTER_VENV ?? '/opt/downhill-jupyter-venv';
const JUPYTER = path.join(VENV, 'bin', 'jupyter');
const SHOTS = path.join(ARTIFACTS, 'screenshots');
/** The front ends load dozens of scripts; on two busy cores that can take a while. */
const GOTO = { waitUntil: 'domcontentloaded' as const, timeout: 180000 };

/** Steps of the live fit (one loss point each). */
const LIVE_STEPS = 40;
/** Charts the notebook draws: a loss curve, a contour map, an animated contour race, the live loss curve. */
const CHARTS = 4;
const LIVE_CELL = 4;

const CELLS = [
  'md:# Charts in JupyterLab and Notebook 7',
  "import * as dh from 'downhill';\nconst h = await dh.descend({ f: dh.landscapes.parabola(), start: 5, optimizer: dh.optim.sgd({ lr: 0.1 }), steps: 20 });\nawait dh.show(dh.plot.lossCurve(h));",
  "const banana = dh.landscapes.rosenbrock();\nawait dh.show(dh.plot.contour(banana));",
  "const runs = [dh.optim.sgd({ lr: 0.001 }), dh.optim.adam({ lr: 0.05 })].map((optimizer) => dh.descend({ f: banana, start: [-1.5, 2], optimizer, steps: 60 }));\nawait dh.show(dh.plot.animatedContour(banana, await Promise.all(runs), { frames: 20 }));",
  // A slow callback stretches the fit over a few seconds so that liveLoss redraws it several times.
  `const slow = { onStep: () => new Promise<void>((r) => setTimeout(r, 60)) };\nawait dh.fit({ model: dh.models.linear(), loss: dh.losses.mse, data: { x: [1, 2, 3, 4], y: [3, 5, 7, 9] }, optimizer: dh.optim.sgd({ lr: 0.01 }), epochs: ${LIVE_STEPS}, batchSize: 'full', callbacks: [slow, dh.liveLoss({ intervalMs: 300 })] });`,
];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

interface ChartCount {
  /** Outputs drawn by downhill's renderer (a Plotly plot inside). */
  ours: number;
  /** Outputs drawn by plotly.py's JupyterLab extension. */
  plotlys: number;
  /** Of ours, those with animation frames and a slider. */
  animated: number;
  /** Code cells, and of them those whose outputs the front end trusts. */
  cells: number;
  trusted: number;
}

/** Waits until the page shows an open notebook whose kernel is ready; returns nothing (state lives in the page). */
async function waitForNotebook(page: Page, name: string): Promise<void> {
  await page.waitForFunction(
    (name) => {
      const app = (window as any).jupyterapp;
      const panel = app?.shell?.currentWidget;
      return !!panel?.context?.isReady && panel.context.path.endsWith(name) && panel.sessionContext?.session?.kernel?.connectionStatus === 'connected'
        && panel.sessionContext.session.kernel.status === 'idle';
    },
    name,
    { timeout: 300000, polling: 500 },
  );
}

/** Whether n of downhill's charts are drawn (each plot has two .main-svg layers, so those are not counted). */
function chartsDrawn(n: number): boolean {
  return Array.from(document.querySelectorAll('.downhill-plotly')).filter((el) => el.querySelector('.main-svg') && (el.firstElementChild as any)?._fullData).length >= n;
}

/** What the current notebook shows: charts by renderer, trust of its code cells. */
function countCharts(page: Page): Promise<ChartCount> {
  return page.evaluate(() => {
    const panel = (window as any).jupyterapp.shell.currentWidget;
    const node: HTMLElement = panel.node;
    const ours = Array.from(node.querySelectorAll('.downhill-plotly')).filter((el) => el.querySelector('.main-svg') && (el.firstElementChild as any)?._fullData);
    const cells = panel.content.widgets.filter((c: any) => c.model.type === 'code');
    return {
      ours: ours.length,
      plotlys: node.querySelectorAll('.jp-RenderedPlotly').length,
      animated: ours.filter((el) => ((el.firstElementChild as any)._transitionData?._frames?.length ?? 0) > 0 && el.querySelector('.slider-container')).length,
      cells: cells.length,
      trusted: cells.filter((c: any) => c.model.trusted).length,
    };
  });
}

interface LiveRun {
  /** Point counts of the live chart seen while the cells ran, in order, without repeats. */
  counts: number[];
  /** Whether the chart that ended the run is the same plot element that showed the first count. */
  sameElement: boolean;
}

/**
 * Runs every cell through the front end's own command (`notebook:run-all-cells`), sampling
 * the live chart's point count in the page meanwhile.
 */
async function runAll(page: Page): Promise<LiveRun> {
  return page.evaluate(async (liveCell) => {
    const app = (window as any).jupyterapp;
    const panel = app.shell.currentWidget;
    const counts: number[] = [];
    let first: Element | undefined;
    let last: Element | undefined;
    const sample = () => {
      const cell = panel.content.widgets.filter((c: any) => c.model.type === 'code')[liveCell - 1];
      const plot = cell?.node.querySelector('.downhill-plotly > div') as any;
      const n = plot?.data?.[0]?.x?.length;
      if (typeof n !== 'number') return;
      if (counts[counts.length - 1] !== n) counts.push(n);
      first ??= plot;
      last = plot;
    };
    const timer = setInterval(sample, 40);
    try {
      const ok = await app.commands.execute('notebook:run-all-cells');
      if (!ok) throw new Error('run all cells reported a failure');
      // The final redraw (with the PNG) may land just after the cell reports done.
      await new Promise((r) => setTimeout(r, 1500));
      sample();
    } finally {
      clearInterval(timer);
    }
    return { counts, sameElement: first !== undefined && first === last };
  }, LIVE_CELL);
}

function assertLive(run: LiveRun, what: string): void {
  const final = run.counts[run.counts.length - 1];
  assert.equal(final, LIVE_STEPS, `${what}: the live curve ends with every step (${JSON.stringify(run.counts)})`);
  const before = run.counts.filter((n) => n > 0 && n < LIVE_STEPS);
  assert.ok(before.length >= 2, `${what}: the live curve grew during fit, seen at ${JSON.stringify(run.counts)}`);
  assert.deepEqual([...run.counts].sort((a, b) => a - b), run.counts, `${what}: it only grows`);
  assert.ok(run.sameElement, `${what}: the updates redrew the same chart in place`);
}

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** Scrolls the current notebook to a code cell (1-based) so that a screenshot shows it. */
async function scrollToCell(page: Page, n: number): Promise<void> {
  await page.evaluate((n) => {
    const panel = (window as any).jupyterapp.shell.currentWidget;
    const cell = panel.content.widgets.filter((c: any) => c.model.type === 'code')[n - 1];
    cell.node.scrollIntoView({ block: 'start' });
  }, n);
  await page.waitForTimeout(300);
}

/** Copies a saved notebook with one metadata field changed, so that its signature no longer matches: Jupyter opens it untrusted. */
function untrustedCopy(file: string, copy: string): void {
  const nb = JSON.parse(fs.readFileSync(file, 'utf8'));
  nb.metadata.downhill_test = 'copied outside Jupyter: not signed';
  fs.writeFileSync(copy, JSON.stringify(nb, null, 1));
}

describe('JupyterLab 4.6 and Notebook 7.6 draw charts with downhill\'s renderer', function () {
  this.timeout(900000);
  let browser: Browser;
  let server: ChildProcess;
  let base = '';
  const token = 'downhilltest';
  const root = tempDir('downhill-lab-');
  const served = path.join(root, 'served');
  // No PNG copies (each starts Chromium inside the kernel): these tests are about the interactive renderer.
  const env: NodeJS.ProcessEnv = { ...process.env, ...jupyterEnvironment(root), DOWNHILL_PNG: '0' };
  let log = '';

  before(async function () {
    if (!fs.existsSync(JUPYTER)) {
      throw new Error(`needs JupyterLab 4.6 and Notebook 7.6 in ${VENV} (.ci/run makes it: python3 -m venv ${VENV} && ${VENV}/bin/pip install 'jupyterlab==4.6.*' 'notebook==7.6.*' plotly; or set DOWNHILL_JUPYTER_VENV)`);
    }
    const installed = await cli(['kernel', 'install', '--user'], { env });
    assert.equal(installed.code, 0, installed.stderr);
    // No "get notified about Jupyter news?" toast over the screenshots.
    const notification = path.join(env.JUPYTER_CONFIG_DIR!, 'lab', 'user-settings', '@jupyterlab', 'apputils-extension', 'notification.jupyterlab-settings');
    fs.mkdirSync(path.dirname(notification), { recursive: true });
    fs.writeFileSync(notification, JSON.stringify({ fetchNews: 'false', checkForUpdates: false }));
    fs.mkdirSync(served);
    writeNotebook(served, 'lab.ipynb', CELLS);
    writeNotebook(served, 'nb7.ipynb', CELLS);
    browser = await startBrowser();
    const port = await freePort();
    const args = ['lab', '--no-browser', `--port=${port}`, '--ip=127.0.0.1', `--ServerApp.root_dir=${served}`, `--IdentityProvider.token=${token}`,
      '--LabApp.expose_app_in_browser=True', '--JupyterNotebookApp.expose_app_in_browser=True', '--LabApp.news_url=', '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate'];
    if (process.getuid?.() === 0) args.push('--allow-root');
    server = spawn(JUPYTER, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout!.on('data', (d) => (log += d));
    server.stderr!.on('data', (d) => (log += d));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`JupyterLab did not start:\n${log}`)), 300000);
      const check = () => /is running at|http:\/\/127\.0\.0\.1:\d+\/lab/.test(log) && (clearTimeout(timer), resolve());
      server.stdout!.on('data', check);
      server.stderr!.on('data', check);
      server.once('exit', (code) => reject(new Error(`JupyterLab exited (${code}):\n${log}`)));
    });
    base = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
  });

  it('`downhill kernel install` put the renderer where JupyterLab finds it, beside plotly.py\'s own extension', () => {
    const listed = spawnSync(JUPYTER, ['labextension', 'list'], { env, encoding: 'utf8' });
    const text = (listed.stdout + listed.stderr).replace(/\x1b\[[0-9;]*m/g, ''); // without its colours
    assert.match(text, new RegExp(`${env.JUPYTER_DATA_DIR!.replace(/[/.]/g, '\\$&')}/labextensions[\\s\\S]*downhill-charts v\\d\\S* enabled\\s+OK`));
    assert.match(text, /jupyterlab-plotly v\S+ enabled\s+OK/, "plotly.py's extension competes for the same MIME type");
  });

  for (const frontEnd of [
    { name: 'JupyterLab 4.6', file: 'lab.ipynb', url: (f: string) => `${base}/lab/tree/${f}?token=${token}`, shot: 'jupyterlab' },
    { name: 'Notebook 7.6', file: 'nb7.ipynb', url: (f: string) => `${base}/notebooks/${f}?token=${token}`, shot: 'notebook7' },
  ]) {
    describe(frontEnd.name, () => {
      let page: Page;
      const errors: string[] = [];

      before(async () => {
        page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
        // tsx names the functions it compiles with a helper the page lacks; the functions below run in the page.
        await page.addInitScript('window.__name = (f) => f;');
        page.on('pageerror', (e) => errors.push(String(e)));
        await page.goto(frontEnd.url(frontEnd.file), GOTO);
        await waitForNotebook(page, frontEnd.file);
      });
      after(() => page?.close());

      it('run all: every chart drawn by downhill\'s renderer (not plotly.py\'s), the animation with its frames, and the live curve grows during fit', async () => {
        const loaded = await page.evaluate(() => JSON.parse(document.getElementById('jupyter-config-data')!.textContent!).federated_extensions.map((e: { name: string }) => e.name));
        assert.ok(loaded.includes('downhill-charts') && loaded.includes('jupyterlab-plotly'), `both extensions on the page: ${loaded}`);
        const live = await runAll(page);
        const charts = await countCharts(page);
        await scrollToCell(page, 3);
        await shot(page, `${frontEnd.shot}-run`);
        assert.equal(charts.ours, CHARTS, JSON.stringify(charts));
        assert.equal(charts.plotlys, 0, JSON.stringify(charts));
        assert.equal(charts.animated, 1, JSON.stringify(charts));
        assertLive(live, 'first run');
      });

      it('run all a second time: the charts are replaced, not added, and the live curve grows again', async () => {
        const live = await runAll(page);
        assert.equal((await countCharts(page)).ours, CHARTS);
        assertLive(live, 'second run');
      });

      it('refresh the page and run all again (same kernel): charts drawn and live', async () => {
        await page.reload(GOTO);
        await waitForNotebook(page, frontEnd.file);
        const live = await runAll(page);
        await scrollToCell(page, LIVE_CELL);
        await shot(page, `${frontEnd.shot}-after-refresh`);
        assert.equal((await countCharts(page)).ours, CHARTS);
        assertLive(live, 'after a refresh');
      });

      it('save and reopen: the notebook is trusted and its charts are drawn from the saved Plotly JSON', async () => {
        await page.evaluate(() => (window as any).jupyterapp.commands.execute('docmanager:save'));
        await page.waitForFunction(() => !(window as any).jupyterapp.shell.currentWidget.context.model.dirty, undefined, { timeout: 180000 });
        const saved = JSON.parse(fs.readFileSync(path.join(served, frontEnd.file), 'utf8'));
        const figures = saved.cells.flatMap((c: any) => c.outputs ?? []).filter((o: any) => o.data?.['application/vnd.plotly.v1+json']);
        assert.equal(figures.length, CHARTS, 'each chart saved with its Plotly JSON');
        await page.goto('about:blank');
        await page.goto(frontEnd.url(frontEnd.file), GOTO);
        await waitForNotebook(page, frontEnd.file);
        await page.waitForFunction(chartsDrawn, CHARTS, { timeout: 180000 });
        const charts = await countCharts(page);
        await shot(page, `${frontEnd.shot}-reopened-trusted`);
        assert.equal(charts.trusted, charts.cells, `every code cell trusted: ${JSON.stringify(charts)}`);
        assert.equal(charts.ours, CHARTS);
        assert.equal(charts.animated, 1);
      });

      it('an untrusted copy (changed outside Jupyter) still draws every chart with downhill\'s renderer', async () => {
        const copy = `untrusted-${frontEnd.file}`;
        untrustedCopy(path.join(served, frontEnd.file), path.join(served, copy));
        await page.goto(frontEnd.url(copy), GOTO);
        await waitForNotebook(page, copy);
        await page.waitForFunction(chartsDrawn, CHARTS, { timeout: 180000 });
        const charts = await countCharts(page);
        await scrollToCell(page, 3);
        await shot(page, `${frontEnd.shot}-untrusted`);
        assert.equal(charts.trusted, 0, `no code cell trusted: ${JSON.stringify(charts)}`);
        assert.equal(charts.ours, CHARTS);
        assert.equal(charts.plotlys, 0);
        assert.deepEqual(errors.filter((e) => /plotly|downhill/i.test(e)), []);
      });
    });
  }
});
