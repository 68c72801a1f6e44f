import { strict as assert } from 'assert';
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { StudentRun, runInClass } from '../src/hub/class_run';
import { HubClient } from '../src/hub/hub_client';
import { restRequest } from '../src/hub/rest';
import { CodeCell, joined, readNotebook } from '../src/notebook/nbformat';
import { ROOT, cli, tempDir, writeNotebook } from './helpers/notebooks';

/**
 * A class on a real JupyterHub on this machine: Debian's jupyterhub 3.0 with
 * configurable-http-proxy, on loopback, the dummy authenticator (one class password)
 * and the simple local process spawner (every student's server is a process of the
 * hub's user, with its own home folder). downhill is installed by deploy/install.sh,
 * the script the Docker image and Binder run, into a prefix the servers see. As in the
 * image (which has no Chromium), charts go to the browser as Plotly JSON and HTML only
 * (DOWNHILL_PNG=0): no kernel renders a PNG.
 */

const STUDENTS = Array.from({ length: 10 }, (_, i) => `student${String(i + 1).padStart(2, '0')}`);
/** A student whose home is a file, not a folder: the hub's pre-spawn check refuses to start their server. */
const DROPOUT = 'dropout';
const PASSWORD = 'class-password';
const ADMIN_TOKEN = 'instructor-check-token-0123456789abcdef';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Processes started for this test's hub: their environment names its folder (the servers and kernels outlive nothing). */
function processesUnder(dir: string): number[] {
  return fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((pid) => {
    try {
      return pid !== process.pid && fs.readFileSync(`/proc/${pid}/environ`, 'utf8').includes(dir);
    } catch {
      return false;
    }
  });
}

