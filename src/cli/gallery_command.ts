import * as fs from 'fs';
import * as path from 'path';
import { exportNotebook } from '../notebook/export_html';
import { galleryHTML } from '../notebook/gallery';
import { assetTags } from '../notebook/page_assets';
import { parseValue } from '../notebook/parameters';
import { UsageError, parseArgs } from './args';
import { Command } from './commands';
import { runNotebooks } from './run_notebooks';

const USAGE = 'downhill gallery NOTEBOOK... [--output DIR] [--jobs N] [--timeout SECONDS] [-p NAME VALUE]...';

export const galleryCommand: Command = {
  summary: 'run notebooks, export each to HTML, and write an offline index page (npm start)',
  usage: USAGE,
  async run(args) {
    if (args.includes('--help')) {
      console.log(`${USAGE}\n\nRuns every notebook headlessly (executed copies in DIR/notebooks/), exports each to\nDIR/NAME.html, and writes DIR/index.html linking them (default DIR: out/). The pages share\none copy of plotly.js and KaTeX in DIR/assets/. A notebook\nthat fails is still exported, with its error, and marked in the index.`);
      return 0;
    }
    const parsed = parseArgs(args, { flags: ['--quiet'], options: ['--output', '--jobs', '--timeout'], pairs: ['-p'] }, USAGE);
    const files = [...parsed.positional].sort();
    if (files.length === 0) throw new UsageError('no notebook given.', `usage: ${USAGE}`);
    const dir = path.resolve(parsed.options.get('--output') ?? 'out');
    const started = performance.now();
    const outcomes = await runNotebooks(files, {
      outputDir: path.join(dir, 'notebooks'),
      allowErrors: false,
      jobs: Number(parsed.options.get('--jobs') ?? 1),
      timeoutSeconds: parsed.options.has('--timeout') ? Number(parsed.options.get('--timeout')) : undefined,
      parameters: Object.fromEntries((parsed.pairs.get('-p') ?? []).map(([k, v]) => [k, parseValue(v)])),
      quiet: parsed.flags.has('--quiet'),
    });
    const entries = outcomes.map((o) => {
      const page = exportNotebook(o.notebook, o.file, dir, 'shared');
      return {
        href: path.basename(page),
        notebookHref: o.written ? path.relative(dir, o.written) : undefined,
        notebook: o.notebook,
        ok: !!o.result?.ok,
        seconds: o.result?.seconds,
        problem: o.error ?? (o.result?.failures[0] ? `cell ${o.result.failures[0].cellIndex + 1}: ${o.result.failures[0].message.split('\n')[0]}` : undefined),
      };
    });
    const index = path.join(dir, 'index.html');
    fs.writeFileSync(index, galleryHTML(entries, { head: assetTags('shared', false) }));
    const failed = entries.filter((e) => !e.ok).length;
    console.log(`${entries.length - failed} of ${entries.length} notebooks ran cleanly in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    console.log(`open ${index} in a browser (it works offline)`);
    return failed ? 1 : 0;
  },
};
