import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { kernelSpec, projectRoot } from '../kernel/kernelspec';
import { KernelLaunch } from '../notebook/kernel_client';
import { ResourceLimits, bubblewrapCommand } from './bubblewrap';

/**
 * A kernel for code from a stranger: a submission is run by its own kernel process,
 * in a bubblewrap sandbox (see bubblewrap.ts) with Node's permission model inside it
 * as a second layer.
 *
 * The sandbox: new user, PID, IPC, UTS, cgroup and mount namespaces; it runs as an
 * unprivileged uid; it sees only the system's /usr (and the dynamic loader's cache),
 * the installed code it needs (node_modules, dist/, build/, package.json:
 * read-only, at the same paths), its kernel's connection folder, its own /proc and
 * /dev, and a scratch folder on a size-capped tmpfs mounted noexec (its working
 * folder, HOME and TMPDIR; a native addon written there cannot be loaded). Its
 * limits: processes and threads, file size, open files (rlimits); resident memory
 * (the supervisor, see sandbox_supervisor.ts, stops it past the cap); the JavaScript
 * heap (--max-old-space-size). It cannot signal the grader or other kernels (PID
 * namespace), read the instructor's files, other submissions or the gradebook (not
 * mounted), or change the installed code (read-only).
 *
 * Inside, Node's permission model lets it read only the same code and its scratch
 * and connection folders, write only in its scratch folder, and start no process
 * or worker. With `isolation: 'permission-model'` (`--unsafe-no-sandbox`) that is
 * all there is, as before the sandbox: no limit on the network, on native addons,
 * or on signals to the grader.
 *
 * Its environment holds only what it needs (not the grader's variables).
 */
export interface Sandbox {
  /** The folder that holds the others (removed with the sandbox). */
  folder: string;
  /** The kernel's working folder (HOME, TMPDIR). */
  scratch: string;
  /** Where the kernel's connection file goes. */
  connectionDir: string;
  launch: KernelLaunch;
  env: Record<string, string>;
  /** Which isolation the kernel runs under. */
  isolation: Isolation;
  remove(): void;
}

export type Isolation = 'bubblewrap' | 'permission-model';

export interface SandboxOptions {
  isolation: Isolation;
  /** Resident memory cap of the kernel, MiB. */
  memoryMiB: number;
  /** Size of the scratch tmpfs, MiB (default 64). */
  scratchMiB?: number;
  /**
   * Keep the host's network namespace: the kernel then talks to the grader over
   * loopback TCP. Without it the sandbox has no network at all, and the kernel
   * must use Jupyter's ipc transport (Unix sockets in the connection folder).
   */
  shareNetwork: boolean;
}

export const DEFAULT_SCRATCH_MIB = 64;
/** What a graded kernel may print: per cell, and in all (a 5000-line answer fits; a flood is cut). */
export const MAX_CELL_OUTPUT_BYTES = 1024 * 1024;
export const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

/** The supervisor script a bubblewrap kernel is started through. */
function supervisorPath(): string {
  return path.join(projectRoot(), 'dist', 'coursework', 'sandbox_supervisor.js');
}

export function createSandbox(options: SandboxOptions): Sandbox {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'downhill-grade-'));
  fs.chmodSync(base, 0o700);
  const scratch = path.join(base, 'scratch');
  const connectionDir = path.join(base, 'connection');
  fs.mkdirSync(scratch, { mode: 0o700 });
  fs.mkdirSync(connectionDir, { mode: 0o700 });
  const root = projectRoot();
  const code = [path.join(root, 'node_modules'), path.join(root, 'dist'), path.join(root, 'build'), path.join(root, 'package.json')];
  const reads = [
    ...code,
    // Where they really are, when a link leads there (a node_modules shared between checkouts).
    ...code.filter((p) => fs.existsSync(p) && fs.realpathSync(p) !== p).map((p) => fs.realpathSync(p)),
    scratch,
    connectionDir,
    // Probed by zeromq's loader (existsSync throws, rather than answering false, on a path it may not read).
    '/etc/alpine-release',
    // TypeScript looks for node_modules and package.json in every folder above the notebook's.
    ...ancestors(scratch).flatMap((d) => [path.join(d, 'node_modules'), path.join(d, 'package.json')]),
  ];
  const spec = kernelSpec();
  const kernelArgv = [
    spec.argv[0],
    '--experimental-permission',
    '--allow-addons',
    ...reads.map((r) => `--allow-fs-read=${r}`),
    `--allow-fs-write=${scratch}`,
    `--max-old-space-size=${options.memoryMiB}`,
    '--no-warnings',
    ...spec.argv.slice(1),
  ];
  let argv = kernelArgv;
  if (options.isolation === 'bubblewrap') {
    const limits: ResourceLimits = { processes: 256, fileMiB: (options.scratchMiB ?? DEFAULT_SCRATCH_MIB) + 1, openFiles: 1024 };
    const command = bubblewrapCommand(
      {
        readOnly: [...code, ...nodeInstallation(), ...(options.shareNetwork ? [connectionDir] : [])],
        readWrite: options.shareNetwork ? [] : [connectionDir],
        scratch,
        scratchMiB: options.scratchMiB ?? DEFAULT_SCRATCH_MIB,
        shareNetwork: options.shareNetwork,
        limits,
        infoFd: 3,
      },
      kernelArgv,
    );
    argv = [process.execPath, supervisorPath(), '--memory-mib', String(options.memoryMiB), '--remove', base, '--', ...command];
  }
  return {
    folder: base,
    scratch,
    connectionDir,
    isolation: options.isolation,
    launch: { name: 'downhill-sandboxed', ...spec, argv },
    // The whole environment of the kernel: nothing of the grader's (its variables may hold tokens) is passed on.
    // A fixed CPU backend (same numbers for every student, no GPU to share) and no PNG (that would start Chromium).
    env: {
      PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin',
      LANG: 'C.UTF-8',
      DOWNHILL_BACKEND: 'wasm',
      DOWNHILL_PNG: '0',
      HOME: scratch,
      TMPDIR: scratch,
      // Read by the kernel's protocol layer: past these, a cell's output (and the whole run's) is cut, with a line saying so.
      DOWNHILL_MAX_CELL_OUTPUT_BYTES: String(MAX_CELL_OUTPUT_BYTES),
      DOWNHILL_MAX_OUTPUT_BYTES: String(MAX_OUTPUT_BYTES),
    },
    remove: () => fs.rmSync(base, { recursive: true, force: true }),
  };
}

/** Node's own folder when it is not under /usr (which every sandbox has): e.g. /opt/node. */
function nodeInstallation(): string[] {
  const prefix = path.dirname(path.dirname(fs.realpathSync(process.execPath)));
  return prefix === '/usr' || prefix.startsWith('/usr/') ? [] : [prefix];
}

function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    out.push(d);
    if (d === path.dirname(d)) return out;
  }
}
