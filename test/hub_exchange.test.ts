import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseCsv } from '../src/coursework/grades_csv';
import { Notebook, asLines, joined, readNotebook, serializeNotebook } from '../src/notebook/nbformat';
import { ROOT, cli, tempDir } from './helpers/notebooks';

const SOURCE = path.join(ROOT, 'examples', 'coursework', 'descent-exercise.ipynb');
const NAME = 'descent-exercise';
const STUB = "throw new Error('not implemented yet: write your solution here (replace this line)');";
const ANSWERS: Record<string, string> = {
  slope: 'return 2 * (w - 2);',
  descend: 'const path = [start];\n  for (let i = 0; i < steps; i++) path.push(path[i] - lr * slope(path[i]));\n  return path;',
  mseGradient: 'let dw = 0, db = 0;\n  xs.forEach((x, i) => { const e = w * x + b - ys[i]; dw += 2 * e * x / xs.length; db += 2 * e / xs.length; });\n  return [dw, db];',
  chooseLearningRate: 'return 0.05;',
};

/** The handed-out notebook with the stubs of `functions` answered. */
function answered(handedOut: Notebook, functions: string[]): string {
  const nb = structuredClone(handedOut);
  for (const cell of nb.cells) {
    for (const fn of functions) {
      const source = joined(cell.source);
      if (source.includes(`function ${fn}(`)) cell.source = asLines(source.replace(STUB, ANSWERS[fn]));
    }
  }
  return serializeNotebook(nb);
}

