import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Notebook, Output, joined, readNotebook } from '../src/notebook/nbformat';
import { cli, tempDir, writeNotebook } from './helpers/notebooks';

/** Outputs reduced to what must agree: streams merged, random ids and PNG bytes left out. */
function normalize(nb: Notebook) {
  return nb.cells
    .filter((c) => c.cell_type === 'code')
    .map((c) => {
      const outputs: Record<string, unknown>[] = [];
      for (const o of (c as { outputs: Output[] }).outputs) {
        const last = outputs[outputs.length - 1];
        if (o.output_type === 'stream') {
          if (last?.type === 'stream' && last.name === o.name) last.text += joined(o.text);
          else outputs.push({ type: 'stream', name: o.name, text: joined(o.text) });
        } else if (o.output_type === 'display_data' || o.output_type === 'execute_result') {
          const plotly = o.data['application/vnd.plotly.v1+json'];
          outputs.push({
            type: o.output_type,
            mimes: Object.keys(o.data).sort(),
            plotly: plotly ? JSON.stringify(plotly) : undefined,
            text: joined(o.data['text/plain'] as string),
          });
        } else outputs.push({ type: 'error', ename: o.ename });
      }
      return outputs;
    });
}

describe("real Jupyter: Debian's nbconvert executes notebooks on the downhill kernel", function () {
  this.timeout(180000);

  it('nbconvert --execute and downhill run give the same outputs, cell by cell', async function () {
    if (!fs.existsSync('/usr/bin/jupyter-nbconvert')) throw new Error("needs Debian's jupyter-nbconvert (.ci/run installs it)");
    const dir = tempDir();
    const prefix = path.join(dir, 'prefix');
    assert.equal((await cli(['kernel', 'install', '--prefix', prefix])).code, 0);
    const file = writeNotebook(dir, 'compare.ipynb', [
      'md:# Same results',
      "import * as dh from 'downhill';\nconst info = await dh.runtime.init({ backend: 'cpu' });\nconsole.log(info.backend);",
      "const model = dh.models.linear();\nconst h = await dh.fit({ model, loss: dh.losses.mse, data: { x: [1, 2, 3, 4], y: [3, 5, 7, 9] }, optimizer: dh.optim.sgd({ lr: 0.01 }), epochs: 200 });\nconsole.log(JSON.stringify(await dh.models.parameterValues(model)));",
      'await dh.show(dh.plot.lossCurve(h, { logY: true }));',
      "dh.table(h.epochs.slice(-2).map((e) => ({ epoch: e.epoch, loss: e.loss })));",
      "console.error('to stderr');\n6 * 7",
    ]);
    const env = { ...process.env, JUPYTER_PATH: path.join(prefix, 'share', 'jupyter') };
    const converted = spawnSync(
      '/usr/bin/jupyter',
      ['nbconvert', '--to', 'notebook', '--execute', file, '--output', 'by-jupyter.ipynb', '--output-dir', dir, '--ExecutePreprocessor.timeout=120'],
      { env, encoding: 'utf8' },
    );
    assert.equal(converted.status, 0, converted.stderr);
    const ours = await cli(['run', file, '--output', path.join(dir, 'ours')]);
    assert.equal(ours.code, 0, ours.stderr);
    const byJupyter = readNotebook(path.join(dir, 'by-jupyter.ipynb'));
    const byUs = readNotebook(path.join(dir, 'ours', 'compare.ipynb'));
    const a = normalize(byJupyter);
    const b = normalize(byUs);
    assert.equal(a.length, 5);
    assert.deepEqual(b, a);
    assert.match((b[1][0] as { text: string }).text ?? JSON.stringify(b), /^\{"w":\[\[2\.0\d+\]\],"b":\[0\.8\d+\]\}\n$/, JSON.stringify(b[1]));
    assert.deepEqual((b[2] as { mimes: string[] }[]).map((o) => o.mimes.length), [4], 'one output: the four-representation figure (no plotly.js in the notebook)');
    // tslab publishes no execute_input message, which is where nbclient takes execution counts from;
    // downhill run takes them from execute_reply, as the notebook front end does.
    assert.deepEqual(byUs.cells.filter((c) => c.cell_type === 'code').map((c) => (c as { execution_count: number }).execution_count), [1, 2, 3, 4, 5]);
  });
});
