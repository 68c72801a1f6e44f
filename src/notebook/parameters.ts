import { DownhillError } from '../errors';
import { Cell, CodeCell, Notebook, asLines, joined, tagsOf } from './nbformat';

const DECLARATION = /^\s*(?:export\s+)?(const|let|var)\s+([A-Za-z_$][\w$]*)\s*(:\s*[^=]+?)?\s*=/gm;

interface Declared {
  keyword: string;
  annotation?: string;
}

/** The names a parameters cell declares, with their keyword and type annotation. */
export function declaredParameters(source: string): Map<string, Declared> {
  const out = new Map<string, Declared>();
  for (const m of source.matchAll(DECLARATION)) out.set(m[2], { keyword: m[1], annotation: m[3]?.trim() });
  return out;
}

/** A command-line value as a TypeScript literal: JSON when it parses (numbers, booleans, arrays, quoted strings), else a string. */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Papermill-style parameters: after the cell tagged `parameters`, a cell tagged
 * `injected-parameters` redeclares the given names with new values (tslab allows a
 * later cell to redeclare a name). The notebook is changed in place.
 */
export function injectParameters(nb: Notebook, parameters: Record<string, unknown>, where: string): void {
  const names = Object.keys(parameters);
  const existing = nb.cells.findIndex((c) => tagsOf(c).includes('injected-parameters'));
  if (existing >= 0) nb.cells.splice(existing, 1);
  if (names.length === 0) return;
  const at = nb.cells.findIndex((c) => c.cell_type === 'code' && tagsOf(c).includes('parameters'));
  if (at < 0) {
    throw new DownhillError(
      `${where} has no cell tagged 'parameters', so ${names.map((n) => `'${n}'`).join(', ')} cannot be set.`,
      "tag the cell that declares the defaults with 'parameters' (Jupyter: View > Cell Toolbar > Tags).",
    );
  }
  const declared = declaredParameters(joined(nb.cells[at].source));
  for (const name of names) {
    if (!declared.has(name)) {
      throw new DownhillError(
        `${where}: the parameters cell does not declare '${name}' (it declares ${[...declared.keys()].join(', ') || 'nothing'}).`,
        'check the spelling, or declare it in the parameters cell.',
      );
    }
  }
  const lines = names.map((name) => {
    const { keyword, annotation } = declared.get(name)!;
    return `${keyword} ${name}${annotation ? `${annotation}` : ''} = ${JSON.stringify(parameters[name])};`;
  });
  const cell: CodeCell = {
    cell_type: 'code',
    metadata: { tags: ['injected-parameters'] },
    source: asLines(`// Parameters set by downhill run\n${lines.join('\n')}\n`),
    execution_count: null,
    outputs: [],
  };
  if (nb.nbformat_minor >= 5) (cell as Cell).id = 'injected-parameters';
  nb.cells.splice(at + 1, 0, cell);
}
