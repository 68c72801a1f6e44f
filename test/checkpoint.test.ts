import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import * as tf from '@tensorflow/tfjs';
import * as dh from '../src';
import { expectDownhillError, initRuntime } from './helpers/setup';
import { pythonWith } from './helpers/python';

const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `downhill-${name}-`));

/** Reads a safetensors file by the format's definition, independently of src/checkpoint. */
function parseByHand(bytes: Buffer): Record<string, { dtype: string; shape: number[]; values: number[] }> {
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
  const out: Record<string, { dtype: string; shape: number[]; values: number[] }> = {};
  for (const [name, e] of Object.entries<any>(header)) {
    if (name === '__metadata__') continue;
    const [begin, end] = e.data_offsets;
    const values: number[] = [];
    for (let at = 8 + n + begin; at < 8 + n + end; at += 4) values.push(e.dtype === 'F32' ? bytes.readFloatLE(at) : bytes.readInt32LE(at));
    out[name] = { dtype: e.dtype, shape: e.shape, values };
  }
  return out;
}

function data(n: number, seed: number) {
  const rng = new dh.Random(seed);
  const x = Array.from({ length: n }, () => [rng.normal(), rng.normal(), rng.normal()]);
  const y = x.map(([a, b, c]) => [Math.sin(a) + 0.5 * b * c]);
  return { x, y };
}

async function flatValues(tensors: Record<string, tf.Tensor>): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const k of Object.keys(tensors).sort()) out[k] = Array.from(await tensors[k].data());
  return out;
}

