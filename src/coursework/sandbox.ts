import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { kernelSpec, projectRoot } from '../kernel/kernelspec';
import { KernelLaunch } from '../notebook/kernel_client';

/**
 * A kernel for code from a stranger: a submission is run by its own kernel process
 * under Node's permission model, in a fresh scratch folder.
 *
 * Its environment holds only what it needs (not the grader's variables).
 * What it may do: read the installed code it needs (the project's node_modules,
 * dist/ and build/, which hold no coursework) and its scratch folder; write only in
 * its scratch folder; load native addons (the ZeroMQ socket the kernel talks
 * through; TensorFlow.js's WASM). What it may not: read anything else (the
 * instructor's source, hidden tests, other submissions, the gradebook), write
 * anywhere else, start processes or worker threads. Its JavaScript heap is capped
 * (--max-old-space-size), and the runner kills it when its resident memory passes
 * the cap or its time is up.
 *
 * Not covered: the network (Node 20's permission model does not restrict sockets;
 * run grading on a machine or namespace without network access), CPU share beyond
 * the time limit, and tampering inside its own process (a submission can replace
 * the checking functions its own tests call, or catch the code of the hidden tests
 * its kernel is sent and print it into its feedback).
 */
export interface Sandbox {
  dir: string;
  launch: KernelLaunch;
  env: Record<string, string>;
  remove(): void;
}

export function createSandbox(memoryMiB: number): Sandbox {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'downhill-grade-'));
  fs.chmodSync(dir, 0o700);
  const root = projectRoot();
  const reads = [
    path.join(root, 'node_modules'),
    path.join(root, 'dist'),
    path.join(root, 'build'),
    path.join(root, 'package.json'),
    dir,
    // Probed by zeromq's loader (existsSync throws, rather than answering false, on a path it may not read).
    '/etc/alpine-release',
    // TypeScript looks for node_modules and package.json in every folder above the notebook's.
    ...ancestors(dir).flatMap((d) => [path.join(d, 'node_modules'), path.join(d, 'package.json')]),
  ];
  const spec = kernelSpec();
  const argv = [
    spec.argv[0],
    '--experimental-permission',
    '--allow-addons',
    ...reads.map((r) => `--allow-fs-read=${r}`),
    `--allow-fs-write=${dir}`,
    `--max-old-space-size=${memoryMiB}`,
    '--no-warnings',
    ...spec.argv.slice(1),
  ];
  return {
    dir,
    launch: { name: 'downhill-sandboxed', ...spec, argv },
    // The whole environment of the kernel: nothing of the grader's (its variables may hold tokens) is passed on.
    // A fixed CPU backend (same numbers for every student, no GPU to share) and no PNG (that would start Chromium).
    env: {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      LANG: 'C.UTF-8',
      DOWNHILL_BACKEND: 'wasm',
      DOWNHILL_PNG: '0',
      HOME: dir,
      TMPDIR: dir,
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

function ancestors(dir: string): string[] {
  const out: string[] = [];
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    out.push(d);
    if (d === path.dirname(d)) return out;
  }
}
