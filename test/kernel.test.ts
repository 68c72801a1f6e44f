import { strict as assert } from 'assert';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import { cli, ROOT, tempDir } from './helpers/notebooks';
import { jupyterPython, kernelsDirFor } from '../src/kernel/jupyter_paths';

const DEBIAN_PYTHON = '/usr/bin/python3';

function hasJupyter(): boolean {
  return fs.existsSync('/usr/bin/jupyter-notebook') && spawnSync(DEBIAN_PYTHON, ['-c', 'import jupyter_client'], { stdio: 'ignore' }).status === 0;
}

describe('kernelspec: install, list, remove', function () {
  this.timeout(60000);
  before(function () {
    if (!hasJupyter()) throw new Error("these tests need Debian's Jupyter: apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient (.ci/run installs them)");
  });

  it('install --prefix writes kernel.json with absolute paths to this Node.js and this project, logos, and plotly.js for the charts', async () => {
    const prefix = tempDir();
    const r = await cli(['kernel', 'install', '--prefix', prefix]);
    assert.equal(r.code, 0, r.stderr);
    const dir = path.join(prefix, 'share', 'jupyter', 'kernels', 'downhill');
    const spec = JSON.parse(fs.readFileSync(path.join(dir, 'kernel.json'), 'utf8'));
    assert.equal(spec.display_name, 'TypeScript (downhill)');
    assert.equal(spec.language, 'typescript');
    assert.ok(path.isAbsolute(spec.argv[0]) && fs.existsSync(spec.argv[0]), 'node by absolute path');
    assert.equal(spec.argv[1], path.join(ROOT, 'dist', 'kernel', 'launch.js'), "the project's own launcher, not a global tslab");
    assert.deepEqual(spec.argv.slice(2), ['--config-path', '{connection_file}']);
    for (const logo of ['logo-32x32.png', 'logo-64x64.png', 'logo-svg.svg']) assert.ok(fs.existsSync(path.join(dir, logo)), logo);
    const plotly = fs.readFileSync(path.join(dir, 'plotly.min.js'), 'utf8');
    assert.ok(plotly.includes('* plotly.js v') && plotly.length > 1e6, 'plotly.js, which Jupyter serves to the charts of classic Notebook');
  });

  it('install --prefix also copies the prebuilt chart renderer to DIR/share/jupyter/labextensions, with install.json', async () => {
    const prefix = tempDir();
    const r = await cli(['kernel', 'install', '--prefix', prefix]);
    assert.equal(r.code, 0, r.stderr);
    const dir = path.join(prefix, 'share', 'jupyter', 'labextensions', 'downhill-charts');
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    // What JupyterLab reads to load a prebuilt extension: the entry file named in jupyterlab._build.load.
    assert.equal(manifest.jupyterlab._build.extension, './extension');
    assert.ok(fs.existsSync(path.join(dir, manifest.jupyterlab._build.load)), manifest.jupyterlab._build.load);
    const install = JSON.parse(fs.readFileSync(path.join(dir, 'install.json'), 'utf8'));
    assert.equal(install.packageName, 'downhill');
    // plotly.js travels inside the extension: nothing is fetched when a chart is drawn.
    const chunks = fs.readdirSync(path.join(dir, 'static')).map((f) => fs.readFileSync(path.join(dir, 'static', f), 'utf8'));
    assert.ok(chunks.some((c) => c.includes('application/vnd.plotly.v1+json')), 'the renderer');
    assert.ok(chunks.some((c) => /plotly\.js v\d/.test(c)), 'plotly.js bundled');
    assert.match(r.stdout, /installed the chart renderer for JupyterLab and Notebook 7 in \S+labextensions\/downhill-charts/);
  });

  it('install --prefix also writes the classic Notebook 6 renderer (nbextension) and enables it in DIR/etc/jupyter (read back by Notebook 6 with that folder on JUPYTER_CONFIG_PATH)', async () => {
    const prefix = tempDir();
    const r = await cli(['kernel', 'install', '--prefix', prefix]);
    assert.equal(r.code, 0, r.stderr);
    const module = path.join(prefix, 'share', 'jupyter', 'nbextensions', 'downhill', 'main.js');
    const source = fs.readFileSync(module, 'utf8');
    assert.match(source, /var MIME = 'application\/vnd\.plotly\.v1\+json'/);
    assert.match(source, /OutputArea\.prototype\.append_mime_type = function/);
    assert.match(source, /kernelspecs\/downhill\/plotly\.min\.js\?v=\d/);
    assert.match(r.stdout, /installed the chart renderer for classic Notebook 6 in \S+nbextensions\/downhill\/main\.js/);
    // What Notebook 6 itself reads: its config manager, over the prefix's etc/jupyter.
    const read = 'from notebook.services.config import ConfigManager\nprint(ConfigManager().get("notebook").get("load_extensions", {}))';
    const env = { ...process.env, JUPYTER_CONFIG_PATH: path.join(prefix, 'etc', 'jupyter') };
    const seen = spawnSync(DEBIAN_PYTHON, ['-c', read], { env, encoding: 'utf8' });
    assert.equal(seen.status, 0, seen.stderr);
    assert.match(seen.stdout, /'downhill\/main': True/);
  });

  it("Debian's Jupyter lists it (python3 -m jupyter_client.kernelspecapp list), and so does `downhill kernel list`", async () => {
    const prefix = tempDir();
    await cli(['kernel', 'install', '--prefix', prefix]);
    const env = { ...process.env, JUPYTER_PATH: path.join(prefix, 'share', 'jupyter') };
    const listed = spawnSync(DEBIAN_PYTHON, ['-m', 'jupyter_client.kernelspecapp', 'list'], { env, encoding: 'utf8' });
    assert.match(listed.stdout, new RegExp(`downhill\\s+${path.join(prefix, 'share', 'jupyter', 'kernels', 'downhill').replace(/[/.]/g, '\\$&')}`));
    const ours = await cli(['kernel', 'list'], { env });
    assert.match(ours.stdout, /^downhill\s+TypeScript \(downhill\)\s+\S+kernels\/downhill$/m);
  });

  it('install --user honours JUPYTER_DATA_DIR and JUPYTER_CONFIG_DIR; remove deletes the kernelspec and the renderers again', async () => {
    const data = tempDir();
    const config = tempDir();
    const env = { JUPYTER_DATA_DIR: data, JUPYTER_CONFIG_DIR: config };
    assert.equal((await cli(['kernel', 'install', '--user'], { env })).code, 0);
    assert.ok(fs.existsSync(path.join(data, 'kernels', 'downhill', 'kernel.json')));
    assert.ok(fs.existsSync(path.join(data, 'labextensions', 'downhill-charts', 'package.json')));
    assert.ok(fs.existsSync(path.join(data, 'nbextensions', 'downhill', 'main.js')));
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(config, 'nbconfig', 'notebook.d', 'downhill.json'), 'utf8')), { load_extensions: { 'downhill/main': true } });
    const removed = await cli(['kernel', 'remove', '--user'], { env });
    assert.equal(removed.code, 0);
    assert.ok(!fs.existsSync(path.join(data, 'kernels', 'downhill')));
    assert.ok(!fs.existsSync(path.join(data, 'labextensions', 'downhill-charts')), 'the renderer is removed too');
    assert.ok(!fs.existsSync(path.join(data, 'nbextensions', 'downhill')) && !fs.existsSync(path.join(config, 'nbconfig', 'notebook.d', 'downhill.json')), 'and the Notebook 6 renderer with its config');
    const again = await cli(['kernel', 'remove', '--user'], { env });
    assert.equal(again.code, 1);
    assert.match(again.stdout, /no 'downhill' kernel/);
  });

  it("--sys-prefix targets the prefix of Jupyter's own Python, not the first python3 on PATH", async () => {
    
    assert.equal(jupyterPython(), DEBIAN_PYTHON, 'read from the jupyter script');
    const prefix = spawnSync(DEBIAN_PYTHON, ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8' }).stdout.trim();
    assert.equal(kernelsDirFor({ sysPrefix: true }), path.join(prefix, 'share', 'jupyter', 'kernels'));
  });

  it('bad usage: two targets at once', async () => {
    const r = await cli(['kernel', 'install', '--user', '--prefix', '/tmp/x']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /choose one of --user, --sys-prefix and --prefix DIR/);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function getJSON(url: string): Promise<any> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
}

describe('downhill lab', function () {
  this.timeout(60000);

  it('starts Jupyter Notebook with the kernel registered and its state inside the project, and prints the URL', async function () {
    if (!hasJupyter()) throw new Error("needs Debian's Jupyter (.ci/run installs it)");
    const port = await freePort();
    const notebooks = tempDir();
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'cli', 'main.js'), 'lab', '--no-browser', '--port', String(port), '--notebooks', notebooks], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed:\n${output}`)), 45000);
        const check = () => {
          const m = new RegExp(`(http://(?:127\\.0\\.0\\.1|localhost):${port}/\\?token=\\w+)`).exec(output);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        };
        child.stdout.on('data', check);
        child.stderr.on('data', check);
      });
      assert.match(output, /kernel registered in .*\.jupyter\/data\/kernels\/downhill/);
      const token = new URL(url).searchParams.get('token');
      const specs = await getJSON(`http://127.0.0.1:${port}/api/kernelspecs?token=${token}`);
      assert.equal(specs.kernelspecs.downhill?.spec.display_name, 'TypeScript (downhill)');
      assert.ok(fs.existsSync(path.join(ROOT, '.jupyter', 'runtime')), "Jupyter's runtime files stay in the project");
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });

  it('without Jupyter: a clear message with the install command', async () => {
    const r = await cli(['lab'], { env: { DOWNHILL_JUPYTER: '/nonexistent/jupyter' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Jupyter Notebook is not installed/);
    assert.match(r.stderr, /apt-get install jupyter-notebook/);
  });
});
