import { pool } from '../cli/args';
import { DownhillError } from '../errors';
import { KERNEL_NAME } from '../kernel/kernelspec';
import { Notebook } from '../notebook/nbformat';
import { describeFailure, executeNotebook } from '../notebook/runner';
import { HubClient } from './hub_client';
import { UnreachableError } from './rest';
import { ServerKernel } from './server_kernel';

export interface StudentRun {
  user: string;
  /** passed: every cell ran without an error (the checks cell included); failed: a cell failed; the others: it never got to run. */
  status: 'passed' | 'failed' | 'server-failed' | 'hub-unreachable';
  /** For everything but passed: what went wrong, for a person to read. */
  detail?: string;
  seconds: number;
  /** The notebook as it ran, with its outputs (when it ran). */
  notebook?: Notebook;
}

export interface ClassRunOptions {
  hub: HubClient;
  /** Each student with the token to act as them: their own (after logging in) or an admin's. */
  students: { user: string; token: string }[];
  notebook: Notebook;
  /** A name for messages (the notebook's file name). */
  label: string;
  parameters?: Record<string, unknown>;
  kernel?: string;
  /** Per-cell time limit (default 600 s). */
  timeoutSeconds?: number;
  /** How long a server may take to start (default 120 s). */
  startTimeoutSeconds?: number;
  /** Students run at once (default: all of them). */
  jobs?: number;
  /** Stop each student's server afterwards (default false). */
  stopServers?: boolean;
  onProgress?(line: string): void;
}

/**
 * Runs one notebook in every student's own server on a JupyterHub, as a class would:
 * starts the server through the hub's REST API, starts the kernel there and runs the
 * cells over the server's kernel WebSocket. Each student gets a result; a hub that is
 * not reachable, a server that does not start or a failing cell is that student's
 * result, and the others go on.
 */
export async function runInClass(options: ClassRunOptions): Promise<StudentRun[]> {
  const { hub } = options;
  return pool(options.students, options.jobs ?? options.students.length, async ({ user, token }) => {
    const started = performance.now();
    const result = (status: StudentRun['status'], detail?: string, notebook?: Notebook): StudentRun => {
      const run = { user, status, ...(detail ? { detail } : {}), seconds: (performance.now() - started) / 1000, ...(notebook ? { notebook } : {}) };
      options.onProgress?.(`${user}: ${status}${detail ? ` (${detail.split('\n')[0]})` : ''}`);
      return run;
    };
    let serverUrl: string;
    try {
      serverUrl = await hub.startServer(user, token, options.startTimeoutSeconds);
    } catch (e) {
      if (e instanceof UnreachableError) return result('hub-unreachable', e.message);
      if (e instanceof DownhillError) return result('server-failed', e.message);
      throw e;
    }
    try {
      const run = await executeNotebook(structuredClone(options.notebook), {
        cwd: '.',
        label: `${options.label} for ${user}`,
        parameters: options.parameters,
        timeoutSeconds: options.timeoutSeconds,
        startKernel: () => ServerKernel.start(serverUrl, token, options.kernel ?? options.notebook.metadata.kernelspec?.name ?? KERNEL_NAME),
      });
      if (run.ok) return result('passed', undefined, run.notebook);
      return result('failed', describeFailure(options.label, run.failures[0]), run.notebook);
    } catch (e) {
      if (e instanceof UnreachableError) return result('hub-unreachable', e.message);
      if (e instanceof DownhillError) return result('server-failed', e.message);
      throw e;
    } finally {
      if (options.stopServers) await hub.stopServer(user, token).catch(() => undefined);
    }
  });
}
