import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DownhillError } from '../errors';

/**
 * The command line that runs a program inside a bubblewrap sandbox (Debian's
 * `bubblewrap`, what Flatpak uses), with its scratch folder on a size-capped
 * tmpfs mounted noexec.
 *
 * bubblewrap cannot mount a tmpfs noexec itself, so the command is in two steps:
 * `unshare` (util-linux) makes a user and mount namespace in which the scratch
 * tmpfs is mounted with noexec,nosuid,nodev and a size; bubblewrap then makes the
 * sandbox proper inside it (new user, PID, IPC, UTS, cgroup and, unless shared,
 * network namespaces; an unprivileged uid; only the listed folders, read-only), and
 * binds that tmpfs in. A mount passed into a less privileged namespace keeps its
 * flags locked, so nothing inside can make the scratch executable. `prlimit`
 * (util-linux) sets the resource limits of the program itself.
 */
export interface BubblewrapLayout {
  /** Host folders (and files) the program reads: bound read-only at the same paths. */
  readOnly: string[];
  /** Host folders the program writes (e.g. the kernel's connection folder): bound read-write at the same paths. */
  readWrite: string[];
  /** An empty host folder on which the noexec scratch tmpfs is mounted; the program's working folder. */
  scratch: string;
  scratchMiB: number;
  /** Keep the host's network namespace (loopback TCP to the grader); otherwise there is no network at all. */
  shareNetwork: boolean;
  limits: ResourceLimits;
  /** Where bubblewrap writes its JSON status ({"child-pid": N}): a file descriptor of the spawned process. */
  infoFd?: number;
}

export interface ResourceLimits {
  /** Processes and threads of the sandbox's user (RLIMIT_NPROC). */
  processes: number;
  /** The largest file it may write, in MiB (RLIMIT_FSIZE). */
  fileMiB: number;
  /** Open file descriptors (RLIMIT_NOFILE). */
  openFiles: number;
}

/** The uid and gid the sandboxed program runs as: an ordinary user, mapped to nobody outside. */
export const SANDBOX_UID = 1000;

/** The bubblewrap program: DOWNHILL_BWRAP, else `bwrap` on PATH. */
export function bwrapProgram(): string {
  return process.env.DOWNHILL_BWRAP || 'bwrap';
}

/** The system folders every program needs: /usr, and /lib, /lib64, /bin, /sbin as they are on the host (links or folders). */
function systemMounts(): string[] {
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const dir of ['/lib', '/lib64', '/lib32', '/libx32', '/bin', '/sbin']) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(dir);
    } catch {
      continue;
    }
    if (stat.isSymbolicLink()) args.push('--symlink', fs.readlinkSync(dir), dir);
    else if (stat.isDirectory()) args.push('--ro-bind', dir, dir);
  }
  // The dynamic loader's cache (multiarch library folders), the time zone; nothing else of /etc (no passwd, no hosts).
  for (const file of ['/etc/ld.so.cache', '/etc/localtime']) {
    if (fs.existsSync(file)) args.push('--ro-bind', file, file);
  }
  return args;
}

/** A host path bound at itself, and at its real path too when it goes through a link (node_modules -> elsewhere). */
function bindAtBothPaths(flag: '--ro-bind' | '--bind', p: string): string[] {
  let real: string;
  try {
    real = fs.realpathSync(p);
  } catch {
    return [];
  }
  return real === p ? [flag, p, p] : [flag, real, p, flag, real, real];
}

export function bubblewrapCommand(layout: BubblewrapLayout, command: string[]): string[] {
  const { limits } = layout;
  const bwrap = [
    bwrapProgram(),
    '--unshare-all',
    ...(layout.shareNetwork ? ['--share-net'] : []),
    '--uid', String(SANDBOX_UID),
    '--gid', String(SANDBOX_UID),
    '--hostname', 'sandbox',
    '--die-with-parent',
    '--new-session',
    '--as-pid-1',
    ...(layout.infoFd !== undefined ? ['--info-fd', String(layout.infoFd)] : []),
    ...systemMounts(),
    '--proc', '/proc',
    '--dev', '/dev',
    ...layout.readOnly.flatMap((p) => bindAtBothPaths('--ro-bind', p)),
    ...layout.readWrite.flatMap((p) => bindAtBothPaths('--bind', p)),
    '--bind', layout.scratch, layout.scratch,
    '--chdir', layout.scratch,
    '--',
    'prlimit',
    `--nproc=${limits.processes}`,
    `--fsize=${limits.fileMiB * 1024 * 1024}`,
    `--nofile=${limits.openFiles}`,
    '--core=0',
    '--',
    ...command,
  ];
  const mount = 'mount -t tmpfs -o "noexec,nosuid,nodev,size=$1,mode=0777" downhill-scratch "$2" && shift 2 && exec "$@"';
  return [
    'unshare', '--user', '--map-root-user', '--mount', '--propagation', 'private', '--',
    '/bin/sh', '-c', mount, 'sandbox-mount', `${layout.scratchMiB}m`, layout.scratch, ...bwrap,
  ];
}

/**
 * Whether this machine can run the sandbox: bubblewrap installed, and user
 * namespaces available (root, or unprivileged user namespaces enabled). Tried
 * once, for real (a sandbox that runs `true`); the answer is why not, or undefined.
 */
let probed: string | undefined | null = null;
export function bubblewrapUnavailable(): string | undefined {
  if (probed !== null) return probed;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'downhill-sandbox-probe-'));
  try {
    const argv = bubblewrapCommand(
      { readOnly: [], readWrite: [], scratch, scratchMiB: 1, shareNetwork: false, limits: { processes: 16, fileMiB: 1, openFiles: 64 } },
      ['/bin/sh', '-c', 'grep -q "[ ,]noexec[ ,]" /proc/self/mountinfo && test "$(id -u)" = ' + SANDBOX_UID],
    );
    const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 20000, stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.error) probed = `${argv[0]} could not be started (${r.error.message})`;
    else if (r.status !== 0) probed = `a trial sandbox failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' / ') || 'no message'}`;
    else probed = undefined;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return probed;
}

/** Throws, with what to do, when the sandbox cannot run here. */
export function requireBubblewrap(): void {
  const why = bubblewrapUnavailable();
  if (why) {
    throw new DownhillError(
      `grading runs every submission in a bubblewrap sandbox, which cannot run here: ${why}.`,
      'install bubblewrap and util-linux (Debian: apt-get install bubblewrap) and grade as root or with unprivileged user namespaces enabled (sysctl kernel.unprivileged_userns_clone=1); or, only for submissions you trust, pass --unsafe-no-sandbox (Node\'s permission model alone).',
    );
  }
}
