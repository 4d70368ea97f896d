// `kindling generate`: the printed completions are the library's generate() on the same folder with
// the same options; seeded runs repeat; stop strings and --help work.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { generate } from '../../src/generate/index.js';
import { loadModel } from '../../src/model/index.js';
import { loadTokenizer } from '../../src/tokenizer/index.js';
import { tinyModelFolder } from '../serve/fixture.js';
import { kindling, kindlingOk } from './run.js';

const { dir, cleanup } = tinyModelFolder('gen');
after(cleanup);

interface Printed {
  seed: number;
  completions: {
    text: string;
    token_ids: number[];
    logprobs: number[];
    finish_reason: string;
    stop: string | null;
    prompt_tokens: number;
  }[][];
}

describe('kindling generate', () => {
  it('--json: n samples of several prompts, equal to generate() at the same seed, reproducible', () => {
    const args = [
      'generate',
      '--model',
      dir,
      '--prompt',
      'Knights',
      '--prompt',
      'A knave says',
      '--n',
      '3',
      '--max-new-tokens',
      '10',
      '--temperature',
      '0.9',
      '--top-k',
      '40',
      '--seed',
      '21',
      '--json',
    ];
    const a = JSON.parse(kindlingOk(args)) as Printed;
    const b = JSON.parse(kindlingOk(args)) as Printed;
    assert.deepEqual(a, b);
    assert.equal(a.seed, 21);
    const ref = generate(loadModel(dir), loadTokenizer(dir), ['Knights', 'A knave says'], {
      n: 3,
      maxNewTokens: 10,
      temperature: 0.9,
      topK: 40,
      seed: 21,
    });
    assert.deepEqual(
      a.completions.map((p) => p.map((c) => [c.text, c.token_ids, c.finish_reason])),
      ref.map((p) => p.map((c) => [c.text, c.tokenIds, c.finishReason])),
    );
    for (const [i, c] of a.completions.flat().entries())
      for (const [t, lp] of c.logprobs.entries()) assert.ok(Math.abs(lp - ref.flat()[i]!.logprobs[t]!) < 1e-4);
  });

  it('prints the bare text for one prompt; --stop trims at the stop string', () => {
    const greedy = JSON.parse(
      kindlingOk([
        'generate',
        '--model',
        dir,
        '--prompt',
        'Hello',
        '--temperature',
        '0',
        '--max-new-tokens',
        '30',
        '--json',
      ]),
    ) as Printed;
    const text = greedy.completions[0]![0]!.text;
    const plain = kindlingOk([
      'generate',
      '--model',
      dir,
      '--prompt',
      'Hello',
      '--temperature',
      '0',
      '--max-new-tokens',
      '30',
    ]);
    assert.equal(plain, `${text}\n`);
    const i = [...Array(text.length).keys()].find((j) => j >= 3 && /^[!-~]{2}$/.test(text.slice(j, j + 2)))!;
    const stop = text.slice(i, i + 2);
    const stopped = JSON.parse(
      kindlingOk([
        'generate',
        '--model',
        dir,
        '--prompt',
        'Hello',
        '--temperature',
        '0',
        '--max-new-tokens',
        '30',
        '--stop',
        stop,
        '--json',
      ]),
    ) as Printed;
    const c = stopped.completions[0]![0]!;
    assert.equal(c.finish_reason, 'stop');
    assert.equal(c.stop, stop);
    assert.equal(c.text, text.slice(0, text.indexOf(stop)));
  });

  it('rejects bad options with the option name; --help lists the sampling options', () => {
    assert.match(
      kindling(['generate', '--model', dir, '--prompt', 'x', '--top-p', '2']).stderr,
      /--top-p must be a number in \[0, 1\]/,
    );
    assert.match(
      kindling(['generate', '--model', dir, '--prompt', 'x', '--n', '0']).stderr,
      /--n must be an integer ≥ 1/,
    );
    assert.match(kindling(['generate', '--model', '/nonexistent', '--prompt', 'x']).stderr, /not found|does not exist/);
    const help = kindlingOk(['generate', '--help']);
    for (const o of [
      '--prompt',
      '--n',
      '--temperature',
      '--top-p',
      '--top-k',
      '--min-p',
      '--max-new-tokens',
      '--stop',
      '--seed',
      '--json',
    ])
      assert.ok(help.includes(o), o);
  });
});
