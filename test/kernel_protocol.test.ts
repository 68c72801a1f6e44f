import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KERNEL_NAME, kernelSpec } from '../src/kernel/kernelspec';
import { RawMessage, isMessage } from '../src/jupyter/messages';
import { Kernel } from '../src/notebook/kernel_client';
import { codeCell, readNotebook } from '../src/notebook/nbformat';
import { cli, tempDir, writeNotebook } from './helpers/notebooks';

const DEBIAN_PYTHON = '/usr/bin/python3';
const CONFORMANCE = path.join(__dirname, 'conformance');

function needs(file: string, what: string): void {
  if (!fs.existsSync(file)) throw new Error(`this test needs ${what} (.ci/run installs it)`);
}

/** A prefix with the downhill kernel installed, for Jupyter's own tools (JUPYTER_PATH). */
async function installedPrefix(): Promise<NodeJS.ProcessEnv> {
  const prefix = tempDir('downhill-jupyter-');
  const r = await cli(['kernel', 'install', '--prefix', prefix]);
  assert.equal(r.code, 0, r.stderr);
  return { ...process.env, JUPYTER_PATH: path.join(prefix, 'share', 'jupyter') };
}

function startKernel(env?: NodeJS.ProcessEnv, transport: 'tcp' | 'ipc' = 'tcp'): Promise<Kernel> {
  return Kernel.start({ name: KERNEL_NAME, ...kernelSpec() }, { cwd: os.tmpdir(), env, transport });
}

function streamText(messages: RawMessage[], name = 'stdout'): string {
  return messages.map((m) => (isMessage(m, 'stream') && m.content.name === name ? m.content.text : '')).join('');
}

