import * as path from 'path';
import { DownhillError } from '../errors';
import { exportNotebook } from '../notebook/export_html';
import { readNotebook } from '../notebook/nbformat';
import { UsageError, parseArgs } from './args';
import { Command } from './commands';

const USAGE = 'downhill export NOTEBOOK... --html [--output DIR]';

export const exportCommand: Command = {
  summary: 'turn notebooks into standalone, offline HTML pages (charts, math, code)',
  usage: USAGE,
  async run(args) {
    if (args.includes('--help')) {
      console.log(`${USAGE}\n\nWrites NAME.html for each notebook into DIR (default: out/): markdown with LaTeX math,\nhighlighted code, every output, interactive Plotly charts with plotly.js embedded once.\nThe page loads nothing from the network.`);
      return 0;
    }
    const parsed = parseArgs(args, { flags: ['--html'], options: ['--output'] }, USAGE);
    if (parsed.positional.length === 0) throw new UsageError('no notebook given.', `usage: ${USAGE}`);
    const dir = parsed.options.get('--output') ?? 'out';
    for (const file of parsed.positional) {
      const target = exportNotebook(readNotebook(file), file, dir);
      console.log(`wrote ${path.resolve(target)}`);
    }
    return 0;
  },
};
