import { doctorCommand } from './doctor_command';
import { runCommand } from './run_command';
import { exportCommand } from './export_command';
import { kernelCommand } from './kernel_command';
import { labCommand } from './lab_command';
import { galleryCommand } from './gallery_command';
import { assignCommand } from './assign_command';
import { gradeCommand } from './grade_command';
import { hubCommand } from './hub_command';

export interface Command {
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

export const COMMANDS: Record<string, Command> = {
  run: runCommand,
  export: exportCommand,
  kernel: kernelCommand,
  lab: labCommand,
  gallery: galleryCommand,
  assign: assignCommand,
  grade: gradeCommand,
  hub: hubCommand,
  doctor: doctorCommand,
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    'usage: downhill <command> [options]',
    '',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'downhill <command> --help shows the options of a command.',
  ].join('\n');
}
