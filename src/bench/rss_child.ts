/**
 * One peak-RSS measurement in a process of its own: start the runtime on the
 * backend asked for, load MNIST, train one epoch of the task, print the peak
 * resident set size. Usage: rss_child BACKEND TASK [TRAIN_SIZE]
 */
import * as dh from '../index';
import { TaskName, trainOnce } from './mnist_training';

async function main(): Promise<void> {
  const [backend, task, trainSize] = process.argv.slice(2);
  await dh.runtime.init({ backend: backend as dh.runtime.BackendName });
  const { train } = dh.data.mnist(trainSize ? { train: Number(trainSize) } : {});
  await trainOnce(task as TaskName, train);
  process.stdout.write(JSON.stringify({ maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
