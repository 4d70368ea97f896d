// `kindling verify mcq`: the letter by either chain, the optional seeded guess.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../../src/paths.js';

const BIN = join(REPO_ROOT, 'bin', 'kindling.js');
const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

test('cli: verify mcq extracts letters with the chosen chain', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-mcq-'));
  const input = join(dir, 'in.jsonl');
  const rows = [{ response: 'The answer is (C). Final: \\boxed{D}' }, { response: 'no idea', num_options: 4 }];
  writeFileSync(input, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  const parse = (s: string) =>
    s
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
  const official = run(['verify', 'mcq', '--in', input, '--chain', 'official', '--quiet']);
  assert.equal(official.status, 0, official.stderr);
  assert.deepEqual(
    parse(official.stdout).map((o) => o.pred),
    ['C', null],
  );
  const paper = run(['verify', 'mcq', '--in', input, '--out', '-', '--guess-seed', '3', '--quiet']);
  const out = parse(paper.stdout);
  assert.equal(out[0].pred, 'D');
  assert.deepEqual(out[0].response, rows[0]!.response);
  assert.match(out[1].guess, /^[A-D]$/);
  assert.equal(
    parse(run(['verify', 'mcq', '--in', input, '--guess-seed', '3', '--quiet']).stdout)[1].guess,
    out[1].guess,
  );
  assert.match(
    run(['verify', 'mcq', '--in', input, '--chain', 'nope']).stderr,
    /--chain must be 'paper' or 'official'/,
  );
  writeFileSync(input, '{"response": "A", "num_options": 0}\n');
  assert.match(
    run(['verify', 'mcq', '--in', input]).stderr,
    /in\.jsonl:1: field 'num_options' must be an integer in \[1, 26\]/,
  );
});
