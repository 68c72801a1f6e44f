import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { decodeMessage, encodeMessage } from './protobuf';
import { frameRecord, readRecords } from './tfrecord';

/**
 * TensorBoard event files (events.out.tfevents.*), written without TensorFlow: TFRecords
 * of tensorflow.Event protocol buffers (tensorflow/core/util/event.proto):
 *
 *   Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
 *   Summary { repeated Value value = 1; }   Value { string tag = 1; float simple_value = 2; }
 *
 * The first event names the format ("brain.Event:2"); each later one carries scalars.
 */
export class EventFileWriter {
  readonly file: string;

  constructor(logDir: string) {
    fs.mkdirSync(logDir, { recursive: true });
    this.file = path.join(logDir, `events.out.tfevents.${Math.floor(Date.now() / 1000)}.${os.hostname()}.${process.pid}`);
    fs.writeFileSync(this.file, frameRecord(encodeMessage([{ number: 1, double: Date.now() / 1000 }, { number: 3, bytes: 'brain.Event:2' }])));
  }

  /** Appends one event with scalar summaries, e.g. addScalars(12, { 'train/loss': 0.3 }). */
  addScalars(step: number, scalars: Record<string, number>): void {
    const values = Object.entries(scalars)
      .filter(([, v]) => Number.isFinite(v))
      .map(([tag, v]) => ({ number: 1, bytes: encodeMessage([{ number: 1, bytes: tag }, { number: 2, float: v }]) }));
    const event = encodeMessage([
      { number: 1, double: Date.now() / 1000 },
      { number: 2, varint: step },
      { number: 5, bytes: encodeMessage(values) },
    ]);
    fs.appendFileSync(this.file, frameRecord(event));
  }
}

export interface ParsedEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  scalars: Record<string, number>;
}

/** Reads an event file back (checksums verified): for tests and for plotting a run. */
export function readEventFile(file: string): ParsedEvent[] {
  return readRecords(fs.readFileSync(file), file).map((record) => {
    const event: ParsedEvent = { wallTime: 0, step: 0, scalars: {} };
    for (const f of decodeMessage(record)) {
      if (f.number === 1) event.wallTime = f.value as number;
      else if (f.number === 2) event.step = f.value as number;
      else if (f.number === 3) event.fileVersion = (f.value as Buffer).toString('utf8');
      else if (f.number === 5) {
        for (const v of decodeMessage(f.value as Buffer)) {
          const fields = decodeMessage(v.value as Buffer);
          const tag = (fields.find((x) => x.number === 1)!.value as Buffer).toString('utf8');
          event.scalars[tag] = fields.find((x) => x.number === 2)!.value as number;
        }
      }
    }
    return event;
  });
}
