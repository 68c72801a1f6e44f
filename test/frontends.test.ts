import { strict as assert } from 'assert';
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { jupyterEnvironment } from '../src/cli/lab_command';
import { writeKernelSpec } from '../src/kernel/kernelspec';
import { ARTIFACTS, startBrowser } from './helpers/browser';
import { executedNotebook, tempDir } from './helpers/notebooks';

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

describe('charts in other front ends', function () {
  this.timeout(180000);
  let browser: Browser;
  let executed: string;
  const dir = tempDir();

  before(async function () {
    if (!fs.existsSync('/usr/bin/jupyter-notebook') || !fs.existsSync('/usr/bin/jupyter-nbconvert')) {
      throw new Error("needs Debian's jupyter-notebook and jupyter-nbconvert (.ci/run installs them)");
    }
    browser = await startBrowser();
    executed = await chartsNotebook(dir);
  });
  after(() => browser?.close());

  it("an HTML export made by Debian's nbconvert draws the charts offline (its CDN scripts blocked)", async () => {
    const converted = spawnSync('/usr/bin/jupyter', ['nbconvert', '--to', 'html', executed, '--output-dir', dir], { encoding: 'utf8' });
    assert.equal(converted.status, 0, converted.stderr);
    const page = await browser.newPage();
    const external: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      external.push(url);
      return route.abort();
    });
    await page.goto(`file://${path.join(dir, 'charts.html')}`);
    await page.waitForFunction(() => document.querySelectorAll('.downhill-figure .main-svg').length >= 2, undefined, { timeout: 30000 });
    const drawn = await page.locator('.downhill-figure .main-svg').count();
    fs.mkdirSync(path.join(ARTIFACTS, 'screenshots'), { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'screenshots', 'nbconvert-export.png'), fullPage: true });
    await page.close();
    assert.ok(drawn >= 2, `${drawn} charts drawn`);
    // Whatever nbconvert's template fetches from CDNs (blocked here), downhill's charts never need it.
    assert.ok(external.every((u) => !/plotly/i.test(u)), `no plotly.js from the network: ${external}`);
  });

  it('classic Jupyter Notebook 6 draws the charts of a trusted notebook', async () => {
    const root = tempDir('downhill-nb6-');
    const env = { ...process.env, ...jupyterEnvironment(root) };
    writeKernelSpec(path.join(env.JUPYTER_DATA_DIR!, 'kernels'));
    const served = path.join(root, 'served');
    fs.mkdirSync(served);
    const file = path.join(served, 'charts.ipynb');
    fs.copyFileSync(executed, file);
    // Debian ships no `jupyter trust`; sign the notebook the way it does, with nbformat's notary,
    // in the same JUPYTER_DATA_DIR the server reads its signature database from.
    const sign = 'import sys, nbformat\nfrom nbformat.sign import NotebookNotary\nnb = nbformat.read(sys.argv[1], 4)\nNotebookNotary().sign(nb)';
    const trust = spawnSync('/usr/bin/python3', ['-c', sign, file], { env, encoding: 'utf8' });
    assert.equal(trust.status, 0, trust.stderr);
    const port = await freePort();
    const token = 'downhilltest';
    const args = ['notebook', '--no-browser', `--port=${port}`, `--notebook-dir=${served}`, `--NotebookApp.token=${token}`, '--ip=127.0.0.1'];
    if (process.getuid?.() === 0) args.push('--allow-root');
    const server: ChildProcess = spawn('/usr/bin/jupyter', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    server.stdout!.on('data', (d) => (log += d));
    server.stderr!.on('data', (d) => (log += d));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`Jupyter did not start:\n${log}`)), 45000);
        const check = () => /is running at|Serving notebooks/.test(log) && (clearTimeout(timer), resolve());
        server.stdout!.on('data', check);
        server.stderr!.on('data', check);
      });
      const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`http://127.0.0.1:${port}/notebooks/charts.ipynb?token=${token}`);
      await page.waitForFunction(() => document.querySelectorAll('.downhill-figure .main-svg').length >= 2, undefined, { timeout: 60000 });
      const drawn = await page.locator('.downhill-figure .main-svg').count();
      await page.screenshot({ path: path.join(ARTIFACTS, 'screenshots', 'notebook6.png') });
      await page.close();
      assert.ok(drawn >= 2, `${drawn} charts drawn`);
      assert.deepEqual(errors.filter((e) => /plotly|downhill/i.test(e)), []);
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
  });
});
