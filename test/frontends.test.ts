import { strict as assert } from 'assert';
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { jupyterEnvironment } from '../src/cli/lab_command';
import { writeKernelSpec } from '../src/kernel/kernelspec';
import { installNbExtension } from '../src/kernel/nbextension';
import { ARTIFACTS, startBrowser } from './helpers/browser';
import { executedNotebook, tempDir } from './helpers/notebooks';
import { readNotebook } from '../src/notebook/nbformat';

/** A small executed notebook with two charts, made by downhill run. */
function chartsNotebook(dir: string): Promise<string> {
  return executedNotebook(dir, 'charts.ipynb', [
    'md:# Charts in other front ends\nThe loss $J(w) = (w-2)^2$.',
    "import * as dh from 'downhill';\nconst h = await dh.descend({ f: dh.landscapes.parabola(), start: 5, optimizer: dh.optim.sgd({ lr: 0.1 }), steps: 20 });\nawait dh.show(dh.plot.lossCurve(h));",
    "await dh.show(dh.plot.contour(dh.landscapes.rosenbrock()));",
  ]);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Signs a notebook the way `jupyter trust` does (Debian ships no `jupyter trust`), in the server's JUPYTER_DATA_DIR. */
function trust(file: string, env: NodeJS.ProcessEnv): void {
  const sign = 'import sys, nbformat\nfrom nbformat.sign import NotebookNotary\nnb = nbformat.read(sys.argv[1], 4)\nNotebookNotary().sign(nb)';
  const signed = spawnSync('/usr/bin/python3', ['-c', sign, file], { env, encoding: 'utf8' });
  assert.equal(signed.status, 0, signed.stderr);
}

interface Notebook6 {
  url(name: string): string;
  served: string;
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** Debian's classic Jupyter Notebook 6 on a free port, with the downhill kernelspec (and its plotly.js) and chart renderer (nbextension) in a fresh JUPYTER_DATA_DIR and JUPYTER_CONFIG_DIR, as `downhill kernel install` puts them. */
async function startNotebook6(): Promise<Notebook6> {
  const root = tempDir('downhill-nb6-');
  const env = { ...process.env, ...jupyterEnvironment(root) };
  writeKernelSpec(path.join(env.JUPYTER_DATA_DIR!, 'kernels'));
  installNbExtension(env.JUPYTER_DATA_DIR!, path.join(env.JUPYTER_CONFIG_DIR!, 'nbconfig'));
  const served = path.join(root, 'served');
  fs.mkdirSync(served);
  const port = await freePort();
  const token = 'downhilltest';
  const args = ['notebook', '--no-browser', `--port=${port}`, `--notebook-dir=${served}`, `--NotebookApp.token=${token}`, '--ip=127.0.0.1'];
  if (process.getuid?.() === 0) args.push('--allow-root');
  const server: ChildProcess = spawn('/usr/bin/jupyter', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  server.stdout!.on('data', (d) => (log += d));
  server.stderr!.on('data', (d) => (log += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Jupyter did not start:\n${log}`)), 180000); // a busy machine starts it slowly
    const check = () => /is running at|Serving notebooks/.test(log) && (clearTimeout(timer), resolve());
    server.stdout!.on('data', check);
    server.stderr!.on('data', check);
  });
  return {
    url: (name) => `http://127.0.0.1:${port}/notebooks/${name}?token=${token}`,
    served,
    env,
    async stop() {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    },
  };
}

/** What a page shows of downhill's charts. */
async function chartsOn(page: Page) {
  return page.evaluate(() => {
    const figures = Array.from(document.querySelectorAll('.downhill-figure'));
    return {
      figures: figures.length,
      drawn: figures.filter((f) => f.querySelector('.main-svg')).length,
      pngs: figures.filter((f) => Array.from(f.querySelectorAll('img')).some((i) => i.naturalWidth > 100)).length,
      notes: figures.map((f) => f.querySelector('.downhill-note')?.textContent ?? ''),
    };
  });
}

/** Waits for n drawn charts; if they do not come, fails with what the page shows instead (PNGs, notes). */
async function waitForDrawn(page: Page, n: number): Promise<void> {
  try {
    await page.waitForFunction((k) => document.querySelectorAll('.downhill-figure .main-svg').length >= k, n, { timeout: 240000, polling: 500 });
  } catch (e) {
    throw new Error(`${n} charts not drawn: ${JSON.stringify(await chartsOn(page))}: ${e}`);
  }
}

/** Opens a notebook page and counts the plotly.js loads it made (from the kernelspec folder). */
async function openNotebook(browser: Browser, url: string): Promise<{ page: Page; plotlyLoads: string[]; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
  const plotlyLoads: string[] = [];
  const errors: string[] = [];
  page.on('request', (r) => /plotly/i.test(r.url()) && plotlyLoads.push(r.url()));
  page.on('pageerror', (e) => errors.push(String(e)));
  page.setDefaultTimeout(180000); // a busy shared machine serves Jupyter's many scripts slowly
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  return { page, plotlyLoads, errors };
}

describe('charts in other front ends', function () {
  this.timeout(600000);
  let browser: Browser;
  let executed: string;
  const dir = tempDir();

  before(async function () {
    if (!fs.existsSync('/usr/bin/jupyter-notebook') || !fs.existsSync('/usr/bin/jupyter-nbconvert')) {
      throw new Error("needs Debian's jupyter-notebook and jupyter-nbconvert (.ci/run installs them)");
    }
    browser = await startBrowser();
    executed = await chartsNotebook(dir);
    fs.mkdirSync(path.join(ARTIFACTS, 'screenshots'), { recursive: true });
  });
  after(() => browser?.close());

  it('an executed notebook holds each chart once (Plotly JSON) plus its PNG, no HTML or script, and no plotly.js', () => {
    const text = fs.readFileSync(executed, 'utf8');
    assert.ok(!text.includes('* plotly.js v'), 'no plotly.js in the notebook');
    const charts = readNotebook(executed).cells.flatMap((c) => (c.cell_type === 'code' ? c.outputs : [])).filter((o) => o.output_type === 'display_data' && 'application/vnd.plotly.v1+json' in o.data);
    assert.equal(charts.length, 2);
    for (const o of charts) {
      if (o.output_type !== 'display_data') continue;
      assert.ok(typeof o.data['image/png'] === 'string', 'a PNG');
      assert.deepEqual(Object.keys(o.data).filter((k) => !['application/vnd.plotly.v1+json', 'image/png', 'image/webp', 'text/plain'].includes(k)), [], 'no HTML or script part');
      if (o.data['image/webp'] !== undefined) assert.ok(String(o.data['image/webp']).length < String(o.data['image/png']).length, 'a WebP copy only when lighter than the PNG');
    }
  });

  /** Exports the executed notebook with nbconvert (Debian's 6.5, or `jupyter` given) and opens it with every request off the machine blocked. */
  async function nbconvertPage(name: string, extra: string[], jupyter = '/usr/bin/jupyter') {
    const converted = spawnSync(jupyter, ['nbconvert', '--to', 'html', executed, '--output-dir', dir, '--output', name, ...extra], { encoding: 'utf8' });
    assert.equal(converted.status, 0, converted.stderr);
    const page = await browser.newPage();
    const external: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      external.push(url);
      return route.abort();
    });
    await page.goto(`file://${path.join(dir, `${name}.html`)}`);
    await page.waitForFunction(() => Array.from(document.querySelectorAll('img')).filter((i) => (i as HTMLImageElement).naturalWidth > 100).length >= 2, undefined, { timeout: 30000 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(ARTIFACTS, 'screenshots', `${name}.png`), fullPage: true });
    return { page, external, html: fs.readFileSync(path.join(dir, `${name}.html`), 'utf8') };
  }

  /** The pictures an nbconvert page shows (outputs have no .downhill-figure there: nbconvert draws the PNG part itself). */
  const picturesOn = (page: Page) => page.evaluate(() => Array.from(document.querySelectorAll('img')).filter((i) => i.naturalWidth > 100).length);

  it("an HTML export made by Debian's nbconvert shows each chart's PNG, and fetches no plotly.js", async () => {
    const { page, external, html } = await nbconvertPage('charts', []);
    try {
      assert.equal(await picturesOn(page), 2, 'both PNGs shown');
      assert.ok(!html.includes('* plotly.js v'), 'no plotly.js in the export');
      assert.ok(external.every((u) => !/plotly/i.test(u)), `no plotly.js from the network: ${external}`);
    } finally {
      await page.close();
    }
  });

  /** A sanitised page shows the pictures and no code or markup as text. */
  async function assertSanitisedPage(name: string, jupyter?: string) {
    const { page, html } = await nbconvertPage(name, ['--HTMLExporter.sanitize_html=True'], jupyter);
    try {
      assert.equal(await picturesOn(page), 2, 'both PNGs shown');
      // The outputs' text (nbconvert 7.17 prints the markdown cells' own headings as escaped HTML, charts or not).
      const shown = await page.evaluate(() => Array.from(document.querySelectorAll('.jp-OutputArea')).map((e) => (e as HTMLElement).innerText));
      assert.equal(shown.length, 2, 'two output areas');
      assert.ok(shown.every((t) => !/function|Plotly|onload|base64|&lt;|<[a-z]/i.test(t)), `no script or markup shown as text in the outputs: ${shown.join(' | ').slice(0, 400)}`);
      assert.ok(!/onload=|downhillPlotly/.test(html), 'no loader in the file');
    } finally {
      await page.close();
    }
  }

  it("a sanitised export by Debian's nbconvert 6.5 (--HTMLExporter.sanitize_html=True) shows the PNGs and no script text", () => assertSanitisedPage('charts-sanitised'));

  it('a sanitised export by nbconvert 7 (the JupyterLab venv) shows the PNGs and no script text', async function () {
    const jupyter = path.join(process.env.DOWNHILL_JUPYTER_VENV ?? '/opt/downhill-jupyter-venv', 'bin', 'jupyter');
    if (!fs.existsSync(jupyter)) throw new Error(`needs nbconvert 7 in the JupyterLab venv (${jupyter}; .ci/run installs it)`);
    const version = spawnSync(jupyter, ['nbconvert', '--version'], { encoding: 'utf8' }).stdout.trim();
    assert.match(version, /^7\./, `nbconvert ${version}`);
    await assertSanitisedPage('charts-sanitised-7', jupyter);
  });

  describe('classic Jupyter Notebook 6 (Debian)', () => {
    let nb6: Notebook6;
    before(async () => {
      nb6 = await startNotebook6();
      for (const name of ['charts.ipynb', 'second.ipynb']) fs.copyFileSync(executed, path.join(nb6.served, name));
      // A copy changed outside Jupyter: its content differs from the signed ones, so no signature vouches for it.
      const changed = readNotebook(executed);
      changed.metadata.edited_outside_jupyter = true;
      fs.writeFileSync(path.join(nb6.served, 'untrusted.ipynb'), JSON.stringify(changed, null, 1));
      // Another kernel's notebook (plotly.py writes the Plotly JSON beside its own HTML): left to that HTML.
      const python = readNotebook(executed);
      python.metadata.kernelspec = { name: 'python3', display_name: 'Python 3', language: 'python' };
      for (const cell of python.cells) {
        if (cell.cell_type !== 'code') continue;
        for (const o of cell.outputs) if (o.output_type === 'display_data') o.data['text/html'] = '<p class="plotly-py-chart">drawn by plotly.py</p>';
      }
      fs.writeFileSync(path.join(nb6.served, 'python.ipynb'), JSON.stringify(python, null, 1));
      trust(path.join(nb6.served, 'python.ipynb'), nb6.env);
      trust(path.join(nb6.served, 'charts.ipynb'), nb6.env);
      trust(path.join(nb6.served, 'second.ipynb'), nb6.env);
    });
    after(() => nb6?.stop());

    it('a trusted notebook draws its charts with plotly.js loaded once from the kernelspec folder; a refresh draws them again', async () => {
      const { page, plotlyLoads, errors } = await openNotebook(browser, nb6.url('charts.ipynb'));
      try {
        await waitForDrawn(page, 2);
        await page.screenshot({ path: path.join(ARTIFACTS, 'screenshots', 'notebook6.png') });
        assert.equal(await page.evaluate(() => !!(window as any).Jupyter.notebook.dirty), false, 'drawing the charts leaves the notebook unchanged (no "unsaved changes")');
        assert.deepEqual(plotlyLoads.map((u) => new URL(u).pathname), ['/kernelspecs/downhill/plotly.min.js']);
        await page.reload({ waitUntil: 'domcontentloaded' });
        await waitForDrawn(page, 2);
        assert.equal((await chartsOn(page)).drawn, 2, 'drawn after the refresh');
        assert.equal(plotlyLoads.length, 2, 'once per page load');
        assert.deepEqual(errors.filter((e) => /plotly|downhill/i.test(e)), []);
      } finally {
        await page.close();
      }
    });

    it("another kernel's notebook keeps its own rendering of Plotly outputs (its HTML part), not downhill's", async () => {
      const { page } = await openNotebook(browser, nb6.url('python.ipynb'));
      try {
        await page.waitForFunction(() => document.querySelectorAll('.plotly-py-chart').length === 2, undefined, { timeout: 60000 });
        await page.waitForTimeout(1000);
        assert.equal((await chartsOn(page)).figures, 0, 'no chart taken over by downhill');
      } finally {
        await page.close();
      }
    });

    it('two notebooks open at once each draw their charts', async () => {
      const first = await openNotebook(browser, nb6.url('charts.ipynb'));
      const second = await openNotebook(browser, nb6.url('second.ipynb'));
      try {
        await Promise.all([waitForDrawn(first.page, 2), waitForDrawn(second.page, 2)]);
        assert.equal((await chartsOn(first.page)).drawn, 2);
        assert.equal((await chartsOn(second.page)).drawn, 2);
      } finally {
        await first.page.close();
        await second.page.close();
      }
    });

    it('Run All twice, save and reopen: every chart drawn each time, and the saved notebook stays small, without plotly.js', async () => {
      const { page, plotlyLoads, errors } = await openNotebook(browser, nb6.url('charts.ipynb'));
      const runAll = async () => {
        await page.waitForFunction(() => (window as any).Jupyter?.notebook?.kernel?.is_connected?.(), undefined, { timeout: 120000 });
        await page.evaluate(() => (window as any).Jupyter.notebook.execute_all_cells());
        // Done when every code cell has its new execution count and no cell is running.
        await page.waitForFunction(
          () => {
            const cells = (window as any).Jupyter.notebook.get_cells().filter((c: any) => c.cell_type === 'code');
            return cells.every((c: any) => c.input_prompt_number !== '*' && c.input_prompt_number !== undefined && c.input_prompt_number !== null && !c.element[0].classList.contains('running'));
          },
          undefined,
          { timeout: 400000, polling: 500 },
        );
        await waitForDrawn(page, 2);
      };
      try {
        await waitForDrawn(page, 2);
        await runAll();
        const counts = await page.evaluate(() => (window as any).Jupyter.notebook.get_cells().map((c: any) => c.input_prompt_number));
        await runAll();
        const again = await page.evaluate(() => (window as any).Jupyter.notebook.get_cells().map((c: any) => c.input_prompt_number));
        assert.notDeepEqual(again, counts, 'the cells ran a second time');
        const charts = await chartsOn(page);
        assert.equal(charts.drawn, 2, 'drawn after the second Run All');
        assert.ok(charts.notes.every((n) => n === ''), `no fallback notes: ${charts.notes}`);
        assert.equal(plotlyLoads.length, 1, 'plotly.js loaded once for the page, not per run');
        await page.evaluate(() => (window as any).Jupyter.notebook.save_notebook());
        await page.waitForFunction(() => !(window as any).Jupyter.notebook.dirty, undefined, { timeout: 30000 });
        await page.reload({ waitUntil: 'domcontentloaded' });
        await waitForDrawn(page, 2);
        await page.screenshot({ path: path.join(ARTIFACTS, 'screenshots', 'notebook6-rerun-reopened.png') });
        assert.equal((await chartsOn(page)).drawn, 2, 'drawn after saving and reopening');
        assert.deepEqual(errors.filter((e) => /plotly|downhill/i.test(e)), []);
        const saved = fs.readFileSync(path.join(nb6.served, 'charts.ipynb'), 'utf8');
        assert.ok(!saved.includes('* plotly.js v'), 'no plotly.js in the saved notebook');
        // Two runs and a save leave one output per chart: no larger than the notebook `downhill run` wrote, laid out as
        // Jupyter lays it out (downhill keeps arrays of numbers on one line; Jupyter puts one number per line).
        const first = JSON.stringify(JSON.parse(fs.readFileSync(executed, 'utf8')), null, 1).length + 1;
        assert.ok(saved.length <= first * 1.01, `saved notebook of ${saved.length} characters, the executed one ${first} laid out by Jupyter`);
      } finally {
        await page.close();
      }
    });

    it('an untrusted notebook draws its charts too: the renderer is safe (a Plotly figure is data, not code)', async () => {
      const { page } = await openNotebook(browser, nb6.url('untrusted.ipynb'));
      try {
        await page.waitForFunction(() => (window as any).Jupyter?.notebook?.trusted === false, undefined, { timeout: 60000 });
        await waitForDrawn(page, 2);
        await page.screenshot({ path: path.join(ARTIFACTS, 'screenshots', 'notebook6-untrusted.png') });
        assert.equal((await chartsOn(page)).drawn, 2);
      } finally {
        await page.close();
      }
    });

  });
});
