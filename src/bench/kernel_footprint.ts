import * as fs from 'fs';
import * as path from 'path';
import { KERNEL_NAME } from '../kernel/kernelspec';
import { Kernel } from '../notebook/kernel_client';
import { readNotebook } from '../notebook/nbformat';
import { NotebookKernel, executeNotebook, resolveKernel } from '../notebook/runner';

/** What one student's kernel costs for one run of a lesson: the figures a hub is sized by. */
export interface KernelFootprint {
  notebook: string;
  parameters: Record<string, unknown>;
  /** Peak resident memory of the kernel and its child processes, sampled every 100 ms, MiB. */
  peakMiB: number;
  /** Resident memory after the last cell, while the student reads (the kernel stays up), MiB. */
  afterRunMiB: number;
  /** CPU time (user + system) the kernel's processes used, seconds: independent of how busy the machine is. */
  cpuSeconds: number;
  /** Wall time of the run on this machine (depends on the load; for context only). */
  wallSeconds: number;
}

const TICKS_PER_SECOND = 100;

interface ProcSample {
  pid: number;
  ppid: number;
  rssMiB: number;
  cpuSeconds: number;
}

function sample(pid: number): ProcSample | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the command: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14) ... rss(21) in pages.
    const cpu = [11, 12, 13, 14].reduce((s, i) => s + Number(fields[i]), 0) / TICKS_PER_SECOND;
    const rss = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { pid, ppid: Number(fields[1]), rssMiB: rss ? Number(rss[1]) / 1024 : 0, cpuSeconds: cpu };
  } catch {
    return undefined;
  }
}

/** The process `root` and all its descendants now. */
function tree(root: number): ProcSample[] {
  const all = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map((p) => sample(Number(p))).filter((s): s is ProcSample => !!s);
  const inTree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const s of all) if (!inTree.has(s.pid) && inTree.has(s.ppid)) (inTree.add(s.pid), (grew = true));
  }
  return all.filter((s) => inTree.has(s.pid));
}

/** Runs `file` in a fresh downhill kernel and measures the kernel's memory and CPU time. */
export async function kernelFootprint(file: string, parameters: Record<string, unknown> = {}): Promise<KernelFootprint> {
  let kernel: Kernel | undefined;
  let peakMiB = 0;
  let afterRunMiB = 0;
  let cpuSeconds = 0;
  const measure = () => {
    if (!kernel?.pid) return [];
    const procs = tree(kernel.pid);
    peakMiB = Math.max(peakMiB, procs.reduce((s, p) => s + p.rssMiB, 0));
    return procs;
  };
  const timer = setInterval(measure, 100);
  const started = performance.now();
  try {
    const result = await executeNotebook(readNotebook(file), {
      cwd: path.dirname(path.resolve(file)),
      parameters,
      label: path.basename(file),
      startKernel: async (): Promise<NotebookKernel> => {
        const local = await Kernel.start(resolveKernel(KERNEL_NAME), { cwd: path.dirname(path.resolve(file)) });
        kernel = local;
        return {
          get alive() {
            return local.alive;
          },
          execute: (code, options) => local.execute(code, options),
          shutdown: async () => {
            const procs = measure();
            afterRunMiB = procs.reduce((s, p) => s + p.rssMiB, 0);
            cpuSeconds = procs.reduce((s, p) => s + p.cpuSeconds, 0);
            await local.shutdown();
          },
        };
      },
    });
    if (!result.ok) throw new Error(`${file} failed while being measured: ${result.failures[0].message}`);
  } finally {
    clearInterval(timer);
  }
  return { notebook: path.basename(file), parameters, peakMiB, afterRunMiB, cpuSeconds, wallSeconds: (performance.now() - started) / 1000 };
}
