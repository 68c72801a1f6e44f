import { doctor, formatDoctor } from '../runtime/doctor';
import { Command } from './commands';

export const doctorCommand: Command = {
  summary: 'list every TensorFlow.js backend: available or not, why, the fix, and its time per training step',
  usage: 'downhill doctor [--json] [--no-calibrate]',
  async run(args) {
    if (args.includes('--help')) {
      console.log(this.usage);
      return 0;
    }
    const statuses = await doctor({ calibrate: !args.includes('--no-calibrate') });
    console.log(args.includes('--json') ? JSON.stringify(statuses, null, 2) : formatDoctor(statuses));
    return statuses.some((s) => s.available) ? 0 : 1;
  },
};
