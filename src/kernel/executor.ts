import Module = require('module');
import * as path from 'path';
import * as vm from 'vm';
import { CellSourceMaps, takeSourceMaps } from './typescript';

/** tslab's converter: type-checks a cell against the declarations of earlier cells and turns it into JavaScript. */
interface Converter {
  convert(prevDecl: string, src: string): ConvertResult;
  inspect(prevDecl: string, src: string, position: number): unknown;
  complete(prevDecl: string, src: string, position: number): { start: number; end: number; candidates: string[] };
  addModule(name: string, content: string, meta?: unknown): Diagnostic[];
  close(): void;
}
interface ConvertResult {
  output?: string;
  declOutput?: string;
  diagnostics: Diagnostic[];
  lastExpressionVar?: string;
  hasToplevelAwait?: boolean;
  sideOutputs?: { path: string; data: string }[];
}
/** A TypeScript error in a cell: 0-based line and character. */
export interface Diagnostic {
  start: { line: number; character: number };
  messageText: string;
  fileName?: string;
}

/** How a cell ended. `value` is set when the cell ends with an expression whose value is not undefined. */
export type CellOutcome =
  | { kind: 'ok'; value?: { of: unknown } }
  | { kind: 'compile-error'; diagnostics: Diagnostic[] }
  | { kind: 'error'; error: unknown };

/** Where a cell's compiled code came from: its source and the maps back to it (for tracebacks). */
export interface CompiledCell {
  source: string;
  maps?: CellSourceMaps;
  /** Characters added before the compiled code on its first line. */
  prefixLength: number;
}

export const INTERRUPTED = 'the cell was interrupted';

/** The file name a cell's code runs under, so that stack traces name it: `<cell 3>`. */
export function cellFileName(count: number): string {
  return `<cell ${count}>`;
}

/**
 * Runs TypeScript cells: tslab's converter checks and compiles each one; the code
 * runs in this process's context (top-level await allowed), names declared in a cell
 * stay visible to the next ones, and the value of a cell's last expression is
 * returned rather than printed.
 */
export class Executor {
  private readonly converter: Converter;
  private prevDecl = '';
  private readonly locals: Record<string, unknown> = {};
  private readonly sideSources = new Map<string, string>();
  private readonly sideModules = new Map<string, Module>();
  readonly cells = new Map<number, CompiledCell>();
  private interruptNow?: (e: Error) => void;
  /** An interrupt that came while a cell was being type-checked: the cell then does not run. */
  private interruptedEarly = false;
  private preparing = false;

  /** Needs tslab's TypeScript loaded first (loadTypeScript), so that cells carry source maps. */
  constructor(cwd: string) {
    const { createConverter } = require('tslab/dist/converter') as { createConverter(o: object): Converter };
    this.converter = createConverter({ isJS: false, isBrowser: false });
    const exports = this.locals;
    const scope = {
      // TypeScript turns named imports into defineProperty calls; a notebook may redefine them.
      exports: new Proxy(exports, {
        defineProperty: (_t, prop, attrs) => {
          if (prop !== '__esModule') (exports as Record<string | symbol, unknown>)[prop] = attrs.get ? attrs.get() : attrs.value;
          return true;
        },
      }),
      require: this.requireFor(Module.createRequire(path.join(cwd, 'cell.js')), cwd),
    };
    vm.runInThisContext('(scope) => { globalThis.__tslab__ = scope; }')(scope);
  }

  /** `require` from a cell: tslab's own API, TypeScript files next to the notebook (compiled by the converter), then Node's. */
  private requireFor(base: NodeJS.Require, dir: string): NodeJS.Require {
    const load = (id: string): unknown => {
      if (id === 'tslab') return require('tslab');
      let file = path.resolve(dir, id);
      if (path.extname(file) === '') file += '.js';
      const cached = this.sideModules.get(file);
      if (cached) return cached.exports;
      const code = this.sideSources.get(file);
      if (code === undefined) return base(id);
      const mod = new Module(file, module);
      mod.filename = file;
      mod.paths = (Module as unknown as { _nodeModulePaths(d: string): string[] })._nodeModulePaths(path.dirname(file));
      mod.require = this.requireFor(mod.require as NodeJS.Require, path.dirname(file));
      (mod as unknown as { _compile(code: string, file: string): void })._compile(code, file);
      this.sideModules.set(file, mod);
      return mod.exports;
    };
    return Object.assign(load, base) as unknown as NodeJS.Require;
  }