describe('checkpoints (safetensors) and resuming fit', () => {
  before(initRuntime);

  it('writes safetensors by the format: 8-byte little-endian header length, JSON header, little-endian data; and reads it back', async () => {
    const tensors = { w: tf.tensor2d([[1.5, -2], [3.25, 1e-7]]), b: tf.tensor1d([0.1, -0.2, 7]), n: tf.tensor1d([3, -4], 'int32') };
    const bytes = await dh.checkpoint.encodeSafetensors(tensors, { format: 'pt' });
    const n = Number(bytes.readBigUInt64LE(0));
    assert.equal((8 + n) % 8, 0, 'the data starts 8-byte aligned');
    assert.equal(JSON.parse(bytes.subarray(8, 8 + n).toString()).__metadata__.format, 'pt');
    const byHand = parseByHand(bytes);
    assert.deepEqual(byHand.w.shape, [2, 2]);
    assert.equal(byHand.w.dtype, 'F32');
    assert.deepEqual(byHand.w.values, [1.5, -2, 3.25, Math.fround(1e-7)]);
    assert.deepEqual(byHand.n, { dtype: 'I32', shape: [2], values: [3, -4] });
    const back = dh.checkpoint.decodeSafetensors(bytes).tensors;
    assert.deepEqual(await flatValues(back), await flatValues(tensors));
    assert.deepEqual(back.w.shape, [2, 2]);
    tf.dispose([Object.values(tensors), Object.values(back)]);
  });

  it('fit resumed from a checkpoint: 1 + 2 epochs equal 3 epochs (parameters, Adam moments, step counter, data order)', async () => {
    const train = data(96, 1);
    const run = (seed: number) => ({
      model: dh.models.mlp({ sizes: [3, 8, 1], activation: 'tanh', seed }),
      loss: dh.losses.mse,
      data: train,
      batchSize: 16,
      seed: 5,
    });
    const before = tf.memory().numTensors;
    const straight = tmp('straight');
    const a = run(3);
    const full = await fit3(a, straight);
    const resumed = tmp('resumed');
    const b = run(3);
    const first = await dh.fit({ ...b, optimizer: dh.optim.adam({ lr: 0.01 }), epochs: 1, checkpoint: resumed });
    assert.equal(first.epochs.length, 1);
    const c = run(99); // another initialization: the checkpoint's parameters replace it
    const rest = await dh.fit({ ...c, optimizer: dh.optim.adam({ lr: 0.01 }), epochs: 3, resumeFrom: resumed, checkpoint: resumed });
    assert.deepEqual(rest.epochs.map((e) => e.epoch), [2, 3]);
    assert.deepEqual(rest.steps.map((s) => s.step), full.steps.slice(6).map((s) => s.step));
    // The same losses step by step, and the same final parameters, bit for bit.
    assert.deepEqual(rest.stepValues('loss'), full.stepValues('loss').slice(6));
    assert.deepEqual(await flatValues(c.model.params), await flatValues(a.model.params));
    const x = await dh.checkpoint.loadCheckpoint(straight);
    const y = await dh.checkpoint.loadCheckpoint(resumed);
    assert.equal(y.step, 18);
    assert.equal(y.epoch, 3);
    assert.equal(JSON.stringify(skeleton(y.optimizerState)), JSON.stringify(skeleton(x.optimizerState)));
    assert.deepEqual(await flatValues(tensorsByPath(y.optimizerState)), await flatValues(tensorsByPath(x.optimizerState)));
    [x, y].forEach(dh.checkpoint.disposeCheckpoint);
    [a, b, c].forEach((r) => dh.models.disposeModel(r.model));
    assert.equal(tf.memory().numTensors, before, 'no tensor is left behind');
  });

  it('refuses a checkpoint of another optimizer or model, and epochs that leave nothing to train', async () => {
    const folder = tmp('refuse');
    const model = dh.models.mlp({ sizes: [3, 4, 1], seed: 1 });
    const train = data(32, 2);
    await dh.fit({ model, loss: dh.losses.mse, data: train, optimizer: dh.optim.adam(), epochs: 2, checkpoint: folder });
    const before = tf.memory().numTensors;
    await expectDownhillError(
      () => dh.fit({ model, loss: dh.losses.mse, data: train, optimizer: dh.optim.sgd({ lr: 0.1, momentum: 0.9 }), epochs: 3, resumeFrom: folder }),
      /optimizer state does not fit this optimizer/,
    );
    const other = dh.models.mlp({ sizes: [3, 5, 1], seed: 1 });
    await expectDownhillError(() => dh.fit({ model: other, loss: dh.losses.mse, data: train, optimizer: dh.optim.adam(), epochs: 3, resumeFrom: folder }), /shape \[3,4\] in the checkpoint, \[3,5\] in the model/);
    await expectDownhillError(() => dh.fit({ model, loss: dh.losses.mse, data: train, optimizer: dh.optim.adam(), epochs: 2, resumeFrom: folder }), /saved after epoch 2/, /epochs: 3 or more/);
    await expectDownhillError(() => dh.checkpoint.loadCheckpoint(tmp('empty')), /no checkpoint/);
    dh.models.disposeModel(other);
    assert.equal(tf.memory().numTensors, before, 'a refused checkpoint is freed');
    dh.models.disposeModel(model);
  });

  it('PyTorch reads the checkpoint (safetensors.torch.load_file), when python has torch and safetensors', async function () {
    const python = pythonWith('torch', 'safetensors');
    if (!python) {
      console.log('      skipped: no python3 with torch and safetensors (set DOWNHILL_TORCH_PYTHON to one)');
      this.skip();
    }
    const folder = tmp('torch');
    const model = dh.models.mlp({ sizes: [3, 4, 1], seed: 1 });
    await dh.fit({ model, loss: dh.losses.mse, data: data(32, 2), optimizer: dh.optim.adam(), epochs: 1, checkpoint: folder });
    const script = [
      'import json, sys',
      'from safetensors.torch import load_file',
      'out = {}',
      "for f in ('params', 'optimizer'):",
      "    t = load_file(sys.argv[1] + '/' + f + '.safetensors')",
      "    out[f] = {k: {'dtype': str(v.dtype), 'shape': list(v.shape), 'values': v.flatten().tolist()} for k, v in t.items()}",
      'print(json.dumps(out))',
    ].join('\n');
    const read = JSON.parse(execFileSync(python!, ['-c', script, folder], { encoding: 'utf8' }));
    const ours = await flatValues(model.params);
    for (const [name, values] of Object.entries(ours)) {
      assert.equal(read.params[name].dtype, 'torch.float32');
      assert.deepEqual(read.params[name].shape, model.params[name].shape);
      assert.deepEqual(read.params[name].values, values);
    }
    const saved = await dh.checkpoint.loadCheckpoint(folder);
    assert.deepEqual(Object.keys(read.optimizer).sort(), Object.keys(tensorsByPath(saved.optimizerState)).sort());
    dh.checkpoint.disposeCheckpoint(saved);
    dh.models.disposeModel(model);
  });
});

async function fit3(r: { model: dh.models.Model } & Omit<dh.FitOptions, 'optimizer' | 'model'>, folder: string) {
  return dh.fit({ ...r, optimizer: dh.optim.adam({ lr: 0.01 }), epochs: 3, checkpoint: folder });
}

function skeleton(tree: unknown): unknown {
  if (tree instanceof tf.Tensor) return `tensor[${tree.shape}]`;
  if (tree === null || typeof tree !== 'object') return tree;
  if (Array.isArray(tree)) return tree.map(skeleton);
  return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, skeleton(v)]));
}

function tensorsByPath(tree: unknown, at: string[] = [], out: Record<string, tf.Tensor> = {}): Record<string, tf.Tensor> {
  if (tree instanceof tf.Tensor) out[at.join('.')] = tree;
  else if (tree !== null && typeof tree === 'object') for (const [k, v] of Object.entries(tree)) tensorsByPath(v, [...at, k], out);
  return out;
}
