import { strict as assert } from 'assert';
import * as dh from '../src';
import { installKernelHook, KernelHook } from '../src/jupyter/kernel_hook';
import { initRuntime } from './helpers/setup';

const data = { x: [[0], [1], [2], [3], [4], [5], [6], [7]], y: [1, 3, 5, 7, 9, 11, 13, 15] };
async function train(callback: dh.Callback, epochs = 3) {
  const model = dh.models.linear();
  const h = await dh.fit({ model, loss: dh.losses.mse, data, optimizer: dh.optim.sgd({ lr: 0.01 }), batchSize: 2, epochs, callbacks: [callback] });
  dh.models.disposeModel(model);
  return h;
}

describe('progressBar: one updating line, throttled', () => {
  before(initRuntime);

  it('in a terminal: every write returns to the start of the line; one newline, at the end; the bar fills with the epoch', async () => {
    const writes: string[] = [];
    const h = await train(dh.progressBar({ epochs: 3, intervalMs: 0, write: (t) => writes.push(t) }));
    assert.equal(writes.length, h.steps.length + 1);
    assert.ok(writes.every((w) => w.startsWith('\r')));
    assert.equal(writes.join('').split('\n').length - 1, 1);
    assert.ok(writes.at(-1)!.endsWith('\n'));
    assert.match(writes.at(-1)!, /epoch 3\/3 +\[#{24}\] +4\/4 +loss [\d.e-]+ +lr 0\.0100 .*\(maxEpochs\)/);
    // After epoch 1 the bar knows 4 steps per epoch: step 6 is 2/4 of epoch 2.
    assert.match(writes[5], /epoch 2\/3 +\[#{12}\.{12}\] +2\/4/);
  });

  it('throttled: with a long interval, only the first step and the end are drawn', async () => {
    const writes: string[] = [];
    await train(dh.progressBar({ intervalMs: 1e9, write: (t) => writes.push(t) }));
    assert.equal(writes.length, 2);
  });

  it('in a notebook: one output, replaced through the kernel hook (update_display_data with the same display id)', async () => {
    const sent: { id: unknown; update: boolean; text: unknown }[] = [];
    const hook: KernelHook = {
      display: (content, update) => sent.push({ id: content.transient?.display_id, update, text: content.data['text/plain'] }),
      clearOutput: () => undefined,
      addRepr: () => undefined,
    };
    installKernelHook(hook);
    try {
      const h = await train(dh.progressBar({ intervalMs: 0 }), 2);
      assert.equal(sent.length, h.steps.length + 1);
      assert.deepEqual(sent.map((s) => s.update), [false, ...Array(sent.length - 1).fill(true)]);
      assert.equal(new Set(sent.map((s) => s.id)).size, 1);
      assert.match(String(sent.at(-1)!.text), /epoch 2 .*\(maxEpochs\)/);
    } finally {
      installKernelHook(undefined as unknown as KernelHook);
    }
  });
});
