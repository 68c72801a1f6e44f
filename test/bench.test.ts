import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * `npm run bench -- --quick` runs end to end and writes a report with every field
 * the README's benchmark table is built from. Speeds are not checked (they belong
 * in the bench, never in tests); only that each figure is there and is a figure.
 */
interface Spread {
  median: number;
  min: number;
  max: number;
  all: number[];
}

/** The fields of out/bench.json this test reads. */
interface BenchReport {
  quick: boolean;
  method: Record<string, string>;
  machine: { cpus: number };
  backends: { name: string; available: boolean }[];
  runtime: { chosen: string; why: string };
  mnistLoadSeconds: number;
  benchPeakRssMiB: number;
  targets: { kernelsPerStep: Record<string, number> };
  training: {
    task: string;
    backend: string;
    pairs: number;
    warmupSeconds: number[];
    epochSeconds: Spread;
    testAccuracy: number;
    kernelsPerStep: { perStep: number; top: Record<string, number> };
    hostReadsPerEpoch: { reads: number; steps: number };
    torch: { label: string; warmupSeconds: number[]; openblasThreads?: number; epochSeconds: Spread; ratio: Spread }[];
  }[];
  torch: { used: { label: string; version: string; python: string }[]; skipped: { label: string; why: string }[] };
  computeBound: { who: string; msPerStep: number }[];
  peakRss: { who: string; miB: number }[];
}

describe('bench: the quick mode writes a complete report', function () {
  this.timeout(1800000);
  let report: BenchReport;
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'downhill-bench-')), 'bench.json');

  before(() => {
    const tsx = path.join(__dirname, '..', 'node_modules', '.bin', 'tsx');
    const run = spawnSync(tsx, [path.join(__dirname, '..', 'src', 'bench', 'main.ts'), '--quick', '--out', out], { encoding: 'utf8', maxBuffer: 1 << 24 });
    assert.equal(run.status, 0, `the bench failed:\n${run.stderr.slice(-3000)}`);
    report = JSON.parse(fs.readFileSync(out, 'utf8'));
  });

  const positive = (x: unknown, what: string) => assert.ok(typeof x === 'number' && Number.isFinite(x) && x > 0, `${what}: ${x}`);
  const spreadOk = (s: Spread, n: number, what: string) => {
    assert.equal(s.all.length, n, `${what}: one figure per pair`);
    for (const x of s.all) positive(x, what);
    assert.ok(s.min <= s.median && s.median <= s.max, `${what}: min ≤ median ≤ max`);
  };

  it('says how it measured, where, and with which runtime', () => {
    assert.equal(report.quick, true);
    for (const key of ['pairs', 'warmup', 'threads', 'kernels', 'hostReads', 'peakRss', 'computeBound']) assert.equal(typeof report.method[key], 'string', key);
    positive(report.machine.cpus, 'cpus');
    assert.ok(report.backends.some((b) => b.available));
    assert.equal(typeof report.runtime.chosen, 'string');
    positive(report.mnistLoadSeconds, 'MNIST load');
    positive(report.benchPeakRssMiB, 'bench RSS');
  });

  it('times softmax and the MLP on every backend, with kernels per step and reads per epoch', () => {
    const backends = [...new Set(report.training.map((r) => r.backend))];
    assert.ok(backends.includes(report.runtime.chosen), 'the default backend is benched');
    for (const backend of backends) {
      for (const task of ['softmax', 'mlp']) {
        const row = report.training.find((r) => r.backend === backend && r.task === task)!;
        assert.ok(row, `${task} on ${backend}`);
        spreadOk(row.epochSeconds, row.pairs, `${task}/${backend} epoch`);
        // Warm-up epochs until one is within 5% of the one before, at most 6 (one on a backend that is not the default).
        const w = row.warmupSeconds;
        assert.ok(w.length >= 1 && w.length <= 6 && w.every((x) => x > 0), `warm-up epochs ${w}`);
        if (w.length > 1 && w.length < 6) assert.ok(Math.abs(w[w.length - 1] / w[w.length - 2] - 1) <= 0.05 + 0.002, `stopped warming up before settling: ${w}`);
        assert.ok(row.testAccuracy > 0.1 && row.testAccuracy <= 1, `${task}/${backend} accuracy ${row.testAccuracy}`);
        positive(row.kernelsPerStep.perStep, 'kernels per step');
        assert.ok(Object.keys(row.kernelsPerStep.top).length > 0);
        assert.equal(row.hostReadsPerEpoch.steps, Math.ceil(2048 / 128));
        assert.ok(Number.isInteger(row.hostReadsPerEpoch.reads) && row.hostReadsPerEpoch.reads >= 0);
        assert.equal(row.torch.length, report.torch.used.length, 'one comparison per PyTorch present');
        for (const t of row.torch) {
          spreadOk(t.epochSeconds, row.pairs, `${t.label} epoch`);
          // PyTorch multiplies on one thread, as downhill does, its OpenBLAS included where it has one (Debian's).
          if (t.label.includes('Debian')) assert.equal(t.openblasThreads, 1, `${t.label}: OpenBLAS threads`);
          assert.ok(t.warmupSeconds.length >= w.length && t.warmupSeconds.every((x) => x > 0), `${t.label} warms up as many epochs: ${t.warmupSeconds} for ${w}`);
          spreadOk(t.ratio, row.pairs, `${t.label} ratio`);
        }
      }
    }
    assert.equal(report.targets.kernelsPerStep.mlp, 25);
    assert.equal(report.targets.kernelsPerStep.softmax, 12);
  });

  it('reports the compute-bound MLP and peak RSS for each backend and each PyTorch, and why a PyTorch is missing', () => {
    const whos = [...report.training.map((r) => `downhill ${r.backend}`), ...report.torch.used.map((t) => `PyTorch ${t.version}`)];
    for (const who of new Set(whos)) {
      positive(report.computeBound.find((c) => c.who === who)?.msPerStep, `${who} compute-bound ms/step`);
      positive(report.peakRss.find((p) => p.who === who)?.miB, `${who} peak RSS`);
    }
    assert.equal(report.torch.used.length + report.torch.skipped.length, 2, 'both PyTorch installs are either used or skipped with a reason');
    for (const s of report.torch.skipped) assert.ok(s.label && s.why);
    const debianTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
    assert.equal(report.torch.used.some((t) => t.python === '/usr/bin/python3'), debianTorch);
  });
});