  async execute(src: string, count: number): Promise<CellOutcome> {
    const { getCodeMetadata } = require('tslab/dist/metadata') as { getCodeMetadata(s: string): { module?: string; mode?: string } };
    const meta = getCodeMetadata(src);
    if (meta.module) {
      const diagnostics = this.converter.addModule(meta.module, src, meta);
      return diagnostics.length ? { kind: 'compile-error', diagnostics } : { kind: 'ok' };
    }
    this.preparing = true;
    this.interruptedEarly = false;
    let converted: ConvertResult;
    try {
      converted = this.converter.convert(this.prevDecl, src);
      // A SIGINT that came during the type check is handled only now, when the event loop runs.
      await new Promise((resolve) => setImmediate(resolve));
    } catch (error) {
      // A failure of the converter itself is this cell's error, never a request left without a reply.
      return { kind: 'error', error };
    } finally {
      this.preparing = false;
    }
    const maps = takeSourceMaps();
    for (const out of converted.sideOutputs ?? []) {
      this.sideModules.delete(out.path);
      this.sideSources.set(out.path, out.data);
    }
    if (converted.diagnostics.length) return { kind: 'compile-error', diagnostics: converted.diagnostics };
    if (!converted.output) {
      this.prevDecl = converted.declOutput ?? '';
      return { kind: 'ok' };
    }
    if (this.interruptedEarly) return { kind: 'error', error: interruption() };
    const prefix = converted.hasToplevelAwait ? '(async function (exports, require) { ' : '(function (exports, require) { ';
    this.cells.set(count, { source: src, maps, prefixLength: prefix.length });
    const code = `${prefix}${stripSourceMapComments(converted.output)}\n})(__tslab__.exports, __tslab__.require)`;
    const interrupted = new Promise<never>((_, reject) => (this.interruptNow = reject));
    interrupted.catch(() => undefined);
    try {
      const ran = vm.runInThisContext(code, { filename: cellFileName(count), breakOnSigint: true });
      if (converted.hasToplevelAwait) await Promise.race([ran, interrupted]);
    } catch (error) {
      return { kind: 'error', error };
    } finally {
      this.interruptNow = undefined;
    }
    this.prevDecl = converted.declOutput ?? '';
    const name = converted.lastExpressionVar;
    if (!name || !(name in this.locals)) return { kind: 'ok' };
    const value = this.locals[name];
    delete this.locals[name];
    return value === undefined ? { kind: 'ok' } : { kind: 'ok', value: { of: value } };
  }

  /** Ends a cell waiting on a promise (a cell in a synchronous loop is stopped by SIGINT itself). */
  interrupt(): void {
    if (this.preparing) this.interruptedEarly = true;
    this.interruptNow?.(interruption());
  }

  complete(src: string, position: number): { start: number; end: number; candidates: string[] } {
    return this.converter.complete(this.prevDecl, src, position);
  }

  /** Quick info (the type and documentation) of the name at the position, as text; undefined when there is none. */
  inspect(src: string, position: number): string | undefined {
    const info = this.converter.inspect(this.prevDecl, src, position);
    if (!info) return undefined;
    const { printQuickInfo } = require('tslab/dist/inspect') as { printQuickInfo(i: unknown): string };
    return printQuickInfo(info);
  }

  close(): void {
    this.converter.close();
  }
}

function interruption(): Error {
  const e = new Error(INTERRUPTED);
  e.name = 'KeyboardInterrupt';
  return e;
}

function stripSourceMapComments(js: string): string {
  return js.replace(/^\/\/# sourceMappingURL=.*$/gm, '');
}
