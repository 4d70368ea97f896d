// `kindling kk generate|solve|teach` end to end through the real CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT, sharedDataDir } from '../../../src/paths.js';
import { kkPrompt, logicRlFile, paperReward } from '../../../src/tasks/kk/index.js';

const dir = mkdtempSync(join(tmpdir(), 'kk-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function kindling(...args: string[]) {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'kindling.js'), 'kk', ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const jsonl = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('kindling kk', () => {
  it('generate → solve → teach', () => {
    const gen = join(dir, 'gen.jsonl');
    let r = kindling('generate', '--people', '2-3,8', '--per-size', '4', '--seed', '7', '--out', gen);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /wrote 12 puzzles \(2, 3, 8 people\)/);
    assert.match(r.err, /generate +12\/12 \(100%\)/, 'progress lines when not on a TTY');
    const rows = jsonl(gen);
    assert.deepEqual(
      rows.map((x) => (x.names as string[]).length),
      [2, 2, 2, 2, 3, 3, 3, 3, 8, 8, 8, 8],
    );

    const solved = join(dir, 'solved.jsonl');
    // A row without a quiz passes through untouched.
    writeFileSync(join(dir, 'mixed.jsonl'), `${readFileSync(gen, 'utf8')}{"note":"no quiz here"}\n`);
    r = kindling('solve', '--in', join(dir, 'mixed.jsonl'), '--out', solved);
    assert.equal(r.code, 0, r.err);
    const s = jsonl(solved);
    assert.equal(s.length, 13);
    for (const row of s.slice(0, 12)) {
      assert.equal(row.num_solutions, 1);
      assert.equal(row.predicted_solution_text_format, row.solution_text_format);
    }
    assert.deepEqual(s[12], { note: 'no quiz here' });

    const traces = join(dir, 'traces.jsonl');
    r = kindling(
      'teach',
      '--in',
      gen,
      '--in',
      logicRlFile(sharedDataDir(), 5, 'train'),
      '--limit',
      '14',
      '--samples-per-puzzle',
      '2',
      '--seed',
      '3',
      '--out',
      traces,
    );
    assert.equal(r.code, 0, r.err);
    const t = jsonl(traces);
    assert.equal(t.length, 28);
    assert.equal(new Set(t.map((x) => x.id)).size, 28);
    assert.deepEqual(Object.keys(t[0]!), ['id', 'prompt', 'completion', 'correct', 'chars']);
    const gold = rows.map((x) => x.solution_text_format as string);
    t.slice(0, 24).forEach((x, i) => {
      assert.equal(x.correct, true);
      assert.equal(x.chars, (x.completion as string).length);
      assert.equal(paperReward(x.completion as string, gold[i >> 1]!).score, 2);
      assert.equal(x.prompt, kkPrompt(rows[i >> 1]!.quiz as string));
    });
    assert.match(t[24]!.id as string, /^kk-5ppl-100-s0$/);
    assert.notEqual(t[0]!.completion, t[1]!.completion, 'two samples of one puzzle differ');
  });

  it('reports bad input with the file, line and field', () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(
      bad,
      '{"quiz": "A very special island is inhabited only by knights and knaves. Nonsense."}\n{not json\n',
    );
    let r = kindling('solve', '--in', bad, '--out', join(dir, 'x.jsonl'));
    assert.equal(r.code, 1);
    assert.match(r.err, /bad\.jsonl:2: not valid JSON/);
    writeFileSync(bad, '{"quiz": "A very special island is inhabited only by knights and knaves. Nonsense."}\n');
    r = kindling('solve', '--in', bad, '--out', join(dir, 'x.jsonl'));
    assert.match(r.err, /bad\.jsonl:1: field 'quiz': the quiz does not start with the K&K introduction/);
    r = kindling('teach', '--in', bad, '--out', join(dir, 'x.jsonl'));
    assert.match(r.err, /bad\.jsonl:1: field 'solution_text_format' must be a non-empty string/);
    r = kindling('generate', '--people', '1-3', '--out', join(dir, 'x.jsonl'));
    assert.match(r.err, /--people: sizes must be ≥ 2/);
    r = kindling('teach', '--in', join(dir, 'missing.parquet'), '--out', join(dir, 'x.jsonl'));
    assert.match(r.err, /missing\.parquet: no such file/);
  });

  it('has --help for each command', () => {
    for (const cmd of ['generate', 'solve', 'teach']) {
      const r = kindling(cmd, '--help');
      assert.equal(r.code, 0);
      assert.match(r.out, /--out <file>/);
    }
    assert.match(
      kindling('teach', '--help').out,
      /--samples-per-puzzle <n>[\s\S]*--slip-rate <p>[\s\S]*--wrong-rate <p>[\s\S]*--verbosity <level>[\s\S]*--seed <n>/,
    );
  });
});
