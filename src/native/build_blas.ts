#!/usr/bin/env node
/**
 * Builds downhill's optional native addon into build/blas_matmul.node: the matMul
 * (native/blas_matmul.c against OpenBLAS) and the fused optimizer updates
 * (native/fused_updates.c, with every kernel's formula translated to C into
 * build/fused_update_kernels.inc); `npm run build` runs this. It never fails the build:
 * without a C compiler, OpenBLAS or Node's headers it records why in
 * build/blas_matmul.json, and matMul stays on XNNPACK inside WASM (the doctor says
 * which and why) and fused updates on wasm run as JavaScript loops.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ElementwiseUpdate, registeredElementwiseUpdates } from '../runtime/kernels/elementwise_update';
import { ADDON_PATH, BUILD_STATUS_PATH, BuildStatus } from '../runtime/native_blas';
import { fusedUpdatesSource } from './fused_update_source';

const ROOT = path.join(__dirname, '..', '..');
const SOURCES = ['blas_matmul.c', 'fused_updates.c'].map((f) => path.join(ROOT, 'native', f));
const HEADERS = ['widest_vectors.h'].map((f) => path.join(ROOT, 'native', f));
// -O3 vectorises the loops (no -march=native: the addon may run elsewhere; widest_vectors.h picks the vector
// width when it loads). -fno-math-errno (sqrtf sets no errno) and -fno-trapping-math (no FP exception flags) let
// it, without changing a value; -ffp-contract=off keeps every width's results bit for bit the same (no FMA).
const FLAGS = ['-O3', '-fno-math-errno', '-fno-trapping-math', '-ffp-contract=off', '-shared', '-fPIC', '-Wall'];
/** The loops in one version only (widest_vectors.h): the fallback where the build with one per vector width fails. */
const ONE_WIDTH = '-DDOWNHILL_ONE_VECTOR_WIDTH';
const KERNELS_DIR = path.join(__dirname, '..', 'runtime', 'kernels');
const FIX = 'install a C compiler and OpenBLAS (Debian/Ubuntu: apt-get install gcc libopenblas-dev), then npm run build';

/** Where node_api.h is: next to this node binary, or under npm's nodedir. */
function nodeHeaders(): string | undefined {
  const prefix = path.join(path.dirname(process.execPath), '..');
  const candidates = [
    process.env.npm_config_nodedir && path.join(process.env.npm_config_nodedir, 'include', 'node'),
    path.join(prefix, 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ].filter((d): d is string => !!d);
  return candidates.find((d) => fs.existsSync(path.join(d, 'node_api.h')));
}

/** Every elementwise update kernel (each module under runtime/kernels/ registers its own when loaded). */
function elementwiseUpdates(): readonly ElementwiseUpdate[] {
  for (const file of fs.readdirSync(KERNELS_DIR).filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith('.d.ts')).sort()) require(path.join(KERNELS_DIR, file));
  return registeredElementwiseUpdates();
}

function build(): BuildStatus {
  if (process.env.DOWNHILL_NATIVE_BLAS === '0') return { built: false, reason: 'skipped: DOWNHILL_NATIVE_BLAS=0', fix: 'unset DOWNHILL_NATIVE_BLAS and run npm run build' };
  if (process.platform !== 'linux') return { built: false, reason: `the native build is set up for Linux only (this is ${process.platform})`, fix: 'none needed: XNNPACK inside WASM is used' };
  const headers = nodeHeaders();
  if (!headers) return { built: false, reason: "Node's C headers (node_api.h) were not found next to node", fix: 'install the headers of your Node (e.g. the nodejs package that ships include/node), then npm run build' };
  const compiler = process.env.CC || 'cc';
  fs.mkdirSync(path.dirname(ADDON_PATH), { recursive: true });
  const kernels = path.join(path.dirname(ADDON_PATH), 'fused_update_kernels.inc');
  const source = fusedUpdatesSource(elementwiseUpdates());
  if (!fs.existsSync(kernels) || fs.readFileSync(kernels, 'utf8') !== source) fs.writeFileSync(kernels, source);
  const previous = upToDate([...SOURCES, ...HEADERS, kernels]);
  if (previous) return previous;
  const compile = (extra: string[]) =>
    spawnSync(compiler, [...FLAGS, ...extra, `-I${headers}`, `-I${path.dirname(ADDON_PATH)}`, ...SOURCES, '-lopenblas', '-lm', '-o', ADDON_PATH], { encoding: 'utf8' });
  let result = compile([]);
  if (result.error) return { built: false, reason: `no C compiler: ${compiler} could not be run (${(result.error as NodeJS.ErrnoException).code})`, fix: FIX };
  // A toolchain whose loader cannot pick a function per CPU (no ifunc: musl, e.g. Alpine) builds one width.
  if (result.status !== 0) {
    result = compile([ONE_WIDTH]);
    if (result.status === 0) return { built: true, compiler, headers, flags: [...FLAGS, ONE_WIDTH] };
  }
  if (result.status !== 0) {
    const first = (result.stderr || result.stdout).split('\n').find((l) => /error/i.test(l)) ?? `${compiler} exited with ${result.status}`;
    return { built: false, reason: `the native matMul did not compile: ${first.trim()}`, fix: FIX };
  }
  return { built: true, compiler, headers, flags: FLAGS };
}

/** The last build's status, when it built the addon after every input last changed (and with this compiler and these flags). */
function upToDate(inputs: string[]): BuildStatus | undefined {
  try {
    const last = JSON.parse(fs.readFileSync(BUILD_STATUS_PATH, 'utf8')) as BuildStatus;
    const built = fs.statSync(ADDON_PATH).mtimeMs;
    const fresh = last.built && last.compiler === (process.env.CC || 'cc') && [FLAGS, [...FLAGS, ONE_WIDTH]].some((f) => last.flags?.join(' ') === f.join(' ')) && inputs.every((f) => fs.statSync(f).mtimeMs <= built);
    return fresh ? last : undefined;
  } catch {
    return undefined;
  }
}

const status = build();
if (!status.built) fs.rmSync(ADDON_PATH, { force: true });
fs.writeFileSync(BUILD_STATUS_PATH, JSON.stringify(status, null, 2) + '\n');
console.log(
  status.built
    ? `native OpenBLAS matMul: built ${path.relative(ROOT, ADDON_PATH)}`
    : `native OpenBLAS matMul: not built (${status.reason}); matMul stays on XNNPACK inside WASM. ${status.fix}`,
);
