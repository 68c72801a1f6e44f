import * as fs from 'fs';
import type { Sandbox } from './sandbox';

/**
 * The sandboxes of a grading run that are still open, so that none is left behind
 * when the grader is stopped (SIGINT, SIGTERM, SIGHUP): their kernels are killed and
 * their folders (scratch, connection file with the kernel's key) removed before it
 * exits. (A grader killed outright is covered by each sandbox's supervisor, which
 * ends its sandbox and removes its folder when its parent dies.)
 */
const open = new Set<Sandbox>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function onSignal(signal: NodeJS.Signals): void {
  closeAll();
  process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
}

/** Kills every process that runs from one of the open sandboxes (its command line names the sandbox's folder), removes the folders. */
export function closeAll(): void {
  const folders = [...open].map((s) => s.folder);
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmdline: string;
    try {
      cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (Number(pid) !== process.pid && folders.some((f) => cmdline.includes(f))) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  for (const s of open) s.remove();
  open.clear();
}

/** Registers a sandbox until `release`; the first registration installs the signal handlers, the last release removes them. */
export function track(sandbox: Sandbox): () => void {
  if (open.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
  open.add(sandbox);
  return () => {
    open.delete(sandbox);
    if (open.size === 0) for (const s of SIGNALS) process.off(s, onSignal);
  };
}
