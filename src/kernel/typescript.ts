import * as path from 'path';
import { SourceMap } from 'module';

/** The parts of tslab's TypeScript (5.0, bundled with tslab) that the kernel uses; typed loosely, as it is loaded at run time. */
export type TS = { [key: string]: any };

/** The two source maps of one converted cell: TypeScript → ES module, and ES module → CommonJS (tslab converts twice). */
export interface CellSourceMaps {
  toEsm: SourceMap;
  toCommonJs: SourceMap;
}

let lastMaps: CellSourceMaps | undefined;

const INLINE_MAP = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;

/**
 * Loads tslab's TypeScript so that every cell tslab converts carries source maps,
 * and returns it. tslab fixes its compiler options inside; its `ts` module has
 * read-only exports, so the kernel hands tslab a module object that inherits
 * everything and adds source maps to the two compiler calls. Must run before
 * tslab's converter is loaded.
 */
export function loadTypeScript(): TS {
  const tslabDir = path.dirname(require.resolve('tslab/package.json'));
  const file = require.resolve('@tslab/typescript-for-tslab', { paths: [tslabDir] });
  const ts = require(file) as TS;
  const cached = require.cache[file];
  if (!cached || (cached.exports as TS).__downhillSourceMaps) return cached?.exports ?? ts;
  const withMaps: TS = Object.create(ts);
  const define = (name: string, value: unknown) => Object.defineProperty(withMaps, name, { value, enumerable: true });
  define('__esModule', true);
  define('__downhillSourceMaps', true);
  define('createWatchCompilerHost', (files: string[], options: object, ...rest: unknown[]) =>
    ts.createWatchCompilerHost(files, { ...options, inlineSourceMap: true }, ...rest));
  define('transpileModule', (input: string, options: { compilerOptions?: object }) => {
    const inline = INLINE_MAP.exec(input);
    const out = ts.transpileModule(input, { ...options, compilerOptions: { ...options.compilerOptions, sourceMap: true } });
    lastMaps = inline && out.sourceMapText
      ? { toEsm: new SourceMap(JSON.parse(Buffer.from(inline[1], 'base64').toString())), toCommonJs: new SourceMap(JSON.parse(out.sourceMapText)) }
      : undefined;
    return out;
  });
  cached.exports = withMaps;
  return withMaps;
}

/** The source maps of the cell tslab converted last (read right after convert). */
export function takeSourceMaps(): CellSourceMaps | undefined {
  const maps = lastMaps;
  lastMaps = undefined;
  return maps;
}
