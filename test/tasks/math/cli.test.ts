// `kindling verify math`: rows echoed with fields added, to stdout or a file; bad input named.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../../src/paths.js';

const BIN = join(REPO_ROOT, 'bin', 'kindling.js');
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

test('cli: verify math judges each row and echoes it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-verify-'));
  const input = join(dir, 'in.jsonl');
  const rows = [
    { id: 7, gold: '\\frac{14}{3}', pred: 'so the answer is $\\boxed{\\dfrac{14}{3}}$' },
    { gold: '5', pred: 'It is 6.' },
    { gold: 'x^2+2x+1', pred: 'The final answer is $(x+1)^2$. I hope it is correct.' },
  ];
  writeFileSync(input, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  const r = run(['verify', 'math', '--in', input, '--concurrency', '2']);
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    out.map((o) => o.equivalent),
    [true, false, true],
  );
  assert.deepEqual(out[0], {
    ...rows[0],
    equivalent: true,
    pred_extracted: '\\frac{14}{3}',
    gold_extracted: '\\frac{14}{3}',
    reason: 'equal:string',
  });
  assert.equal(out[1].pred_extracted, '6');
  assert.match(r.stderr, /verify math +3\/3 \(100%\)/);

  const file = join(dir, 'out.jsonl');
  const w = run(['verify', 'math', '--in', input, '--out', file, '--quiet']);
  assert.equal(w.status, 0, w.stderr);
  assert.equal(w.stdout, '');
  assert.equal(w.stderr, '');
  assert.equal(readFileSync(file, 'utf8').trim().split('\n').length, 3);
});

test('cli: verify math names the file, line and field of bad input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-verify-'));
  const input = join(dir, 'bad.jsonl');
  writeFileSync(input, '{"gold": "1", "pred": "1"}\n{"gold": "1"}\n');
  const r = run(['verify', 'math', '--in', input]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bad\.jsonl:2: field 'pred' must be a string \(missing\)/);
  writeFileSync(input, 'not json\n');
  assert.match(run(['verify', 'math', '--in', input]).stderr, /bad\.jsonl:1: not JSON/);
  assert.match(run(['verify', 'math', '--in', join(dir, 'missing.jsonl')]).stderr, /missing\.jsonl: cannot read/);
  const help = run(['verify', 'math', '--help']);
  assert.match(help.stdout, /--timeout-ms/);
});

test("cli: verify math's knobs change verdicts as math-verify's do; a bad knob is named", () => {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-verify-'));
  const input = join(dir, 'knobs.jsonl');
  const rows = [
    { gold: '0.125', pred: '\\boxed{0.12}' }, // equal only at --float-rounding 2 (a tie goes to the even digit)
    { gold: 'x+1', pred: '\\boxed{y+1}' }, // equal only with --no-strict
    { gold: '(1,2)', pred: '\\boxed{1<x<2}' }, // equal only with --allow-set-relation-comp
    { gold: '12', pred: 'The count is 12.' }, // found only when plain expressions are searched
  ];
  writeFileSync(input, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  const verdicts = (...flags: string[]) => {
    const r = run(['verify', 'math', '--in', input, '--quiet', ...flags]);
    assert.equal(r.status, 0, r.stderr);
    return r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).equivalent);
  };
  assert.deepEqual(verdicts(), [false, false, false, true]);
  assert.deepEqual(
    verdicts('--float-rounding', '2', '--no-strict', '--allow-set-relation-comp', '--extraction', 'latex'),
    [true, true, true, false],
  );
  assert.deepEqual(verdicts('--extraction', 'expr,latex', '--concurrency', '2'), [false, false, false, true]);
  const bad = run(['verify', 'math', '--in', input, '--float-rounding', '16']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--float-rounding must be an integer in \[0, 15\], got '16'/);
  assert.match(
    run(['verify', 'math', '--in', input, '--extraction', 'boxed']).stderr,
    /--extraction must be latex, expr or latex,expr; got 'boxed'/,
  );
  const help = run(['verify', 'math', '--help']).stdout;
  for (const flag of ['--float-rounding', '--no-strict', '--allow-set-relation-comp', '--extraction'])
    assert.match(help, new RegExp(flag));
});
