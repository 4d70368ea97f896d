import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generate } from '../../src/generate/index.js';
import { initModel } from '../../src/model/index.js';
import { byteLevelTokenizer } from '../../src/tokenizer/index.js';
import * as torch from '../../src/torch/index.js';
import { tinyQwen2 } from '../tiny-model.js';

const tok = byteLevelTokenizer();
const model = initModel(tinyQwen2({ initializer_range: 0.2 }), { seed: 1 });

/** log p of each token of `completion` after `prompt`, from one full forward (no cache, no padding). */
function fullForwardLogprobs(prompt: number[], completion: number[]): number[] {
  return torch.noGrad(() =>
    torch.scope(() => {
      const ids = [...prompt, ...completion];
      const logits = model
        .forward(torch.tensor([ids], { dtype: 'int64' }))
        .select(0, 0)
        .logSoftmax(-1);
      return completion.map((t, i) =>
        logits
          .select(0, prompt.length - 1 + i)
          .select(0, t)
          .item(),
      );
    }),
  );
}

describe('generation', () => {
  it('KV-cache decoding gives the same log-probs as a full forward', () => {
    const prompt = tok.encode('The knights and the knaves');
    const [c] = generate(model, tok, [prompt], { maxNewTokens: 24, temperature: 0, eosTokenIds: [] })[0]!;
    assert.equal(c!.tokenIds.length, 24);
    assert.equal(c!.finishReason, 'length');
    const full = fullForwardLogprobs(prompt, c!.tokenIds);
    c!.logprobs.forEach((lp, i) =>
      assert.ok(Math.abs(lp - full[i]!) < 1e-4, `token ${i}: cached ${lp}, full ${full[i]}`),
    );
  });

  it('left-padded batch rows give the same tokens and log-probs as each prompt alone', () => {
    const prompts = ['a', 'Once upon a time, far away', 'Zoey said that'];
    const batch = generate(model, tok, prompts, { maxNewTokens: 16, temperature: 0, eosTokenIds: [] });
    prompts.forEach((p, i) => {
      const [alone] = generate(model, tok, [p], { maxNewTokens: 16, temperature: 0, eosTokenIds: [] })[0]!;
      assert.deepEqual(batch[i]![0]!.tokenIds, alone!.tokenIds, `prompt ${i}`);
      batch[i]![0]!.logprobs.forEach((lp, t) =>
        assert.ok(Math.abs(lp - alone!.logprobs[t]!) < 1e-4, `prompt ${i} token ${t}`),
      );
      // and those log-probs are the model's, not an artefact of the cache
      const full = fullForwardLogprobs(tok.encode(p), alone!.tokenIds);
      alone!.logprobs.forEach((lp, t) => assert.ok(Math.abs(lp - full[t]!) < 1e-4));
    });
  });

  it('n samples sharing one prefill equal n separate runs at seeds seed+k', () => {
    const o = { maxNewTokens: 20, temperature: 1.0, topP: 0.95, topK: 50, eosTokenIds: [] as number[] };
    const shared = generate(model, tok, ['Puzzle:'], { ...o, n: 4, seed: 100 })[0]!;
    for (let k = 0; k < 4; k++) {
      const [alone] = generate(model, tok, ['Puzzle:'], { ...o, n: 1, seed: 100 + k })[0]!;
      assert.deepEqual(shared[k]!.tokenIds, alone!.tokenIds, `sample ${k}`);
    }
    assert.notDeepEqual(shared[0]!.tokenIds, shared[1]!.tokenIds, 'samples differ');
    // reproducible
    const again = generate(model, tok, ['Puzzle:'], { ...o, n: 4, seed: 100 })[0]!;
    assert.deepEqual(
      again.map((c) => c.tokenIds),
      shared.map((c) => c.tokenIds),
    );
  });

  it('EOS ends a row (kept in tokenIds, not in text); finished rows leave the batch', () => {
    // make token 'x' (byte 120) an EOS: greedy rows that emit it stop early
    const runs = generate(model, tok, ['ab', 'cd', 'ef', 'gh'], {
      maxNewTokens: 40,
      temperature: 1.5,
      n: 3,
      seed: 7,
      eosTokenIds: [...Array(40).keys()].map((i) => 100 + i),
    });
    let sawEos = false;
    for (const c of runs.flat()) {
      if (c.finishReason === 'eos') {
        sawEos = true;
        const last = c.tokenIds[c.tokenIds.length - 1]!;
        assert.ok(last >= 100 && last < 140);
        assert.ok(c.tokenIds.slice(0, -1).every((t) => t < 100 || t >= 140));
      } else assert.equal(c.tokenIds.length, 40);
    }
    assert.ok(sawEos, 'some sample hit an EOS id');
    // rows finishing at different steps (finished rows stay in the batch until a compaction) give
    // exactly what each row gives alone
    const prompts = ['ab', 'cd', 'ef', 'gh'];
    prompts.forEach((p, i) => {
      for (let k = 0; k < 3; k++) {
        const [alone] = generate(model, tok, [p], {
          maxNewTokens: 40,
          temperature: 1.5,
          seed: 7 + k,
          eosTokenIds: [...Array(40).keys()].map((j) => 100 + j),
        })[0]!;
        const inBatch = runs[i]![k]!;
        assert.deepEqual(inBatch.tokenIds, alone!.tokenIds, `prompt ${i} sample ${k}`);
        assert.equal(inBatch.finishReason, alone!.finishReason);
        inBatch.logprobs.forEach((l, j) => assert.ok(Math.abs(l - alone!.logprobs[j]!) < 1e-4));
      }
    });
    const active: number[] = [];
    const shrinking = generate(model, tok, ['ab', 'cd'], {
      maxNewTokens: 40,
      temperature: 1.5,
      n: 3,
      seed: 7,
      eosTokenIds: [...Array(40).keys()].map((i) => 100 + i),
      onStep: (_, a) => active.push(a),
    });
    // After step s, exactly the rows whose completion is longer than s are still running.
    const lengths = shrinking.flat().map((c) => c.tokenIds.length);
    assert.ok(Math.min(...lengths) < 40, `a row finished early (lengths ${lengths})`);
    assert.deepEqual(
      active,
      Array.from({ length: Math.max(...lengths) }, (_, s) => lengths.filter((l) => l > s + 1).length),
      'active rows after each step',
    );
  });

  it('leaves no tensors behind, and each step frees the logits it sampled from', () => {
    generate(model, tok, ['warm-up'], { maxNewTokens: 2, seed: 1 }); // rotary tables are made once and kept
    const eosTokenIds = [...Array(40).keys()].map((i) => 100 + i);
    const runs: [string, Parameters<typeof generate>[3]][] = [
      ['n = 1, left-padded', { maxNewTokens: 12, temperature: 0, eosTokenIds: [] }],
      [
        'n = 3, copied prefill, rows finishing early',
        { maxNewTokens: 30, n: 3, seed: 7, temperature: 1.5, eosTokenIds, sharedPrefix: false },
      ],
      [
        'n = 3, shared prefix, rows finishing early',
        { maxNewTokens: 30, n: 3, seed: 7, temperature: 1.5, eosTokenIds, sharedPrefix: true },
      ],
    ];
    for (const [name, o] of runs) {
      const live0 = torch.liveTensors();
      const during: number[] = [];
      generate(model, tok, ['ab', 'Once upon a time'], { ...o, onStep: () => during.push(torch.liveTensors()) });
      assert.equal(torch.liveTensors(), live0, `${name}: tensors left behind`);
      // the cache's tensors are live between steps, no step's logits: the count never grows
      assert.ok(during.length > 1 && during.every((c) => c <= during[0]!), `${name}: live tensors per step ${during}`);
    }
  });

  it('stop strings are matched across token boundaries and trimmed', () => {
    const [c] = generate(model, tok, ['Hello'], { maxNewTokens: 30, temperature: 0, eosTokenIds: [] })[0]!;
    // pick a two-character string the greedy run produces in the middle, then stop on it
    const text = c!.text;
    const stopAt = text.slice(10, 12);
    const [s] = generate(model, tok, ['Hello'], {
      maxNewTokens: 30,
      temperature: 0,
      eosTokenIds: [],
      stop: [stopAt, 'never-there'],
    })[0]!;
    assert.equal(s!.finishReason, 'stop');
    assert.equal(s!.stopString, stopAt);
    assert.equal(s!.text, text.slice(0, text.indexOf(stopAt)));
    assert.ok(!s!.text.includes(stopAt));
  });

  it('top-k 1 equals greedy; bad sampling values are rejected', () => {
    const [g] = generate(model, tok, ['xyz'], { maxNewTokens: 12, temperature: 0, eosTokenIds: [] })[0]!;
    const [k1] = generate(model, tok, ['xyz'], {
      maxNewTokens: 12,
      temperature: 0.7,
      topK: 1,
      seed: 3,
      eosTokenIds: [],
    })[0]!;
    assert.deepEqual(k1!.tokenIds, g!.tokenIds);
    assert.throws(() => generate(model, tok, ['x'], { maxNewTokens: 4, topP: 0 }), /top_p must be in \(0, 1\]/);
    assert.throws(() => generate(model, tok, ['x'], { maxNewTokens: 4, temperature: -1 }), /temperature must be ≥ 0/);
    assert.throws(() => generate(model, tok, ['x'], { maxNewTokens: 1000 }), /exceeds the model's 256 positions/);
  });
});
