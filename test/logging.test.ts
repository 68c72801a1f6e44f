import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as dh from '../src';
import { initRuntime } from './helpers/setup';
import { pythonWith } from './helpers/python';

const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `downhill-${name}-`));
const classes = () => {
  const rng = new dh.Random(3);
  const x = Array.from({ length: 48 }, () => [rng.normal(), rng.normal()]);
  return { x, y: Int32Array.from(x.map(([a, b]) => (a - b > 0 ? 1 : 0))) };
};

async function train(callbacks: dh.Callback[]) {
  const model = dh.models.mlp({ sizes: [2, 4, 2], seed: 0 });
  const data = classes();
  const h = await dh.fit({ model, loss: dh.losses.crossEntropy, data, validation: data, metrics: { accuracy: dh.losses.accuracy }, optimizer: dh.optim.sgd({ lr: 0.1 }), batchSize: 16, epochs: 3, callbacks });
  dh.models.disposeModel(model);
  return h;
}

describe('logging: CSV and TensorBoard event files', () => {
  before(initRuntime);

  it('CRC-32C and its mask as TFRecord defines them (check value of "123456789": 0xE3069283)', () => {
    assert.equal(dh.logging.crc32c(Buffer.from('123456789')), 0xe3069283);
    const crc = 0xe3069283;
    assert.equal(dh.logging.maskedCrc32c(Buffer.from('123456789')), (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0);
    const framed = dh.logging.frameRecord(Buffer.from('abc'));
    assert.equal(framed.length, 8 + 4 + 3 + 4);
    assert.deepEqual(dh.logging.readRecords(framed).map(String), ['abc']);
    framed[13] ^= 1;
    assert.throws(() => dh.logging.readRecords(framed), /wrong checksum/);
  });

  it('tensorBoard writes every step and epoch as scalar events, read back by parsing the file', async () => {
    const dir = tmp('tb');
    const board = dh.tensorBoard(dir);
    const h = await train([board]);
    const events = dh.logging.readEventFile(board.file);
    assert.equal(events[0].fileVersion, 'brain.Event:2');
    const steps = events.filter((e) => 'train/loss' in e.scalars);
    assert.deepEqual(steps.map((e) => e.step), h.steps.map((s) => s.step));
    steps.forEach((e, i) => {
      assert.equal(e.scalars['train/loss'], Math.fround(h.steps[i].loss));
      assert.equal(e.scalars['train/accuracy'], Math.fround(h.steps[i].metrics!.accuracy));
      assert.equal(e.scalars['train/lr'], Math.fround(0.1));
    });
    const epochs = events.filter((e) => 'epoch/loss' in e.scalars);
    assert.deepEqual(epochs.map((e) => e.step), h.epochs.map((e) => e.steps));
    epochs.forEach((e, i) => {
      assert.equal(e.scalars['epoch/valLoss'], Math.fround(h.epochs[i].valLoss!));
      assert.equal(e.scalars['epoch/val_accuracy'], Math.fround(h.epochs[i].valMetrics!.accuracy));
    });
  });

  it('TensorBoard itself reads the event file (EventAccumulator), when python has tensorboard', async function () {
    const python = pythonWith('tensorboard');
    if (!python) {
      console.log('      skipped: no python3 with tensorboard (set DOWNHILL_TORCH_PYTHON to one)');
      this.skip();
    }
    const dir = tmp('tb-python');
    const h = await train([dh.tensorBoard(dir)]);
    const script = [
      'import json, sys',
      'from tensorboard.backend.event_processing.event_accumulator import EventAccumulator',
      'ea = EventAccumulator(sys.argv[1]); ea.Reload()',
      "print(json.dumps({t: [[s.step, s.value] for s in ea.Scalars(t)] for t in ea.Tags()['scalars']}))",
    ].join('\n');
    const read = JSON.parse(execFileSync(python!, ['-c', script, dir], { encoding: 'utf8' }).trim().split('\n').at(-1)!);
    assert.deepEqual(read['train/loss'], h.steps.map((s) => [s.step, Math.fround(s.loss)]));
    assert.deepEqual(read['epoch/valLoss'], h.epochs.map((e) => [e.steps, Math.fround(e.valLoss!)]));
  });

  it('csvLogger writes one row per epoch (or per step) with a header', async () => {
    const dir = tmp('csv');
    const epochs = path.join(dir, 'epochs.csv');
    const steps = path.join(dir, 'steps.csv');
    const h = await train([dh.csvLogger(epochs), dh.csvLogger(steps, { per: 'step' })]);
    const rows = fs.readFileSync(epochs, 'utf8').trim().split('\n').map((l) => l.split(','));
    assert.deepEqual(rows[0], ['epoch', 'steps', 'time', 'lr', 'loss', 'accuracy', 'valLoss', 'val_accuracy']);
    assert.equal(rows.length, 1 + h.epochs.length);
    rows.slice(1).forEach((r, i) => {
      assert.equal(Number(r[0]), h.epochs[i].epoch);
      assert.equal(Number(r[4]), h.epochs[i].loss);
      assert.equal(Number(r[7]), h.epochs[i].valMetrics!.accuracy);
    });
    const stepRows = fs.readFileSync(steps, 'utf8').trim().split('\n');
    assert.equal(stepRows[0], 'step,epoch,time,lr,loss,gradNorm,accuracy');
    assert.equal(stepRows.length, 1 + h.steps.length);
    assert.equal(Number(stepRows.at(-1)!.split(',')[4]), h.steps.at(-1)!.loss);
  });
});
