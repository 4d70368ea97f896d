// `kindling eval` end to end: a real model folder, real tasks, the files it writes, its errors.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readResults } from '../../src/eval/results.js';
import { kindling } from '../cli/run.js';
import { tinyModelDir } from './helpers.js';

describe('kindling eval', () => {
  const root = mkdtempSync(join(tmpdir(), 'kindling-eval-cli-'));
  const base = tinyModelDir(root, 'base', 1);
  const warm = tinyModelDir(root, 'warm', 2);

  it('--help documents the protocol defaults and the selectors', () => {
    const r = kindling(['eval', '--help']);
    assert.equal(r.status, 0);
    for (const s of [
      '--trials <n>',
      '(default: 4)',
      '(default: 0.7)',
      '(default: 0.95)',
      '(default: 4096)',
      'mmlu-pro[:physics,history]',
      'kk[:3-7]',
      '--limit',
      'samples.jsonl',
    ])
      assert.ok(r.stdout.includes(s), `help mentions ${s}`);
  });

  it('evaluates two models on two tasks and writes samples, results and comparisons', () => {
    const out = join(root, 'run');
    const r = kindling([
      'eval',
      '--model',
      `base=${base},warmup=${warm}`,
      '--tasks',
      'kk:3,4,mmlu-pro:physics,history',
      '--limit',
      '4',
      '--max-new-tokens',
      '16',
      '--out',
      out,
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /kk:3,4: 4 examples \(of 200\)/);
    assert.match(
      r.stderr,
      /^eval {2}64\/64 \(100%\) {2}.*samples\/s/m,
      'plain progress lines when stderr is not a terminal',
    );
    assert.match(r.stdout, /warmup − base/);
    const res = readResults(out);
    assert.deepEqual(
      res.tasks.map((t) => t.selector),
      ['kk:3,4', 'mmlu-pro:history,physics'],
    );
    assert.equal(res.results.length, 4);
    assert.equal(res.comparisons.length, 2);
    assert.deepEqual(res.protocol, {
      trials: 4,
      temperature: 0.7,
      topP: 0.95,
      topK: 0,
      maxTotalTokens: 4096,
      maxNewTokens: 16,
      stop: null,
      seed: 0,
    });
    const kk = res.results.find((x) => x.model === 'base' && x.name === 'kk')!;
    assert.deepEqual(
      kk.categories.map((c) => [c.category, c.examples]),
      [
        ['3ppl', 2],
        ['4ppl', 2],
      ],
    );
    const lines = readFileSync(join(out, 'samples.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 64);
    const s = lines[0];
    for (const f of [
      'task',
      'example_id',
      'trial',
      'prompt',
      'completion',
      'extracted',
      'correct',
      'reward',
      'completion_tokens',
      'finish_reason',
    ])
      assert.ok(f in s, `sample has ${f}`);
    assert.ok(lines.every((l) => l.completion_tokens <= 16));
    assert.ok(
      lines.every((l) => l.prompt.endsWith('Assistant: <think>\n    ') || l.prompt.endsWith('Assistant: <think>')),
    );
  });

  it('refuses to resume a folder with other sampling settings or another model under the same label', () => {
    const out = join(root, 'run');
    const r = kindling([
      'eval',
      '--model',
      `base=${base}`,
      '--tasks',
      'kk:3,4',
      '--limit',
      '4',
      '--max-new-tokens',
      '16',
      '--temperature',
      '1',
      '--out',
      out,
    ]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /run\.json: this folder was evaluated with other settings \(temperature was 0\.7, now 1\)/);
    const r2 = kindling([
      'eval',
      '--model',
      `base=${warm}`,
      '--tasks',
      'kk:3,4',
      '--limit',
      '4',
      '--max-new-tokens',
      '16',
      '--out',
      out,
    ]);
    assert.equal(r2.status, 1);
    assert.match(r2.stderr, /label 'base' was evaluated from .*base, now .*warm/);
  });

  it('bad input fails with a clear message', () => {
    const cases: [string[], RegExp][] = [
      [['eval', '--model', base, '--tasks', 'gsm8k', '--out', join(root, 'x')], /unknown task 'gsm8k'/],
      [
        ['eval', '--model', `a=${base},a=${warm}`, '--tasks', 'kk', '--out', join(root, 'x')],
        /two models are labelled 'a'/,
      ],
      [
        ['eval', '--model', join(root, 'missing'), '--tasks', 'kk:3', '--limit', '1', '--out', join(root, 'y')],
        /missing/,
      ],
      [
        ['eval', '--model', base, '--tasks', 'kk', '--trials', '0', '--out', join(root, 'x')],
        /--trials must be an integer ≥ 1/,
      ],
      [
        ['eval', '--model', base, '--tasks', 'kk', '--top-p', '1.5', '--out', join(root, 'x')],
        /--top-p must be a number in/,
      ],
    ];
    for (const [args, re] of cases) {
      const r = kindling(args);
      assert.notEqual(r.status, 0, args.join(' '));
      assert.match(r.stderr, re, args.join(' '));
    }
  });
});
