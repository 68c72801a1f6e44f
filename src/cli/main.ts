#!/usr/bin/env node
import { DownhillError } from '../errors';
import { UsageError } from './args';
import { COMMANDS, usage } from './commands';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(usage());
    return 0;
  }
  if (name === '--version' || name === '-v') {
    console.log(require('../../package.json').version);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`downhill: unknown command '${name}'.\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof DownhillError ? `downhill: ${e.message}` : e);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
