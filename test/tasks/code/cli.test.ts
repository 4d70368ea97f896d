// `kindling verify code`: rows judged in the sandbox and echoed byte-exact (big integers, NaN)
// with the verdict fields; progress on stderr; bad input named by file, line and field.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../../src/paths.js';
import { loadHumanEval, loadHumanEvalPlus, referenceProgram } from '../../../src/tasks/code/index.js';
import { kindlingAsync } from '../../cli/run.js';

const BIN = join(REPO_ROOT, 'bin', 'kindling.js');
const dir = mkdtempSync(join(tmpdir(), 'kindling-verify-code-'));

test('cli: verify code judges evalplus and HumanEval rows and echoes every row unchanged', async () => {
  const plus = loadHumanEvalPlus().find((p) => p.task_id === 'HumanEval/53')!;
  const he = loadHumanEval().find((p) => p.task_id === 'HumanEval/53')!;
  const raw = readFileSync(
    join(REPO_ROOT, '..', 'shared', 'data', 'humanevalplus', 'HumanEvalPlus.jsonl'),
    'utf8',
  ).split('\n')[53]!;
  const withCompletion = (line: string, program: string, extra = '') =>
    `${line.slice(0, -1)}${extra}, "completion": ${JSON.stringify(program)}}`;
  const heRow = JSON.stringify({
    task_id: he.task_id,
    prompt: he.prompt,
    entry_point: he.entry_point,
    canonical_solution: he.canonical_solution,
    test: he.test,
  });
  const lines = [
    withCompletion(raw, referenceProgram(plus), ', "note": NaN, "seed": 123456789012345678901234567890'),
    withCompletion(raw, `${plus.prompt}    return None\n`),
    withCompletion(heRow, referenceProgram(he)),
    withCompletion(
      '{"task_id": "S/1", "prompt": "", "entry_point": "f", "canonical_solution": "import math\\ndef f(x):\\n    return math.isinf(x)\\n", "base_input": [[Infinity], [-Infinity], [NaN]], "plus_input": [[1.5]], "atol": 0}',
      'def f(x):\n    return x in (float("inf"), float("-inf"))\n',
    ),
  ];
  const input = join(dir, 'in.jsonl');
  writeFileSync(input, `${lines.join('\n')}\n`);
  const r = await kindlingAsync([
    'verify',
    'code',
    '--in',
    input,
    '--concurrency',
    '2',
    '--cache-dir',
    join(dir, 'cache'),
  ]);
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout.trim().split('\n');
  assert.equal(out.length, 4);
  // Echo: the original members' text is kept exactly (the big integer and NaN are not rewritten).
  assert.ok(out[0]!.includes('"note": NaN, "seed": 123456789012345678901234567890'));
  assert.ok(out[0]!.startsWith(raw.slice(0, -1)));
  const verdict = (line: string) => {
    const tail = line.slice(line.indexOf(', "base_passed"') + 2);
    return JSON.parse(`{${tail}`);
  };
  assert.deepEqual(verdict(out[0]!), {
    base_passed: true,
    plus_passed: true,
    passed: true,
    status: 'pass',
    base_status: 'pass',
    plus_status: 'pass',
    detail: '',
  });
  const v1 = verdict(out[1]!);
  assert.equal(v1.passed, false);
  assert.equal(v1.status, 'fail');
  assert.match(v1.detail, /^base: input 1 of \d+: expected \d+, got None$/);
  assert.deepEqual(verdict(out[2]!), {
    base_passed: true,
    plus_passed: null,
    passed: true,
    status: 'pass',
    base_status: 'pass',
    plus_status: null,
    detail: '',
  });
  assert.equal(verdict(out[3]!).passed, true, 'Infinity/NaN inputs reach Python as floats');
  assert.match(r.stderr, /verify code\s+4\/4/);
});

test('cli: verify code names the file, line and field of bad input', async () => {
  const input = join(dir, 'bad.jsonl');
  writeFileSync(
    input,
    '{"task_id": "X", "entry_point": "f", "canonical_solution": "", "test": "pass", "completion": "x"}\n\n{"task_id": "Y", "entry_point": "f", "canonical_solution": "", "test": "pass"}\n',
  );
  const r = await kindlingAsync(['verify', 'code', '--in', input]);
  assert.equal(r.status, 1);
  assert.match(
    r.stderr,
    new RegExp(
      `${input.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: field 'completion' must be a string \\(a full program\\) \\(missing\\)`,
    ),
  );
  assert.equal(r.stdout, '');
  const missing = await kindlingAsync(['verify', 'code', '--in', join(dir, 'nope.jsonl')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nope\.jsonl: cannot read/);
});

test('cli: verify code --help lists the documented options', () => {
  const r = spawnSync(process.execPath, [BIN, 'verify', 'code', '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  for (const opt of [
    '--in <file>',
    '--out <file>',
    '--concurrency <n>',
    '--memory-mb <n>',
    '--min-time-limit-ms <n>',
    '--time-limit-factor <x>',
    '--sample-cap-ms <n>',
    '--no-strict-types',
    '--cache-dir <dir>',
    '--no-cache',
    '--quiet',
  ])
    assert.ok(r.stdout.includes(opt), opt);
  const docs = readFileSync(join(REPO_ROOT, 'docs', 'sandbox.md'), 'utf8');
  for (const opt of [
    '--concurrency',
    '--memory-mb',
    '--min-time-limit-ms',
    '--time-limit-factor',
    '--sample-cap-ms',
    '--no-strict-types',
    '--cache-dir',
    '--no-cache',
  ])
    assert.ok(docs.includes(opt), `docs/sandbox.md documents ${opt}`);
});