describe('a class on JupyterHub (Debian jupyterhub 3.0, 10 students, loopback)', function () {
  this.timeout(600000);
  const dir = tempDir('downhill-hub-');
  const prefix = path.join(dir, 'prefix');
  const homes = path.join(dir, 'homes');
  let hubProcess: ChildProcess | undefined;
  let hub: HubClient;
  let hubLog = '';
  const tokens = new Map<string, string>();
  let runs: StudentRun[] = [];

  before(async function () {
    for (const command of ['jupyterhub', 'configurable-http-proxy', 'jupyterhub-singleuser']) {
      assert.ok(execFileSync('sh', ['-c', `command -v ${command} || true`], { encoding: 'utf8' }).trim(), `${command} is missing: apt-get install jupyterhub node-configurable-http-proxy (.ci/run does)`);
    }
    const install = execFileSync(path.join(ROOT, 'deploy', 'install.sh'), ['--prefix', prefix], { encoding: 'utf8' });
    assert.match(install, /downhill installed under/);
    fs.mkdirSync(homes);
    fs.writeFileSync(path.join(homes, DROPOUT), 'not a folder\n');
    const [port, hubPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const config = `
c = get_config()
c.JupyterHub.ip = '127.0.0.1'
c.JupyterHub.port = ${port}
c.JupyterHub.hub_ip = '127.0.0.1'
c.JupyterHub.hub_port = ${hubPort}
c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:${apiPort}'
# Debian's proxy loads its modules from /usr/share/nodejs, which only Debian's own Node searches.
c.ConfigurableHTTPProxy.command = ['env', 'NODE_PATH=/usr/share/nodejs', 'configurable-http-proxy']
c.JupyterHub.db_url = 'sqlite:///${dir}/jupyterhub.sqlite'
c.JupyterHub.cookie_secret_file = '${dir}/jupyterhub_cookie_secret'
c.JupyterHub.cleanup_servers = True
c.JupyterHub.authenticator_class = 'jupyterhub.auth.DummyAuthenticator'
c.DummyAuthenticator.password = '${PASSWORD}'
c.Authenticator.allowed_users = set(${JSON.stringify([...STUDENTS, DROPOUT])})
c.JupyterHub.spawner_class = 'jupyterhub.spawner.SimpleLocalProcessSpawner'
c.SimpleLocalProcessSpawner.home_dir_template = '${homes}/{username}'
c.Spawner.cmd = ['jupyterhub-singleuser']
c.Spawner.args = ${process.getuid?.() === 0 ? "['--allow-root']" : '[]'}
c.Spawner.environment = {'JUPYTER_PATH': '${prefix}/share/jupyter', 'PATH': '${prefix}/bin:' + __import__('os').environ['PATH'], 'DOWNHILL_TEST_HUB': '${dir}', 'DOWNHILL_PNG': '0'}
import os
from tornado import web
def check_home(spawner):
    if os.path.exists(spawner.home_dir) and not os.path.isdir(spawner.home_dir):
        raise web.HTTPError(500, f'the home {spawner.home_dir} is not a folder')
c.Spawner.pre_spawn_hook = check_home
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300
c.JupyterHub.services = [{'name': 'class-check', 'api_token': '${ADMIN_TOKEN}'}]
c.JupyterHub.load_roles = [{'name': 'class-check', 'scopes': ['admin:servers', 'access:servers', 'read:users'], 'services': ['class-check']}]
`;
    fs.writeFileSync(path.join(dir, 'jupyterhub_config.py'), config);
    hubProcess = spawn('jupyterhub', ['--config', path.join(dir, 'jupyterhub_config.py')], {
      cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DOWNHILL_TEST_HUB: dir },
    });
    const keep = (chunk: Buffer) => (hubLog = (hubLog + chunk.toString()).slice(-20000));
    hubProcess.stdout!.on('data', keep);
    hubProcess.stderr!.on('data', keep);
    hub = new HubClient(`http://127.0.0.1:${port}/`);
    for (let i = 0; ; i++) {
      const up = await restRequest('GET', new URL('hub/api/', hub.hubUrl).href, undefined).catch(() => undefined);
      if (up?.status === 200) break;
      assert.ok(hubProcess.exitCode === null && i < 240, `the hub did not come up:\n${hubLog}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  });

  after(async function () {
    if (hubProcess?.pid && hubProcess.exitCode === null) {
      const exited = new Promise((r) => hubProcess!.once('exit', r));
      process.kill(-hubProcess.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 30000))]);
    }
    for (const pid of processesUnder(dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  });

  it('logs the 10 students (and one more) in through the REST API with the class password; a wrong password is refused', async () => {
    for (const user of [...STUDENTS, DROPOUT]) tokens.set(user, await hub.login(user, PASSWORD));
    assert.equal(new Set(tokens.values()).size, 11);
    await assert.rejects(hub.login(STUDENTS[0], 'wrong'), /did not log student01 in \(HTTP 403/);
  });

  it("runs lesson 1 in every student's own server through the kernel API, all at once: each run passes its checks; the student whose server cannot start is reported", async () => {
    const lesson = path.join(prefix, 'share', 'downhill', 'notebooks', '01-descent-on-a-curve.ipynb');
    runs = await runInClass({
      hub,
      students: [...STUDENTS, DROPOUT].map((user) => ({ user, token: tokens.get(user)! })),
      notebook: readNotebook(lesson),
      label: path.basename(lesson),
      startTimeoutSeconds: 300,
    });
    const byUser = new Map(runs.map((r) => [r.user, r]));
    for (const user of STUDENTS) {
      const run = byUser.get(user)!;
      assert.equal(run.status, 'passed', `${user}: ${run.detail}\n${hubLog.slice(-3000)}`);
      const cells = run.notebook!.cells.filter((c): c is CodeCell => c.cell_type === 'code');
      assert.ok(cells.every((c) => c.execution_count !== null), `${user}: every cell ran`);
      const checks = cells[cells.length - 1].outputs.map((o) => (o.output_type === 'stream' ? joined(o.text) : '')).join('');
      assert.ok((checks.match(/✓/g) ?? []).length >= 5, `${user}: the checks cell printed its ✓ lines:\n${checks}`);
    }
    const dropout = byUser.get(DROPOUT)!;
    assert.equal(dropout.status, 'server-failed');
    assert.match(dropout.detail!, /dropout's server (did not start|stopped while starting)/);
    assert.match(dropout.detail!, /is not a folder/, dropout.detail);
  });

  it("the kernels ran in the students' servers (on the hub, not here), and none is left running there", async () => {
    for (const user of STUDENTS) {
      const kernels = await restRequest('GET', new URL('api/kernels', hub.serverUrl(user)).href, tokens.get(user));
      assert.equal(kernels.status, 200, `${user}'s server answers`);
      assert.deepEqual(kernels.body, [], `${user}'s kernel was shut down`);
    }
    // One student's token cannot reach another's server.
    const other = await restRequest('GET', new URL('api/kernels', hub.serverUrl(STUDENTS[1])).href, tokens.get(STUDENTS[0]));
    assert.notEqual(other.status, 200);
  });

  it('downhill hub run: the instructor checks a notebook in chosen servers with a service token; an unknown student is reported, the other passes', async () => {
    const check = writeNotebook(dir, 'check.ipynb', ["import * as dh from 'downhill';\ndh.check.isTrue('the kernel runs on the hub', 1 + 1 === 2);"]);
    const r = await cli(['hub', 'run', check, '--hub', hub.hubUrl, '--users', `${STUDENTS[0]},nobody`], { env: { ...process.env, JUPYTERHUB_API_TOKEN: ADMIN_TOKEN } });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /student01\s+passed/);
    assert.match(r.stdout, /nobody\s+server-failed: nobody's server did not start \(HTTP 404/);
  });

  it('a hub that is not reachable is reported for every student, and nothing else stops', async () => {
    const nowhere = new HubClient(`http://127.0.0.1:${await freePort()}/`);
    const unreachable = await runInClass({ hub: nowhere, students: STUDENTS.slice(0, 3).map((user) => ({ user, token: 'x' })), notebook: readNotebook(path.join(ROOT, 'notebooks', '01-descent-on-a-curve.ipynb')), label: 'lesson 1' });
    assert.deepEqual(unreachable.map((r) => r.status), ['hub-unreachable', 'hub-unreachable', 'hub-unreachable']);
    for (const r of unreachable) assert.match(r.detail!, /is not reachable \(ECONNREFUSED\)/);
  });
});