function rows(file: string): Record<string, string>[] {
  const [header, ...body] = parseCsv(fs.readFileSync(file, 'utf8'));
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

describe('downhill hub: release, collect, grade in shards, merge, return feedback', function () {
  this.timeout(600000);
  const dir = tempDir('downhill-exchange-');
  const homes = path.join(dir, 'homes');
  const assigned = path.join(dir, 'assigned');
  const collected = path.join(dir, 'collected');
  const users = 'alice,bob,carol,dave,erin';
  const deadline = new Date('2026-11-30T23:59:00Z');
  const work = (user: string) => path.join(homes, user, NAME, `${NAME}.ipynb`);

  before(async () => {
    const r = await cli(['assign', SOURCE, '--out', assigned], { timeoutMs: 600000 });
    assert.equal(r.code, 0, r.stderr);
    for (const user of ['alice', 'bob', 'carol', 'dave']) fs.mkdirSync(path.join(homes, user), { recursive: true });
  });

  it('release copies the student version into every home; a student without a home is reported; work already there is kept', async () => {
    const r = await cli(['hub', 'release', path.join(assigned, `${NAME}.ipynb`), '--users', users, '--homes', homes]);
    assert.equal(r.code, 1, 'one student had no home');
    assert.match(r.stdout, /alice\s+released/);
    assert.match(r.stdout, /erin\s+no-home: .*erin does not exist/);
    for (const user of ['alice', 'bob', 'carol', 'dave']) {
      assert.equal(fs.readFileSync(work(user), 'utf8'), fs.readFileSync(path.join(assigned, `${NAME}.ipynb`), 'utf8'));
    }
    assert.ok(!joined(readNotebook(work('alice')).cells.map((c) => joined(c.source))).includes('BEGIN SOLUTION'), 'the student version, not the source');
    const handedOut = readNotebook(work('alice'));
    fs.writeFileSync(work('alice'), answered(handedOut, Object.keys(ANSWERS)));
    const again = await cli(['hub', 'release', path.join(assigned, `${NAME}.ipynb`), '--users', 'alice', '--homes', homes]);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /alice\s+kept/);
    assert.ok(fs.readFileSync(work('alice'), 'utf8').includes(ANSWERS.slope), "alice's work was not overwritten");
  });

  it('collect gathers submissions with their save time, marks late ones, and reports a missing one and one that is not a notebook', async () => {
    const handedOut = readNotebook(path.join(assigned, `${NAME}.ipynb`));
    fs.writeFileSync(work('bob'), answered(handedOut, ['slope', 'descend']));
    fs.rmSync(work('carol'));
    fs.writeFileSync(work('dave'), 'my answers are in my head\n');
    const before = new Date(deadline.getTime() - 3600e3);
    const after = new Date(deadline.getTime() + 90 * 60e3);
    fs.utimesSync(work('alice'), before, before);
    fs.utimesSync(work('bob'), after, after);
    const r = await cli(['hub', 'collect', NAME, '--users', users, '--homes', homes, '--out', collected, '--deadline', deadline.toISOString()]);
    assert.equal(r.code, 1, 'a file that is not a notebook and a student without a home are problems');
    assert.match(r.stdout, /alice\s+on-time/);
    assert.match(r.stdout, /bob\s+late: saved 90 min after the deadline/);
    assert.match(r.stdout, /carol\s+missing: no descent-exercise\/descent-exercise.ipynb/);
    assert.match(r.stdout, /dave\s+not-a-notebook: .* is not a notebook: .* is not valid JSON/);
    assert.match(r.stdout, /erin\s+no-home/);
    assert.deepEqual(fs.readdirSync(path.join(collected, 'submissions')).sort(), ['alice.ipynb', 'bob.ipynb']);
    assert.equal(fs.statSync(path.join(collected, 'submissions', 'bob.ipynb')).mtime.toISOString(), after.toISOString(), 'the save time is kept');
    const table = rows(path.join(collected, 'collected.csv'));
    assert.deepEqual(table.map((t) => [t.user, t.status]), [['alice', 'on-time'], ['bob', 'late'], ['carol', 'missing'], ['dave', 'not-a-notebook'], ['erin', 'no-home']]);
    assert.equal(table[1].submitted_at, after.toISOString());
    assert.equal(table[1].deadline, deadline.toISOString());
  });

  it('grades the submissions in two shards (sandboxed), merges the two grades.csv, and returns each feedback page into the home', async () => {
    const shards = [['alice'], ['bob']];
    for (const [i, shard] of shards.entries()) {
      const g = await cli(['grade', '--source', SOURCE, '--out', path.join(dir, `graded-${i + 1}`), '--quiet', ...shard.map((u) => path.join(collected, 'submissions', `${u}.ipynb`))], { timeoutMs: 600000 });
      assert.equal(g.code, 0, g.stderr);
    }
    const merged = path.join(dir, 'grades.csv');
    const m = await cli(['hub', 'merge-grades', '--out', merged, path.join(dir, 'graded-1', 'grades.csv'), path.join(dir, 'graded-2', 'grades.csv')]);
    assert.equal(m.code, 0, m.stderr);
    const grades = rows(merged);
    assert.deepEqual(grades.map((g) => path.basename(g.submission)), ['alice.ipynb', 'bob.ipynb']);
    assert.deepEqual([grades[0].score, grades[0].max_score, grades[0].status], ['10', '10', 'graded']);
    assert.ok(Number(grades[1].score) < 10 && Number(grades[1].score) > 0, `bob answered two of four: ${grades[1].score}`);

    const twice = await cli(['hub', 'merge-grades', '--out', path.join(dir, 'twice.csv'), path.join(dir, 'graded-1', 'grades.csv'), path.join(dir, 'graded-1', 'grades.csv')]);
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /alice\.ipynb is in both .*\nFix: give every submission to exactly one shard/s);

    const back = await cli(['hub', 'return', NAME, '--users', 'alice,bob,carol', '--homes', homes, '--collected', collected, '--graded', `${path.join(dir, 'graded-1')},${path.join(dir, 'graded-2')}`]);
    assert.equal(back.code, 0, back.stdout + back.stderr);
    assert.match(back.stdout, /carol\s+no-submission/);
    for (const user of ['alice', 'bob']) {
      const page = fs.readFileSync(path.join(homes, user, NAME, 'feedback.html'), 'utf8');
      assert.ok(page.includes(`submissions/${user}.ipynb</code>`), `${user}'s own feedback page`);
      assert.ok(page.includes(`Score: <strong>${user === 'alice' ? 10 : grades[1].score} / 10</strong>`), `${user}'s score on the page`);
    }
    assert.ok(!fs.existsSync(path.join(homes, 'carol', NAME, 'feedback.html')));
  });
});
