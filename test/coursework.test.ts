import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { stubSolutions } from '../src/coursework/authoring';
import { Notebook, asLines, codeCell, joined, newNotebook, readNotebook, serializeNotebook, tagsOf } from '../src/notebook/nbformat';
import { ROOT, cli, tempDir } from './helpers/notebooks';
import { expectDownhillError } from './helpers/setup';

const SOURCE = path.join(ROOT, 'examples', 'coursework', 'descent-exercise.ipynb');
const STUB = "throw new Error('not implemented yet: write your solution here (replace this line)');";

/** A submission: the handed-out notebook with some stubs answered (by function name). */
function submission(handedOut: Notebook, answers: Record<string, string>, edit?: (nb: Notebook) => void): Notebook {
  const nb = JSON.parse(JSON.stringify(handedOut)) as Notebook;
  for (const cell of nb.cells) {
    const source = joined(cell.source);
    for (const [fn, body] of Object.entries(answers)) {
      if (source.includes(`function ${fn}(`)) cell.source = asLines(source.replace(STUB, body));
    }
  }
  edit?.(nb);
  return nb;
}

const MODEL_ANSWERS = {
  slope: 'return 2 * (w - 2);',
  descend: 'const path = [start];\n  for (let i = 0; i < steps; i++) path.push(path[i] - lr * slope(path[i]));\n  return path;',
  mseGradient: 'let dw = 0, db = 0;\n  xs.forEach((x, i) => { const e = w * x + b - ys[i]; dw += 2 * e * x / xs.length; db += 2 * e / xs.length; });\n  return [dw, db];',
  chooseLearningRate: 'return 0.05;',
};

function save(dir: string, name: string, nb: Notebook): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, serializeNotebook(nb));
  return file;
}