describe("the kernel's Jupyter protocol layer", function () {
  this.timeout(300000);
  let env: NodeJS.ProcessEnv;
  before(async () => {
    needs('/usr/lib/python3/dist-packages/jupyter_kernel_test/__init__.py', "Debian's python3-jupyter-kernel-test");
    env = await installedPrefix();
  });

  it("passes Jupyter's own conformance suite (jupyter_kernel_test) with a sample for every test it offers", () => {
    const r = spawnSync(DEBIAN_PYTHON, ['-m', 'unittest', '-v', 'test_downhill_kernel'], { cwd: CONFORMANCE, env, encoding: 'utf8', timeout: 240000 });
    const report = r.stderr;
    assert.equal(r.status, 0, report);
    const passed = report.match(/^test_\w+ \(.*\) \.\.\. ok$/gm) ?? [];
    // Everything but the pager (downhill has no pager payloads) runs and passes.
    for (const name of ['kernel_info', 'execute_stdout', 'execute_stderr', 'completion', 'is_complete', 'error', 'execute_result', 'display_data', 'history', 'inspect', 'clear_output']) {
      assert.ok(passed.some((l) => l.startsWith(`test_${name} `)), `test_${name} passed:\n${report}`);
    }
    assert.match(report, /^Ran 12 tests/m);
    assert.match(report, /^OK \(skipped=1\)$/m);
  });

  it('answers the rest of the protocol as jupyter_client and nbclient expect (kernel_info, comm, aborted, errors, figures, interrupt)', () => {
    needs('/usr/lib/python3/dist-packages/nbclient/__init__.py', "Debian's python3-nbclient");
    const r = spawnSync(DEBIAN_PYTHON, ['-m', 'unittest', '-v', 'test_protocol'], { cwd: CONFORMANCE, env, encoding: 'utf8', timeout: 240000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^Ran 9 tests/m);
  });

  it('`jupyter console` with piped input: results, an error, and the cells after it', () => {
    needs('/usr/bin/jupyter-console', "Debian's jupyter-console");
    const input = ['6 * 7', 'throw new Error("on purpose")', 'console.log("still here")', '[1, 2].map((x) => x + 1)', ''].join('\n');
    const r = spawnSync('/usr/bin/jupyter', ['console', '--kernel', 'downhill', '--simple-prompt'], { env, input, encoding: 'utf8', timeout: 120000 });
    const out = r.stdout + r.stderr;
    assert.match(out, /Out\[1\]: 42/);
    assert.match(out, /Error: on purpose/);
    assert.match(out, /still here/);
    assert.match(out, /Out\[4\]: \[ 2, 3 \]/);
    assert.doesNotMatch(out, /KeyError|Traceback \(most recent call last\)/, out);
  });

  it('loses no output: a cell printing 100,000 lines delivers every line, in order', async () => {
    const kernel = await startKernel();
    try {
      const outcome = await kernel.execute('for (let i = 0; i < 100000; i++) console.log(`line ${i}`);', { timeoutMs: 120000 });
      assert.equal(outcome.status, 'ok');
      const lines = streamText(outcome.messages).split('\n');
      assert.equal(lines.length, 100001);
      lines.slice(0, -1).forEach((l, i) => l !== `line ${i}` && assert.fail(`line ${i} is ${JSON.stringify(l)}`));
      assert.ok(outcome.messages.length < 200, `printed text is gathered into few messages (${outcome.messages.length})`);
      assert.equal((await kernel.execute('console.log("next")')).status, 'ok', 'the kernel goes on');
    } finally {
      await kernel.shutdown();
    }
  });

  it('caps printed output per cell at DOWNHILL_MAX_CELL_OUTPUT_BYTES, says so once, and the next cell prints again', async () => {
    const kernel = await startKernel({ DOWNHILL_MAX_CELL_OUTPUT_BYTES: '20000' });
    try {
      const flood = await kernel.execute('for (let i = 0; i < 50000; i++) console.log(`line ${i}`);');
      assert.equal(flood.status, 'ok');
      assert.equal(flood.truncated, true);
      const text = streamText(flood.messages);
      assert.ok(text.length <= 20000, `${text.length} characters kept`);
      const note = streamText(flood.messages, 'stderr');
      assert.match(note, /output truncated: this cell printed more than 20 KiB \(DOWNHILL_MAX_CELL_OUTPUT_BYTES\)/);
      assert.equal(note.match(/truncated/g)?.length, 1, 'one note');
      const next = await kernel.execute('console.log("after")');
      assert.equal(streamText(next.messages), 'after\n');
      assert.equal(next.truncated, undefined);
    } finally {
      await kernel.shutdown();
    }
  });

  it('a bad limit is an error that names the variable and the fix', async () => {
    await assert.rejects(startKernel({ DOWNHILL_MAX_CELL_OUTPUT_BYTES: 'lots' }), /DOWNHILL_MAX_CELL_OUTPUT_BYTES="lots" is not a number of bytes[\s\S]*Fix: set it to a whole number/);
  });

  it('talks over Unix sockets (the ipc transport) as well as TCP', async () => {
    const kernel = await startKernel(undefined, 'ipc');
    try {
      const r = await kernel.execute('6 * 7');
      const result = r.messages.find((m) => isMessage(m, 'execute_result'));
      assert.equal(result && isMessage(result, 'execute_result') ? result.content.data['text/plain'] : undefined, '42');
    } finally {
      await kernel.shutdown();
    }
  });

  it('runs 1,000 cells in sequence (downhill run), each with its execution count', async () => {
    const dir = tempDir();
    const file = writeNotebook(dir, 'many.ipynb', Array.from({ length: 1000 }, (_, i) => codeCell(i === 999 ? 'console.log("last")' : '1;')));
    const r = await cli(['run', file, '--output', path.join(dir, 'out')], { timeoutMs: 280000 });
    assert.equal(r.code, 0, r.stderr);
    const nb = readNotebook(path.join(dir, 'out', 'many.ipynb'));
    const counts = nb.cells.map((c) => (c.cell_type === 'code' ? c.execution_count : null));
    assert.deepEqual(counts, Array.from({ length: 1000 }, (_, i) => i + 1));
  });

  it('binds its sockets before it reads: 50 starts, each answering within 10 s (two at a time)', async () => {
    const seconds: number[] = [];
    const startOne = async () => {
      const t = performance.now();
      const kernel = await startKernel();
      seconds.push((performance.now() - t) / 1000);
      await kernel.shutdown();
    };
    for (let i = 0; i < 25; i++) await Promise.all([startOne(), startOne()]);
    assert.equal(seconds.length, 50);
    assert.ok(Math.max(...seconds) < 10, `slowest start ${Math.max(...seconds).toFixed(1)} s`);
  });
});
