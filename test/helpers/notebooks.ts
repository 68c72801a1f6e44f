import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Cell, Notebook, codeCell, markdownCell, newNotebook, readNotebook, serializeNotebook, joined } from '../../src/notebook/nbformat';

export const ROOT = path.join(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');

/** A fresh folder outside the project (so imports must work from anywhere). */
export function tempDir(prefix = 'downhill-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes a notebook of the given cells (strings are code; `md:` marks markdown) and returns its path. */
export function writeNotebook(dir: string, name: string, cells: (string | Cell)[]): string {
  const nb = newNotebook(cells.map((c) => (typeof c !== 'string' ? c : c.startsWith('md:') ? markdownCell(c.slice(3)) : codeCell(c))));
  const file = path.join(dir, name);
  fs.writeFileSync(file, serializeNotebook(nb));
  return file;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `downhill` command. */
export function cli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** Writes a notebook of the given cells, executes it with `downhill run` (which must succeed) and returns the executed copy's path. */
export async function executedNotebook(dir: string, name: string, cells: (string | Cell)[]): Promise<string> {
  const file = writeNotebook(dir, name, cells);
  const out = path.join(dir, 'executed');
  const r = await cli(['run', file, '--output', out], { timeoutMs: 600000 }); // minutes: a busy machine starts kernels slowly
  if (r.code !== 0) throw new Error(`downhill run ${name} failed (exit ${r.code}):\n${r.stderr}`);
  return path.join(out, name);
}

/** The text a code cell printed (stdout and stderr streams). */
export function printed(nb: Notebook, codeCellNumber: number, stream?: 'stdout' | 'stderr'): string {
  const cells = nb.cells.filter((c) => c.cell_type === 'code');
  const cell = cells[codeCellNumber - 1];
  if (cell?.cell_type !== 'code') throw new Error(`no code cell ${codeCellNumber}`);
  return cell.outputs
    .filter((o) => o.output_type === 'stream' && (!stream || o.name === stream))
    .map((o) => (o.output_type === 'stream' ? joined(o.text) : ''))
    .join('');
}

export { readNotebook };
