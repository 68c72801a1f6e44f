import * as fs from 'fs';
import * as path from 'path';
import { EventFileWriter } from '../logging/tfevents';
import { Callback } from './callbacks';
import { EpochRecord, StepRecord } from './history';

export interface CsvLoggerOptions {
  /** One row per 'epoch' (default, as Keras's CSVLogger) or per 'step'. */
  per?: 'epoch' | 'step';
  /** Add to an existing file (a resumed run) instead of starting it anew. */
  append?: boolean;
}

/**
 * A callback writing the run to a CSV file: per epoch, the columns epoch, steps,
 * time, lr, loss, the metrics, valLoss and the validation metrics (val_<name>);
 * per step, step, epoch, time, lr, loss, gradNorm and the metrics. The header comes
 * from the first row; a value missing in a later row is left empty.
 */
export function csvLogger(file: string, options: CsvLoggerOptions = {}): Callback {
  const per = options.per ?? 'epoch';
  let columns: string[] | undefined = options.append && fs.existsSync(file) ? readHeader(file) : undefined;
  if (!columns) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const write = (row: Record<string, number | undefined>) => {
    if (!columns) {
      columns = Object.keys(row);
      fs.writeFileSync(file, columns.join(',') + '\n');
    }
    fs.appendFileSync(file, columns.map((c) => (row[c] === undefined ? '' : String(row[c]))).join(',') + '\n');
  };
  return per === 'step' ? { onStep: (s) => write(stepRow(s)) } : { onEpoch: (e) => write(epochRow(e)) };
}

export interface TensorBoardOptions {
  /** Also write every step's loss, lr and gradient norm (default true); epochs are always written. */
  steps?: boolean;
}

/**
 * A callback writing TensorBoard event files to `logDir` (open with
 * `tensorboard --logdir <parent>`): train/loss, train/lr, train/gradNorm and the
 * metrics per step; epoch/loss, epoch/valLoss and the validation metrics per epoch,
 * at the step count where the epoch ended.
 */
export function tensorBoard(logDir: string, options: TensorBoardOptions = {}): Callback & { file: string } {
  const writer = new EventFileWriter(logDir);
  const scalars = (prefix: string, r: Record<string, number | undefined>) =>
    Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined).map(([k, v]) => [`${prefix}/${k}`, v as number]));
  return {
    file: writer.file,
    onStep(s) {
      if (options.steps ?? true) {
        const { step, epoch, time, ...rest } = stepRow(s);
        void epoch, time;
        writer.addScalars(step!, scalars('train', rest));
      }
    },
    onEpoch(e) {
      const { epoch, steps, time, ...rest } = epochRow(e);
      void time;
      writer.addScalars(steps!, scalars('epoch', { epoch, ...rest }));
    },
  };
}

function stepRow(s: StepRecord): Record<string, number | undefined> {
  return { step: s.step, epoch: s.epoch, time: s.time, lr: s.lr, loss: s.loss, gradNorm: s.gradNorm, ...(s.metrics ?? {}) };
}

function epochRow(e: EpochRecord): Record<string, number | undefined> {
  const row: Record<string, number | undefined> = { epoch: e.epoch, steps: e.steps, time: e.time, lr: e.lr, loss: e.loss, ...e.metrics };
  row.valLoss = e.valLoss;
  for (const [k, v] of Object.entries(e.valMetrics ?? {})) row[`val_${k}`] = v;
  return row;
}

function readHeader(file: string): string[] | undefined {
  const first = fs.readFileSync(file, 'utf8').split('\n')[0];
  return first ? first.split(',') : undefined;
}
