import { strict as assert } from 'assert';
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { stubSolutions } from '../src/coursework/authoring';
import { Notebook, asLines, codeCell, joined, newNotebook, readNotebook, serializeNotebook, tagsOf } from '../src/notebook/nbformat';
import { CLI, ROOT, cli, tempDir } from './helpers/notebooks';
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

/** Processes whose command line names a folder under `dir` (a sandbox's kernel, supervisor or bubblewrap). */
function kernelsFrom(dir: string): number[] {
  return fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir + '/');
    } catch {
      return false;
    }
  });
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
      [['grade', '--source', SOURCE, '--out', 'x', '--'], /no submission given/],
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

  describe('downhill grade: hostile submissions among honest ones (--jobs 2, bubblewrap sandbox)', function () {
    // 18 submissions, two at a time: minutes on a busy 2-core machine.
    this.timeout(900000);
    const work = tempDir('downhill-hostile-test-');
    const subs = path.join(work, 'submissions');
    const grades = path.join(work, 'grades');
    // The grader's own temporary folder: the sandboxes' folders go there, so that the test can see that none is left.
    const graderTmp = path.join(work, 'tmp');
    const escaped = path.join(work, 'escaped.txt');
    let results: Record<string, Record<string, string>>;
    let feedback: Record<string, string>;
    let gradeRun: { code: number; stdout: string; stderr: string };
    let secretServer: net.Server;
    const answersWith = (extra: string) => ({ ...MODEL_ANSWERS, slope: `${extra}\n  return 2 * (w - 2);` });

    before(async () => {
      fs.mkdirSync(subs);
      fs.mkdirSync(graderTmp);
      // A native addon whose constructor would leave a mark and say so on stdout, built here.
      const addonSource = path.join(work, 'escape.c');
      fs.writeFileSync(addonSource, `#include <stdio.h>\n__attribute__((constructor)) static void escape(void) { FILE *f = fopen(${JSON.stringify(escaped)}, "w"); if (f) fclose(f); FILE *g = fopen("/proc/self/cwd/ran.txt", "w"); if (g) fclose(g); }\n`);
      execFileSync('gcc', ['-shared', '-fPIC', '-o', path.join(work, 'escape.node'), addonSource]);
      const addon = fs.readFileSync(path.join(work, 'escape.node')).toString('base64');

      save(subs, 'honest-1.ipynb', submission(handedOut, MODEL_ANSWERS));
      save(subs, 'honest-2.ipynb', submission(handedOut, MODEL_ANSWERS));
      save(subs, 'honest-partial.ipynb', submission(handedOut, { slope: MODEL_ANSWERS.slope, chooseLearningRate: MODEL_ANSWERS.chooseLearningRate }));
      save(subs, 'honest-chatty.ipynb', submission(handedOut, { ...MODEL_ANSWERS, descend: `for (let i = 0; i < 5000; i++) console.log('step ' + i);\n  ${MODEL_ANSWERS.descend}` }));
      save(subs, 'native-addon.ipynb', submission(handedOut, answersWith([
        "const fs = require('fs');",
        `fs.writeFileSync('escape.node', Buffer.from('${addon}', 'base64'));`,
        "try { process.dlopen({ exports: {} } as any, process.cwd() + '/escape.node'); } catch (e) { console.log('addon refused: ' + (e as Error).message); }",
        "console.log(fs.existsSync('ran.txt') ? 'ADDON RAN' : 'addon did not run');",
      ].join('\n  '))));
      save(subs, 'signals.ipynb', submission(handedOut, answersWith([
        "console.log('parent ' + process.ppid + ', me ' + process.pid);",
        "for (const pid of [process.ppid, -1, 1, 2, 3]) for (const sig of ['SIGUSR1', 'SIGKILL'] as const) { try { if (pid !== 0 && pid !== process.pid) process.kill(pid, sig); } catch (e) { console.log(`kill ${pid} ${sig}: ${(e as any).code}`); } }",
      ].join('\n  '))));
      save(subs, 'hooks-vm.ipynb', submission(handedOut, {
        slope: "const vm = require('vm');\n  const run = vm.runInThisContext;\n  try { vm.runInThisContext = (code: string, ...rest: any[]) => run(code.replace(/dh\\.check\\.\\w+\\(/g, '(() => undefined)('), ...rest); } catch (e) { console.log('vm: ' + (e as Error).message); }\n  return 0;",
      }));
      save(subs, 'hooks-race.ipynb', submission(handedOut, {
        slope: "try { (Promise as any).race = () => Promise.resolve(); } catch (e) { console.log('race: ' + (e as Error).message); }\n  return 0;",
      }));
      save(subs, 'fake-check.ipynb', submission(handedOut, { slope: 'return 0;' }, (nb) => {
        const fake = "const dh = { check: new Proxy({}, { get: () => () => undefined }) } as any;";
        nb.cells.splice(3, 0, { ...codeCell(fake), id: 'fake-dh' });
      }));
      save(subs, 'flood.ipynb', submission(handedOut, answersWith("const line = 'x'.repeat(1023) + '\\n';\n  for (let i = 0; i < 64 * 1024; i++) process.stdout.write(line);")));
      save(subs, 'writes-1gib.ipynb', submission(handedOut, answersWith([
        "const fs = require('fs');",
        "const mb = Buffer.alloc(1 << 20, 1);",
        "let written = 0;",
        "try { const fd = fs.openSync('big.bin', 'w'); for (let i = 0; i < 1024; i++) { fs.writeSync(fd, mb); written++; } } catch (e) { console.log('stopped at ' + written + ' MiB: ' + (e as any).code); }",
      ].join('\n  '))));
      save(subs, 'no-ids-extra-cell.ipynb', submission(handedOut, MODEL_ANSWERS, (nb) => {
        for (const c of nb.cells) delete c.id;
        nb.cells.splice(6, 0, codeCell("console.log('my own cell');"));
      }));
      save(subs, 'duplicated-id.ipynb', submission(handedOut, MODEL_ANSWERS, (nb) => {
        const stub = handedOut.cells.find((c) => joined(c.source).includes('function slope('))!;
        nb.cells.splice(nb.cells.findIndex((c) => c.id === stub.id) + 1, 0, structuredClone(stub));
      }));
      save(subs, 'recreated-cells.ipynb', submission(handedOut, MODEL_ANSWERS, (nb) => {
        nb.cells.forEach((c, i) => {
          if (joined(c.source).includes('function ')) c.id = `recreated-${i}`;
        });
      }));
      save(subs, '=HYPERLINK("evil")+1.ipynb', submission(handedOut, { slope: MODEL_ANSWERS.slope }));
      save(subs, '-p.ipynb', submission(handedOut, MODEL_ANSWERS));
      // A server of the grader's machine on loopback (as every Jupyter kernel's ports are), and a submission that looks for it.
      secretServer = net.createServer((socket) => socket.end('the secret\n'));
      await new Promise<void>((resolve) => secretServer.listen(0, '127.0.0.1', resolve));
      const port = (secretServer.address() as net.AddressInfo).port;
      save(subs, 'sniffer.ipynb', submission(handedOut, answersWith('console.log((globalThis as any).heard);'), (nb) => {
        nb.cells.splice(1, 0, codeCell([
          "import * as net from 'net';",
          `const heard = await new Promise<string>((resolve) => {`,
          `  const s = net.connect(${port}, '127.0.0.1', () => s.once('data', (d) => resolve('CONNECTED: ' + d)));`,
          "  s.on('error', (e) => resolve('no network: ' + (e as any).code));",
          "  setTimeout(() => resolve('no network: timed out'), 3000);",
          '});',
          '(globalThis as any).heard = heard;',
        ].join('\n')));
      }));

      const files = fs.readdirSync(subs).sort();
      gradeRun = await cli(['grade', '--source', SOURCE, '--out', grades, '--jobs', '2', '--timeout', '20', '--memory', '900', '--', ...files], {
        cwd: subs, timeoutMs: 900000, env: { TMPDIR: graderTmp },
      });
      results = Object.fromEntries(readCsv(path.join(grades, 'grades.csv')).map((r) => [path.basename(r.submission.replace(/^'/, '')), r]));
      feedback = Object.fromEntries(
        fs.readdirSync(path.join(grades, 'feedback')).map((f) => [f.replace(/-[0-9a-f]{8}\.html$/, ''), fs.readFileSync(path.join(grades, 'feedback', f), 'utf8')]),
      );
    });

    after(() => secretServer?.close());

    const page = (name: string) => feedback[name.replace(/\.ipynb$/, '').replace(/[^\w.-]+/g, '_')];

    it('has no network: a server on the grader\'s loopback (where TCP kernels listen) cannot be reached; its answers count', () => {
      assert.equal(results['sniffer.ipynb'].score, '10');
      const text = page('sniffer.ipynb');
      assert.match(text, /no network: (ECONNREFUSED|ENETUNREACH|EACCES|EPERM|timed out)/);
      assert.doesNotMatch(text, /CONNECTED|the secret/);
    });

    it('grades every submission; honest ones get exactly their marks', () => {
      assert.equal(gradeRun.code, 0, gradeRun.stderr);
      assert.equal(Object.keys(results).length, fs.readdirSync(subs).length);
      for (const name of ['honest-1.ipynb', 'honest-2.ipynb', 'honest-chatty.ipynb', '-p.ipynb']) assert.deepEqual([name, results[name].score, results[name].status], [name, '10', 'graded']);
      assert.equal(results['honest-partial.ipynb'].score, '4');
    });

    it("a native addon written to the scratch folder cannot be loaded (noexec): nothing of it runs", () => {
      assert.equal(results['native-addon.ipynb'].score, '10');
      assert.match(page('native-addon.ipynb'), /addon refused: .*(failed to map segment|[Oo]peration not permitted|[Pp]ermission denied)/);
      assert.match(page('native-addon.ipynb'), /addon did not run/);
      assert.ok(!fs.existsSync(escaped));
    });

    it('signals reach nothing outside the sandbox (its own PID namespace): the grader keeps going', () => {
      assert.equal(results['signals.ipynb'].score, '10');
      assert.match(page('signals.ipynb'), /parent 0, me 1/);
    });

    it('hooks on vm and Promise.race have no effect, and replacing dh is flagged, never rewarded', () => {
      assert.equal(results['hooks-vm.ipynb'].score, '0');
      assert.equal(results['hooks-race.ipynb'].score, '0');
      const fake = results['fake-check.ipynb'];
      assert.deepEqual([fake.score, fake.status], ['0', 'flagged']);
      assert.match(fake.notes, /the submission replaced dh \(the name the tests use\) before the test 'slope at w = 5 and at the minimum'/);
      assert.match(page('fake-check.ipynb'), /not counted: the submission replaced/);
    });

    it('an output flood is cut by the kernel, and the notes say so; its answers still count', () => {
      assert.deepEqual([results['flood.ipynb'].score, results['flood.ipynb'].status], ['10', 'graded']);
      assert.match(results['flood.ipynb'].notes, /the output of \d+ cells? (was|were) cut at the output limit/);
      assert.ok(!/cut at the output limit/.test(results['honest-chatty.ipynb'].notes), '5000 lines are within the limit');
    });

    it('a 1 GiB write stops at the scratch folder\'s size; its answers still count; results stay small', () => {
      assert.equal(results['writes-1gib.ipynb'].score, '10');
      assert.match(page('writes-1gib.ipynb'), /stopped at 6[45] MiB: (ENOSPC|EFBIG)/);
      for (const f of fs.readdirSync(path.join(grades, 'results'))) assert.ok(fs.statSync(path.join(grades, 'results', f)).size < 1 << 20, `${f} is small`);
    });

    it('cells are matched without ids, with a duplicated id, and re-created with new ids; the notes say how', () => {
      for (const name of ['no-ids-extra-cell.ipynb', 'duplicated-id.ipynb', 'recreated-cells.ipynb']) assert.equal(results[name].score, '10', name);
      assert.match(results['no-ids-extra-cell.ipynb'].notes, /cells without a usable id .* were matched to the handout by content/);
      assert.match(results['no-ids-extra-cell.ipynb'].notes, /1 cell of the submission matched no handed-out cell/);
      assert.match(results['duplicated-id.ipynb'].notes, /appears 2 times in the submission/);
      assert.match(results['duplicated-id.ipynb'].notes, /untouched copy .* left out/);
      assert.match(results['recreated-cells.ipynb'].notes, /matched to the handout by content/);
    });

    it('grades.csv neutralises fields a spreadsheet would read as formulas; -- let a file named -p.ipynb through', () => {
      const csv = fs.readFileSync(path.join(grades, 'grades.csv'), 'utf8');
      assert.ok(csv.includes(`"'=HYPERLINK(""evil"")+1.ipynb"`), csv);
      assert.ok(csv.split('\n').some((l) => l.startsWith("'-p.ipynb,10,")), csv);
      assert.ok(!/^[=+@-]/m.test(csv.split('\n').slice(1).join('\n')));
    });

    it('leaves no sandbox folder or kernel behind', () => {
      assert.deepEqual(fs.readdirSync(graderTmp), []);
      assert.equal(kernelsFrom(graderTmp).length, 0);
    });
  });

  describe('downhill grade: the sandbox is required, limits key resume, nothing is left on SIGTERM', () => {
    const work = tempDir('downhill-grade-infra-');
    const model = path.join(work, 'model.ipynb');
    before(() => save(work, 'model.ipynb', submission(handedOut, MODEL_ANSWERS)));

    it('refuses to grade without bubblewrap, and says what to do; --unsafe-no-sandbox grades under the permission model', async () => {
      const r = await cli(['grade', '--source', SOURCE, model, '--out', path.join(work, 'refused')], { env: { DOWNHILL_BWRAP: '/nonexistent/bwrap' } });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /bubblewrap sandbox, which cannot run here/);
      assert.match(r.stderr, /apt-get install bubblewrap.*--unsafe-no-sandbox/s);
      assert.ok(!fs.existsSync(path.join(work, 'refused', 'grades.csv')));
      const unsafe = await cli(['grade', '--source', SOURCE, model, '--out', path.join(work, 'unsafe'), '--unsafe-no-sandbox'], { env: { DOWNHILL_BWRAP: '/nonexistent/bwrap' }, timeoutMs: 300000 });
      assert.equal(unsafe.code, 0, unsafe.stderr);
      assert.equal(readCsv(path.join(work, 'unsafe', 'grades.csv'))[0].score, '10');
    });

    it('resume grades again when --timeout or --memory changed', async () => {
      const out = path.join(work, 'resume');
      const first = await cli(['grade', '--source', SOURCE, model, '--out', out, '--timeout', '30'], { timeoutMs: 300000 });
      assert.match(first.stdout, /graded 1, kept 0/);
      const same = await cli(['grade', '--source', SOURCE, model, '--out', out, '--timeout', '30'], { timeoutMs: 300000 });
      assert.match(same.stdout, /graded 0, kept 1/);
      const changed = await cli(['grade', '--source', SOURCE, model, '--out', out, '--timeout', '31'], { timeoutMs: 300000 });
      assert.match(changed.stdout, /graded 1, kept 0/);
    });

    it('a kernel that did not start is tried again, not scored 0; when every try fails the row has no score and resume grades it again', async () => {
      // A bubblewrap that fails on chosen calls (call 1 is the grader's check that the sandbox works).
      const flakyBwrap = (name: string, failing: number[]) => {
        const counter = path.join(work, `${name}.calls`);
        const script = path.join(work, `${name}.sh`);
        const cases = failing.length ? `case " ${failing.join(' ')} " in *" $n "*) echo "bwrap: call $n fails on purpose" >&2; exit 1;; esac\n` : '';
        fs.writeFileSync(script, `#!/bin/sh\nn=$(($(cat ${counter} 2>/dev/null || echo 0) + 1))\necho $n > ${counter}\n${cases}exec /usr/bin/bwrap "$@"\n`, { mode: 0o755 });
        return script;
      };
      const once = path.join(work, 'retried');
      const r = await cli(['grade', '--source', SOURCE, model, '--out', once], { env: { DOWNHILL_BWRAP: flakyBwrap('once', [2]) }, timeoutMs: 300000 });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /grading failed \([\s\S]*bwrap: call 2 fails on purpose[\s\S]*\); trying again/);
      const row = readCsv(path.join(once, 'grades.csv'))[0];
      assert.deepEqual([row.score, row.status], ['10', 'graded']);

      const never = path.join(work, 'never');
      const failed = await cli(['grade', '--source', SOURCE, model, '--out', never], { env: { DOWNHILL_BWRAP: flakyBwrap('never', [2, 3, 4, 5, 6, 7]) }, timeoutMs: 300000 });
      const broken = readCsv(path.join(never, 'grades.csv'))[0];
      assert.deepEqual([broken.score, broken.status], ['', 'error'], failed.stderr);
      assert.match(broken.notes, /grading failed/);
      const again = await cli(['grade', '--source', SOURCE, model, '--out', never], { env: { DOWNHILL_BWRAP: flakyBwrap('later', []) }, timeoutMs: 300000 });
      assert.match(again.stdout, /graded 1, kept 0/, again.stderr);
      assert.equal(readCsv(path.join(never, 'grades.csv'))[0].score, '10');
    });

    it('a grader stopped by SIGTERM mid-run leaves no kernel and no sandbox folder', async () => {
      const tmp = path.join(work, 'tmp-sigterm');
      fs.mkdirSync(tmp);
      const slow = save(work, 'slow.ipynb', submission(handedOut, { ...MODEL_ANSWERS, descend: 'while (true) {}' }));
      const grader = spawn(process.execPath, [CLI, 'grade', '--source', SOURCE, slow, '--out', path.join(work, 'sigterm'), '--timeout', '60'], { env: { ...process.env, TMPDIR: tmp }, stdio: 'ignore' });
      const exited = new Promise<number | null>((resolve) => grader.on('exit', (code) => resolve(code)));
      const deadline = Date.now() + 120000;
      while (kernelsFrom(tmp).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      assert.ok(kernelsFrom(tmp).length > 0, 'a kernel started');
      await new Promise((r) => setTimeout(r, 3000));
      grader.kill('SIGTERM');
      assert.equal(await exited, 143);
      for (let i = 0; i < 20 && kernelsFrom(tmp).length; i++) await new Promise((r) => setTimeout(r, 250));
      assert.deepEqual(kernelsFrom(tmp), []);
      assert.deepEqual(fs.readdirSync(tmp), []);
    });
  });
});