function readCsv(file: string): Record<string, string>[] {
  const [header, ...rows] = fs.readFileSync(file, 'utf8').trim().split('\n');
  const split = (line: string) => (line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? []).map((f) => f.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"')).slice(0, header.split(',').length);
  return rows.map((r) => Object.fromEntries(split(r).map((v, i) => [header.split(',')[i], v])));
}

describe('coursework: authoring conventions', () => {
  it('a solution region becomes a stub that throws, indentation kept; unbalanced markers are named', async () => {
    const stubbed = stubSolutions('function f() {\n  // BEGIN SOLUTION\n  return 1;\n  // END SOLUTION\n}', 'cell 1');
    assert.equal(stubbed, `function f() {\n  ${STUB}\n}`);
    await expectDownhillError(() => stubSolutions('// BEGIN SOLUTION\nx', 'cell 3'), /cell 3: the solution opened on line 1 is never closed/, /END SOLUTION/);
    await expectDownhillError(() => stubSolutions('x\n// END SOLUTION', 'cell 4'), /cell 4: line 2 closes a solution that was never opened/);
  });
});

describe('coursework: bad usage', () => {
  it('assign and grade say what is missing or wrong, with exit status 2', async () => {
    const cases: [string[], RegExp][] = [
      [['assign', SOURCE], /--out DIR is required/],
      [['assign', '--out', 'x'], /give exactly one source notebook/],
      [['grade', 'a.ipynb', '--out', 'x'], /--source SOURCE\.ipynb is required/],
      [['grade', '--source', SOURCE, '--out', 'x'], /no submission given/],
      [['grade', '--source', SOURCE, 'a.ipynb', '--out', 'x', '--jobs', '0'], /--jobs must be a whole number >= 1, got 0/],
      [['grade', '--source', SOURCE, 'a.ipynb', '--out', 'x', '--memory', 'lots'], /--memory must be a positive number, got lots/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, message);
    }
  });
});

describe('coursework: downhill assign', function () {
  this.timeout(180000);
  const out = tempDir('downhill-assign-');
  let handedOut: Notebook;

  before(async () => {
    const r = await cli(['assign', SOURCE, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /4 visible and 4 hidden test cells, 10 points/);
    handedOut = readNotebook(path.join(out, 'descent-exercise.ipynb'));
  });

  it('writes the student version: stubs instead of solutions, no hidden tests, no outputs, read-only tests', () => {
    const text = handedOut.cells.map((c) => joined(c.source)).join('\n');
    assert.ok(!text.includes('BEGIN SOLUTION') && !text.includes('return 2 * (w - 2)'), 'no solution left');
    assert.equal(text.split(STUB).length - 1, 4, 'four stubs');
    assert.ok(handedOut.cells.every((c) => !tagsOf(c).includes('hidden-tests')), 'no hidden test cell');
    const source = readNotebook(SOURCE);
    for (const hidden of source.cells.filter((c) => tagsOf(c).includes('hidden-tests'))) {
      const longest = joined(hidden.source).split('\n').sort((x, y) => y.length - x.length)[0];
      assert.ok(!text.includes(longest), `no line of a hidden test: ${longest}`);
    }
    for (const cell of handedOut.cells) {
      if (cell.cell_type === 'code') assert.deepEqual([cell.outputs, cell.execution_count], [[], null]);
      if (tagsOf(cell).includes('tests')) assert.deepEqual([cell.metadata.editable, cell.metadata.deletable], [false, false]);
    }
  });

  it('writes a manifest with every test cell fingerprinted, hidden ones without their names', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'descent-exercise.manifest.json'), 'utf8'));
    assert.equal(manifest.tests.length, 8);
    assert.equal(manifest.maxScore, 10);
    for (const t of manifest.tests) {
      assert.match(t.sha256, /^[0-9a-f]{64}$/);
      assert.equal('name' in t, !t.hidden);
    }
  });

  it('refuses a source whose solutions fail a test, and names the test', async () => {
    const dir = tempDir();
    const broken = readNotebook(SOURCE);
    for (const cell of broken.cells) cell.source = asLines(joined(cell.source).replace('return 2 * (w - 2);', 'return 2 * w;'));
    const file = save(dir, 'broken.ipynb', broken);
    const r = await cli(['assign', file, '--out', path.join(dir, 'out')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /does not run clean with its solutions/);
    assert.match(r.stderr, /tests cell 'slope at w = 5 and at the minimum'/);
    assert.ok(!fs.existsSync(path.join(dir, 'out')), 'nothing written');
  });

  it('refuses a source whose student version would not compile, and says how to fix it', async () => {
    const dir = tempDir();
    const nb = newNotebook([
      codeCell("import * as dh from 'downhill';"),
      codeCell('// BEGIN SOLUTION\nconst answer = 42;\n// END SOLUTION'),
      codeCell("// the answer\ndh.check.close('answer', answer, 42);", ['tests']),
    ]);
    const r = await cli(['assign', save(dir, 'top-level.ipynb', nb), '--out', path.join(dir, 'out')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /does not compile/);
    assert.match(r.stderr, /Cannot find name 'answer'/);
    assert.match(r.stderr, /keep declarations that later cells use outside the SOLUTION markers/);
  });

  it('refuses a notebook without test cells', async () => {
    const dir = tempDir();
    const r = await cli(['assign', save(dir, 'none.ipynb', newNotebook([codeCell('1')])), '--out', path.join(dir, 'out')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /has no test cells/);
  });

  describe('downhill grade', () => {
    const GRADER_TOKEN = 'grader-token-4f1c9e';
    const work = tempDir('downhill-grade-test-');
    const subs = path.join(work, 'submissions');
    const grades = path.join(work, 'grades');
    let results: Record<string, Record<string, string>>;
    let feedback: Record<string, string>;
    let gradeRun: { code: number; stdout: string; stderr: string };

    before(async () => {
      fs.mkdirSync(subs);
      const pwned = path.join(work, 'pwned.txt');
      save(subs, 'model.ipynb', submission(handedOut, MODEL_ANSWERS));
      save(subs, 'untouched.ipynb', handedOut);
      save(subs, 'partial.ipynb', submission(handedOut, { slope: MODEL_ANSWERS.slope, chooseLearningRate: 'return 0.5;' }, (nb) => {
        // Edits a visible test to pass without an answer, and deletes another.
        const tests = nb.cells.filter((c) => tagsOf(c).includes('tests'));
        tests[1].source = asLines('// rewritten\nconsole.log("all good");');
        nb.cells.splice(nb.cells.indexOf(tests[2]), 1);
      }));
      save(subs, 'reads-secrets.ipynb', submission(handedOut, {
        ...MODEL_ANSWERS,
        slope: [
          "const fs = require('fs');",
          "console.log('<script>alert(1)</script>');",
          `for (const secret of [${JSON.stringify(SOURCE)}, ${JSON.stringify(path.join(subs, 'model.ipynb'))}, ${JSON.stringify(path.join(grades, 'grades.csv'))}, '/etc/passwd']) {`,
          "  try { console.log('LEAKED ' + fs.readFileSync(secret, 'utf8').slice(0, 200)); } catch (e) { console.log('denied ' + (e as any).code); }",
          '}',
          "console.log('grader variable: ' + process.env.DOWNHILL_TEST_GRADER_TOKEN);",
          'return 2 * (w - 2);',
        ].join('\n  '),
      }));
      save(subs, 'writes-outside.ipynb', submission(handedOut, {
        ...MODEL_ANSWERS,
        slope: [
          "const fs = require('fs');",
          `for (const target of [${JSON.stringify(path.join(grades, 'grades.csv'))}, ${JSON.stringify(pwned)}]) {`,
          "  try { fs.writeFileSync(target, 'model.ipynb,0,10'); console.log('WROTE ' + target); } catch (e) { console.log('denied ' + (e as any).code); }",
          '}',
          "try { require('child_process').execSync('touch " + pwned + "'); } catch (e) { console.log('no processes: ' + (e as any).code); }",
          'return 2 * (w - 2);',
        ].join('\n  '),
      }));
      save(subs, 'loops-forever.ipynb', submission(handedOut, { ...MODEL_ANSWERS, descend: 'while (true) {}' }));
      save(subs, 'allocates.ipynb', submission(handedOut, { ...MODEL_ANSWERS, mseGradient: 'const hog: Float64Array[] = [];\n  while (true) hog.push(new Float64Array(1 << 24).fill(1));' }));
      save(subs, 'exits.ipynb', submission(handedOut, { ...MODEL_ANSWERS, descend: 'process.exit(0);' }));
      fs.writeFileSync(path.join(subs, 'not-a-notebook.ipynb'), '{ "cells": ');

      const files = fs.readdirSync(subs).sort().map((f) => path.join(subs, f));
      gradeRun = await cli(['grade', '--source', SOURCE, ...files, '--out', grades, '--jobs', '2', '--timeout', '8', '--memory', '900'], { timeoutMs: 600000, env: { DOWNHILL_TEST_GRADER_TOKEN: GRADER_TOKEN } });
      results = Object.fromEntries(readCsv(path.join(grades, 'grades.csv')).map((r) => [path.basename(r.submission), r]));
      feedback = Object.fromEntries(
        fs.readdirSync(path.join(grades, 'feedback')).map((f) => [f.replace(/-[0-9a-f]{8}\.html$/, '.ipynb'), fs.readFileSync(path.join(grades, 'feedback', f), 'utf8')]),
      );
    });

    it('grades every submission, one row each in grades.csv, even with broken and hostile ones among them', () => {
      assert.equal(gradeRun.code, 0, gradeRun.stderr);
      assert.deepEqual(Object.keys(results).sort(), fs.readdirSync(subs).sort());
      for (const r of Object.values(results)) assert.equal(r.max_score, '10');
    });

    it('the model answers score 10/10; the untouched notebook 0, each check saying "not implemented yet"', () => {
      assert.equal(results['model.ipynb'].score, '10');
      assert.equal(results['untouched.ipynb'].score, '0');
      assert.equal((feedback['untouched.ipynb'].match(/not implemented yet/g) ?? []).length, 8);
    });

    it('edited and deleted test cells are restored from the source, and the notes say so', () => {
      const r = results['partial.ipynb'];
      assert.equal(r.score, '2', 'only the slope checks pass');
      assert.match(r.notes, /the test cell 'one step of lr 0\.1 from w = 5 \(lesson 1's worked example\)' was changed; the original was run instead/);
      assert.match(r.notes, /the test cell 'at \(w, b\) = \(0, 0\): both partial derivatives' was deleted; the original was put back and run/);
      assert.match(feedback['partial.ipynb'], /check failed: sgd\(lr=0\.5\) converged/, 'the failing check says expected vs actual');
    });

    it('a submission cannot read the source, hidden tests, other submissions or the gradebook', () => {
      assert.equal(results['reads-secrets.ipynb'].score, '10', 'its answers still count');
      const page = feedback['reads-secrets.ipynb'];
      assert.match(page, /denied ERR_ACCESS_DENIED/, 'its attempts ran, and what they printed reached the feedback');
      assert.ok(!page.includes('LEAKED'));
      assert.match(page, /grader variable: undefined/, "the grader's environment is not passed on");
      assert.ok(!page.includes(GRADER_TOKEN));
      const hiddenLine = 'for (const w of [-3, 0, 1.5, 2.5, 10])';
      for (const f of fs.readdirSync(grades, { recursive: true }) as string[]) {
        const file = path.join(grades, f);
        if (fs.statSync(file).isFile()) assert.ok(!fs.readFileSync(file, 'utf8').includes(hiddenLine), `${f} holds hidden test code`);
      }
    });

    it('a submission cannot write outside its scratch folder or start a process; the gradebook is intact', () => {
      assert.equal(results['writes-outside.ipynb'].score, '10');
      assert.match(feedback['writes-outside.ipynb'], /denied ERR_ACCESS_DENIED/);
      assert.match(feedback['writes-outside.ipynb'], /no processes: ERR_ACCESS_DENIED/);
      assert.ok(!feedback['writes-outside.ipynb'].includes('WROTE'));
      assert.ok(!fs.existsSync(path.join(work, 'pwned.txt')));
      assert.equal(results['model.ipynb'].score, '10', 'the gradebook row it tried to overwrite');
    });

    it('an endless loop is interrupted at the time limit, scored with the reason, and the later checks still run', () => {
      const r = results['loops-forever.ipynb'];
      assert.equal(r.score, '7', 'every check but the three points of descend');
      assert.equal((feedback['loops-forever.ipynb'].match(/the cell ran longer than 8 s and was interrupted/g) ?? []).length, 2);
    });

    it('unbounded allocation is stopped at the memory limit and scored with the reason', () => {
      const r = results['allocates.ipynb'];
      assert.equal(r.score, '5', 'the slope and descend checks before it');
      assert.match(r.notes, /the kernel used more than 900 MiB of memory/);
      assert.match(feedback['allocates.ipynb'], /not run: the kernel used more than 900 MiB/);
    });

    it('process.exit() is recorded as the end of the run; the checks after it are scored as not run', () => {
      const r = results['exits.ipynb'];
      assert.equal(r.score, '2', 'the slope checks before it');
      assert.match(r.notes, /the kernel died \(exited with code 0\)/);
    });

    it('a file that is not a notebook gets 0 with the reason', () => {
      assert.deepEqual([results['not-a-notebook.ipynb'].score, results['not-a-notebook.ipynb'].status], ['0', 'unreadable']);
      assert.match(results['not-a-notebook.ipynb'].notes, /is not valid JSON/);
    });

    it('feedback escapes what a submission printed', () => {
      assert.ok(feedback['reads-secrets.ipynb'].includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'printed, as text');
      assert.ok(!/<script/i.test(Object.values(feedback).join('')));
    });

    it('resumes: a second run keeps every graded submission and grades only a changed one', async () => {
      const files = fs.readdirSync(subs).sort().map((f) => path.join(subs, f));
      const changed = submission(handedOut, MODEL_ANSWERS, (nb) => nb.cells.push(codeCell('// an extra cell the student added\nconsole.log(1)')));
      save(subs, 'untouched.ipynb', changed);
      const again = await cli(['grade', '--source', SOURCE, ...files, '--out', grades, '--jobs', '2', '--timeout', '8', '--memory', '900'], { timeoutMs: 300000 });
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, new RegExp(`graded 1, kept ${files.length - 1} already graded`));
      assert.equal(readCsv(path.join(grades, 'grades.csv')).find((r) => r.submission.endsWith('untouched.ipynb'))!.score, '10');
    });
  });
});
