import { doctor, formatDoctor } from '../runtime/doctor';
import { Command } from './commands';

export const doctorCommand: Command = {
  summary: 'list every TensorFlow.js backend: available or not, why, and the fix',
  usage: 'downhill doctor [--json]',
  async run(args) {
    if (args.includes('--help')) {
      console.log(this.usage);
      return 0;
    }
    const statuses = await doctor();
    console.log(args.includes('--json') ? JSON.stringify(statuses, null, 2) : formatDoctor(statuses));
    return statuses.some((s) => s.available) ? 0 : 1;
  },
};
