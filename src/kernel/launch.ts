#!/usr/bin/env node
/**
 * The downhill kernel: the process Jupyter (or `downhill run`) starts, with
 * `--config-path CONNECTION_FILE`. It runs the project's own tslab (never a global
 * one, and never another tslab found above the notebook's folder), and makes
 * `downhill`, `@tensorflow/tfjs`, `tslab` and the project's other packages
 * importable from a notebook in any folder, both at run time and for tslab's type
 * checking.
 */
import * as fs from 'fs';
import * as path from 'path';
import Module = require('module');
import { randomUUID } from 'crypto';
import { Executor } from './executor';
import { DownhillKernel } from './kernel';
import { outputLimitsFrom } from './output_limits';
import { KernelServer, readConnectionFile } from './server';
import { TS, loadTypeScript } from './typescript';

const root = path.resolve(__dirname, '..', '..');
const modules = path.join(root, 'node_modules');

function configPath(argv: string[]): string {
  const i = argv.indexOf('--config-path');
  const value = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--config-path='))?.slice('--config-path='.length);
  if (!value) {
    console.error('usage: launch.js --config-path CONNECTION_FILE (Jupyter passes it; see kernel.json)');
    process.exit(2);
  }
  return value;
}

/** Run time: the project's node_modules after the notebook's own, and `downhill` itself. */
function resolveAtRunTime(): void {
  process.env.NODE_PATH = [modules, process.env.NODE_PATH].filter(Boolean).join(path.delimiter);
  (Module as unknown as { _initPaths(): void })._initPaths();
  const resolver = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
  const original = resolver._resolveFilename;
  resolver._resolveFilename = function (request: string, ...rest: unknown[]) {
    if (request === 'downhill' || request.startsWith('downhill/')) {
      return original.call(this, path.join(root, request.slice('downhill'.length)), ...rest);
    }
    return original.call(this, request, ...rest);
  };
}

/**
 * Type checking: tslab's TypeScript resolves imports through `ts.sys`, from
 * `<notebook folder>/node_modules`. Paths there that do not exist are answered from
 * the project (the same trick tslab uses for `tslab` itself); `realpath` then moves
 * resolution to the real files, so their own imports resolve from the project.
 */
function resolveForTypeChecking(ts: TS): void {
  const local = path.join(process.cwd(), 'node_modules');
  const forward = (p: string): string => {
    if (typeof p !== 'string') return p;
    const rel = path.relative(local, p);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return p;
    const parts = rel.split(path.sep);
    // downhill's declarations are dist/index.d.ts: pointing at dist/ (not the project folder, which a
    // sandboxed grading kernel may not read) lets TypeScript find them without package.json.
    if (parts[0] === 'downhill') return path.join(root, 'dist', ...parts.slice(1));
    // tslab forwards itself; @types stays tslab's own (the project's dev types would leak test globals).
    if (parts[0] === 'tslab' || parts[0] === '@types') return p;
    const pkg = parts[0].startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1);
    if (exists(path.join(local, ...pkg))) return p;
    return path.join(modules, rel);
  };
  for (const name of ['fileExists', 'directoryExists', 'readFile', 'getDirectories', 'readDirectory', 'getModifiedTime']) {
    const original = ts.sys[name];
    if (typeof original !== 'function') continue;
    ts.sys[name] = (p: string, ...rest: unknown[]) => original.call(ts.sys, forward(p), ...rest);
  }
  const realpath = ts.sys.realpath;
  ts.sys.realpath = (p: string) => {
    const forwarded = forward(p);
    return forwarded === p && realpath ? realpath.call(ts.sys, p) : exists(forwarded) ? fs.realpathSync(forwarded) : forwarded;
  };
}


/** existsSync that answers false where a sandboxed kernel (Node's permission model) may not look: there it throws. */
function exists(p: string): boolean {
  try {
    return fs.existsSync(p);
  } catch {
    return false;
  }
}

/**
 * tslab rewrites a name declared in an earlier cell to its exported slot, but misses
 * shorthand properties: `sgd({ lr })` fails with "lr is not defined" when lr comes
 * from an earlier cell. Each cell is rewritten first so that `{ lr }` reads
 * `{ lr: lr }` (same lines; later columns on that line shift).
 */
export function expandShorthandProperties(ts: TS, source: string): string {
  const file = ts.createSourceFile('cell.ts', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const inserts: { at: number; text: string }[] = [];
  const visit = (node: TS) => {
    if (ts.isShorthandPropertyAssignment(node) && !node.objectAssignmentInitializer) {
      inserts.push({ at: node.name.getEnd(), text: `: ${node.name.text}` });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = source;
  for (const { at, text } of inserts.sort((a, b) => b.at - a.at)) out = out.slice(0, at) + text + out.slice(at);
  return out;
}

function fixShorthandProperties(ts: TS): void {
  const converter = require('tslab/dist/converter') as { createConverter(options: unknown): { convert(prevDecl: string, src: string): unknown } };
  const create = converter.createConverter;
  converter.createConverter = (options: unknown) => {
    const conv = create(options);
    const convert = conv.convert.bind(conv);
    conv.convert = (prevDecl: string, src: string) => convert(prevDecl, expandShorthandProperties(ts, src));
    return conv;
  };
}

async function main(): Promise<void> {
  const config = readConnectionFile(configPath(process.argv.slice(2)));
  // Dawn (the WebGPU backend) needs a runtime folder; a desktop session sets one, a server may not.
  process.env.XDG_RUNTIME_DIR ??= require('os').tmpdir();
  const limits = outputLimitsFrom(process.env);
  resolveAtRunTime();
  const ts = loadTypeScript();
  resolveForTypeChecking(ts);
  fixShorthandProperties(ts);
  // Every socket is bound before anything is read: a request sent while the kernel starts waits in its queue.
  const server = await KernelServer.bind(config, randomUUID());
  const executor = new Executor(process.cwd());
  const kernel = new DownhillKernel(server, executor, ts, { version: packageVersion(root), tslabVersion: packageVersion(path.dirname(require.resolve('tslab/package.json'))) }, limits);
  process.on('SIGINT', () => kernel.interrupt());
  // A promise nobody awaited, or a callback that throws, is reported in the notebook, not fatal to the kernel.
  process.on('unhandledRejection', (reason) => console.error('Unhandled promise rejection:', reason));
  process.on('uncaughtException', (error) => console.error('Uncaught exception:', error));
  server.serve((request) => kernel.receive(request));
}

function packageVersion(dir: string): string {
  return (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

if (require.main === module) {
  main().catch((e: Error) => {
    console.error(`downhill kernel: ${e.message}`);
    process.exit(1);
  });
}
