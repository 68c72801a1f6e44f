import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as dh from '../src';

/** runtime.init()'s automatic choice: a calibration step per backend, cached per machine and device. */
describe('runtime: the automatic choice measures a training step and caches the figures', () => {
  const saved = { backend: process.env.DOWNHILL_BACKEND, cache: process.env.DOWNHILL_CACHE_DIR };
  let dir: string;
  const file = () => path.join(dir, 'backend-calibration.json');
  const readCache = () => JSON.parse(fs.readFileSync(file(), 'utf8')) as { calibrations: { key: string; msPerStep: Record<string, number> }[] };

  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'downhill-calibration-'));
    process.env.DOWNHILL_CACHE_DIR = dir;
    delete process.env.DOWNHILL_BACKEND;
  });
  afterEach(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    for (const [name, value] of [['DOWNHILL_BACKEND', saved.backend], ['DOWNHILL_CACHE_DIR', saved.cache]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await dh.runtime.init();
  });

  /** Two or more backends auto may choose (wasm and plain JavaScript at least, where wasm is installed). */
  async function measured(context: Mocha.Context): Promise<dh.runtime.RuntimeInfo> {
    const info = await dh.runtime.init();
    if (!info.calibration) context.skip(); // only one backend works here: nothing to compare
    return info;
  }

  it('the first init measures every candidate and writes the cache; the next init reuses it', async function () {
    const first = await measured(this);
    const c = first.calibration!;
    assert.equal(c.cached, false);
    assert.equal(c.file, file());
    const candidates = first.backends.filter((b) => b.available && !b.passedOver).map((b) => b.name);
    assert.deepEqual(Object.keys(c.msPerStep).sort(), [...candidates].sort());
    for (const ms of Object.values(c.msPerStep)) assert.ok(ms! > 0 && Number.isFinite(ms!));
    const fastest = Object.entries(c.msPerStep).sort((a, b) => a[1]! - b[1]!)[0][0];
    assert.equal(first.backend, fastest);
    const stored = readCache().calibrations;
    assert.equal(stored.length, 1);
    assert.deepEqual(stored[0].msPerStep, c.msPerStep);

    const second = await dh.runtime.init();
    assert.equal(second.calibration!.cached, true);
    assert.deepEqual(second.calibration!.msPerStep, c.msPerStep);
    assert.match(second.summary, /cached \d{4}-\d\d-\d\d/);
  });

  it('the cached figures decide the backend, and the reason names them', async function () {
    await measured(this);
    // Rewrite the stored figures so that the slowest backend is now the fastest.
    const cache = readCache();
    const entry = cache.calibrations[0];
    const names = Object.keys(entry.msPerStep).sort((a, b) => entry.msPerStep[a] - entry.msPerStep[b]);
    const slowest = names[names.length - 1];
    names.forEach((n, i) => (entry.msPerStep[n] = n === slowest ? 0.5 : 100 + i));
    fs.writeFileSync(file(), JSON.stringify(cache));

    const info = await dh.runtime.init();
    assert.equal(info.backend, slowest);
    assert.equal(info.calibration!.cached, true);
    assert.ok(info.reason.includes(`${slowest} 0.50 ms`), info.reason);
    for (const n of names.filter((n) => n !== slowest)) assert.ok(info.reason.includes(`${n} ${entry.msPerStep[n].toFixed(1)} ms`), info.reason);
    const banner = dh.runtime.describe();
    assert.equal(banner.split('\n').length, 1, 'the banner is one line');
    assert.ok(banner.includes(`${slowest} on the`) && banner.includes(`${slowest} 0.50 ms`), banner);
    assert.match(dh.runtime.describe(undefined, { details: true }), /calibration step: one Adam step .*figures from/);
  });

  it('DOWNHILL_BACKEND wins over the calibration', async function () {
    const auto = await measured(this);
    const other = Object.keys(auto.calibration!.msPerStep).find((n) => n !== auto.backend)!;
    process.env.DOWNHILL_BACKEND = other;
    const info = await dh.runtime.init();
    assert.equal(info.backend, other);
    assert.equal(info.reason, 'asked for by DOWNHILL_BACKEND');
    assert.equal(info.calibration, undefined);
  });

  it('a corrupt cache file is ignored with a note, measured again and replaced', async function () {
    fs.writeFileSync(file(), '{"calibrations": [{"key": 3');
    const info = await measured(this);
    assert.equal(info.calibration!.cached, false);
    assert.match(info.calibration!.notes.join('\n'), /ignored the unreadable calibration cache .*backend-calibration\.json/);
    assert.match(dh.runtime.describe(undefined, { details: true }), /ignored the unreadable calibration cache/);
    assert.equal(readCache().calibrations.length, 1, 'the file was rewritten with the new figures');
  });

  it('doctor shows each backend\'s time per calibration step and the reason for the choice, and refreshes the cache', async function () {
    this.timeout(600000);
    const statuses = await dh.runtime.doctor();
    const working = statuses.filter((s) => s.available);
    for (const s of working) assert.ok(s.msPerStep! > 0, `${s.name} was measured`);
    const text = dh.runtime.formatDoctor(statuses);
    for (const s of working) assert.ok(text.includes(`${s.msPerStep!.toFixed(2)} ms per calibration step`), text);
    const candidates = working.filter((s) => !s.passedOver).sort((a, b) => a.msPerStep! - b.msPerStep!);
    assert.match(text, new RegExp(`downhill will use: ${candidates[0].name} on the`));
    if (candidates.length > 1) {
      assert.match(text, /the fastest at a training step \(.* ms.* per step\)/);
      const info = await dh.runtime.init();
      assert.equal(info.calibration!.cached, true, 'init used the figures doctor wrote');
      assert.equal(info.backend, candidates[0].name);
    }
  });
});
