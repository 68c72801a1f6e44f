/**
 * The process a grader starts for a sandboxed kernel: it starts the sandbox
 * (`node sandbox_supervisor.js --memory-mib N -- unshare ... bwrap ... node launch.js ...`)
 * and stands for the kernel outside it.
 *
 * The kernel inside is in its own PID namespace and session, so the grader cannot
 * signal it directly: this process learns its host pid from bubblewrap's
 * `--info-fd` and
 * - passes SIGINT on (tslab interrupts the running cell on SIGINT);
 * - stops the sandbox when the kernel and the processes it started hold more than
 *   N MiB of resident memory (checked every 100 ms), saying so on stderr, which the
 *   grader reads as the kernel's last words;
 * - ends the sandbox with itself (SIGTERM, SIGHUP, or its own death through
 *   bubblewrap's --die-with-parent), and with the grader (when its parent changes);
 * - removes the sandbox's folder (`--remove DIR`) once the sandbox has ended.
 * It exits with the sandbox's status.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import { Readable } from 'stream';

/** How a line this process writes on the kernel's stderr starts (the grader looks for it in the kernel's last words). */
export const SUPERVISOR_SAYS = 'downhill-sandbox: ';

function parseArgs(argv: string[]): { memoryMiB?: number; removeDir?: string; command: string[] } {
  const dash = argv.indexOf('--');
  const options = argv.slice(0, dash);
  const value = (name: string) => (options.includes(name) ? options[options.indexOf(name) + 1] : undefined);
  const memory = value('--memory-mib');
  return { memoryMiB: memory ? Number(memory) : undefined, removeDir: value('--remove'), command: argv.slice(dash + 1) };
}

/** A process and all its descendants (Linux /proc). */
function processTree(pid: number): number[] {
  const out = [pid];
  for (let k = 0; k < out.length && out.length < 4096; k++) {
    let tasks: string[];
    try {
      tasks = fs.readdirSync(`/proc/${out[k]}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      try {
        for (const child of fs.readFileSync(`/proc/${out[k]}/task/${task}/children`, 'utf8').trim().split(/\s+/)) {
          if (child) out.push(Number(child));
        }
      } catch {
        // Gone meanwhile.
      }
    }
  }
  return out;
}

function residentMiB(pids: number[]): number {
  let kB = 0;
  for (const pid of pids) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) kB += Number(m[1]);
    } catch {
      // Gone meanwhile.
    }
  }
  return kB / 1024;
}

function main(): void {
  const { memoryMiB, removeDir, command } = parseArgs(process.argv.slice(2));
  if (!command.length) {
    console.error('usage: sandbox_supervisor.js [--memory-mib N] [--remove DIR] -- COMMAND... (with bubblewrap --info-fd 3)');
    process.exit(2);
  }
  const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'inherit', 'inherit', 'pipe'] });
  let kernelPid: number | undefined;
  let info = '';
  (child.stdio[3] as Readable).on('data', (d: Buffer) => {
    info += d.toString();
    const m = /"child-pid"\s*:\s*(\d+)/.exec(info);
    if (m && kernelPid === undefined) kernelPid = Number(m[1]);
  });
  const killAll = () => {
    if (kernelPid !== undefined) {
      try {
        process.kill(kernelPid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    child.kill('SIGKILL');
  };
  process.on('SIGINT', () => {
    if (kernelPid !== undefined) {
      try {
        process.kill(kernelPid, 'SIGINT');
      } catch {
        // Already gone.
      }
    }
  });
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) process.on(signal, killAll);
  // The grader died (even by SIGKILL): this process has a new parent. End the sandbox with it.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && killAll(), 250).unref();
  if (memoryMiB) {
    const timer = setInterval(() => {
      if (kernelPid === undefined) return;
      const used = residentMiB(processTree(kernelPid));
      if (used > memoryMiB) {
        clearInterval(timer);
        process.stderr.write(`\n${SUPERVISOR_SAYS}the kernel used more than ${memoryMiB} MiB of memory (${Math.round(used)} MiB) and was stopped\n`);
        killAll();
      }
    }, 100);
    timer.unref();
  }
  child.on('error', (e) => {
    console.error(`${SUPERVISOR_SAYS}${command[0]} could not be started (${e.message})`);
    process.exit(127);
  });
  child.on('exit', (code, signal) => {
    // The sandbox's folder (its connection file holds the kernel's key) goes with it, whoever ends it.
    if (removeDir) fs.rmSync(removeDir, { recursive: true, force: true });
    process.exitCode = code ?? 128 + (signal ? os.constants.signals[signal] : 0);
    process.exit();
  });
}

if (require.main === module) main();
