// HumanEval+ and HumanEval loaders on the real files, and clear errors for bad rows.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedDataDir } from '../../../src/paths.js';
import { loadHumanEval, loadHumanEvalPlus, parseCodeRow, readJsonlText } from '../../../src/tasks/code/index.js';
import { PYTHON } from '../../peers.js';

test('dataset: HumanEval+ has 164 problems with base and plus inputs, read in place', () => {
  const ps = loadHumanEvalPlus();
  assert.equal(ps.length, 164);
  assert.deepEqual(
    ps.slice(0, 3).map((p) => p.task_id),
    ['HumanEval/0', 'HumanEval/1', 'HumanEval/2'],
  );
  for (const p of ps) {
    assert.equal(p.id, p.task_id);
    assert.ok(p.n_base > 0 && p.n_plus > 0, p.task_id);
    assert.ok(p.prompt.includes(`def ${p.entry_point}`), p.task_id);
  }
  assert.equal(
    ps.reduce((s, p) => s + p.n_base + p.n_plus, 0),
    1570 + 122683,
  );
  assert.deepEqual(
    ps.filter((p) => p.atol !== 0).map((p) => [p.task_id, p.atol]),
    [
      ['HumanEval/2', 1e-6],
      ['HumanEval/4', 1e-6],
      ['HumanEval/32', 1e-4],
    ],
  );
});

test('dataset: test inputs keep their exact text, big integers included (as Python reads them)', () => {
  const p = loadHumanEvalPlus().find((q) => q.task_id === 'HumanEval/53')!;
  const r = spawnSync(
    PYTHON,
    ['-c', 'import json,sys; v=json.loads(sys.stdin.read()); print(max(abs(a) for args in v for a in args))'],
    { input: p.plus_input_json!, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  const biggest = BigInt(r.stdout.trim());
  assert.ok(biggest > 2n ** 53n, 'HumanEval/53 has integers beyond 2^53');
  assert.ok(p.plus_input_json!.includes(biggest.toString()), 'and they are kept digit for digit');
});

test('dataset: the .jsonl.gz copy reads the same as the .jsonl', () => {
  const dir = join(sharedDataDir(), 'humanevalplus');
  assert.equal(
    readJsonlText(join(dir, 'HumanEvalPlus-v0.1.10.jsonl.gz')),
    readJsonlText(join(dir, 'HumanEvalPlus.jsonl')),
  );
});

test('dataset: original HumanEval has 164 problems with test programs and no evalplus inputs', () => {
  const ps = loadHumanEval();
  assert.equal(ps.length, 164);
  for (const p of ps) {
    assert.ok(p.test?.includes('def check(candidate)'), p.task_id);
    assert.equal(p.base_input_json, null);
  }
});

test('dataset: NaN/Infinity in inputs load; bad rows fail naming file, line and field', () => {
  const ok = parseCodeRow(
    '{"task_id": "X/1", "prompt": "", "entry_point": "f", "canonical_solution": "def f(x): return x", "base_input": [[NaN], [-Infinity]], "plus_input": [], "atol": 0}',
    'f.jsonl:1',
  );
  assert.equal(ok.problem.base_input_json, '[[NaN], [-Infinity]]');
  assert.equal(ok.problem.n_base, 2);
  const bad: [string, RegExp][] = [
    ['{"task_id": 3}', /f\.jsonl:7: field 'task_id' must be a string/],
    [
      '{"task_id": "X", "entry_point": "f", "canonical_solution": ""}',
      /needs 'base_input' and 'plus_input' \(HumanEval\+\) or 'test'/,
    ],
    [
      '{"task_id": "X", "entry_point": "f", "canonical_solution": "", "base_input": []}',
      /'base_input' and 'plus_input' must come together/,
    ],
    [
      '{"task_id": "X", "entry_point": "f", "canonical_solution": "", "base_input": [1], "plus_input": []}',
      /field 'base_input' item 0 must be a list of arguments/,
    ],
    [
      '{"task_id": "X", "entry_point": "f g", "canonical_solution": "", "test": "t"}',
      /field 'entry_point' must be a Python identifier/,
    ],
    [
      '{"task_id": "X", "entry_point": "f", "canonical_solution": "", "test": "t", "atol": -1}',
      /field 'atol' must be a non-negative number/,
    ],
    ['{"task_id": "X",', /f\.jsonl:7: not a JSON object/],
  ];
  for (const [line, re] of bad) assert.throws(() => parseCodeRow(line, 'f.jsonl:7'), re);
  const dir = mkdtempSync(join(tmpdir(), 'kindling-ds-'));
  const file = join(dir, 'dup.jsonl');
  const row = '{"task_id": "X", "entry_point": "f", "canonical_solution": "", "test": "t"}';
  writeFileSync(file, `${row}\n\n${row}\n`);
  assert.throws(() => loadHumanEval(file), /task_id 'X' appears twice/);
  assert.throws(() => loadHumanEvalPlus(join(dir, 'missing.jsonl')), /missing\.jsonl: no such file/);
});
