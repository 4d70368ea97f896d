// DecodeSession (continuous batching): requests that join a running batch at different steps, with
// different prompt lengths, sampling options and n, sample exactly what generate() samples for each
// of them alone at the same seed — whether a join wrote newcomers into spare slots or rebuilt the
// cache, and across compactions (which also cut the padding every row shares) and cancellations.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Completion, DecodeSession, generate, type SessionRequest } from '../../src/generate/index.js';
import { initModel } from '../../src/model/index.js';
import { byteLevelTokenizer } from '../../src/tokenizer/index.js';
import * as torch from '../../src/torch/index.js';
import { tinyQwen2 } from '../tiny-model.js';

const tok = byteLevelTokenizer();
const model = initModel(tinyQwen2({ vocab_size: 300, max_position_embeddings: 256, initializer_range: 0.3 }), {
  seed: 4,
});

const req = (prompt: string, o: Partial<SessionRequest> = {}): SessionRequest => ({
  prompt: tok.encode(prompt),
  n: 1,
  seed: 7,
  maxNewTokens: 12,
  eosTokenIds: [],
  ...o,
});

/** generate() for one request alone. */
const alone = (r: SessionRequest): Completion[] =>
  generate(model, tok, [r.prompt], {
    maxNewTokens: r.maxNewTokens,
    n: r.n,
    seed: r.seed,
    ...(r.temperature !== undefined ? { temperature: r.temperature } : {}),
    ...(r.topK !== undefined ? { topK: r.topK } : {}),
    ...(r.topP !== undefined ? { topP: r.topP } : {}),
    ...(r.eosTokenIds ? { eosTokenIds: r.eosTokenIds } : {}),
    ...(r.stop ? { stop: r.stop } : {}),
  })[0]!;

describe('DecodeSession', () => {
  it('joins at different steps sample what each request samples alone (spare-slot joins, rebuilds, compaction, ranged attention)', () => {
    alone(req('warm-up')); // the model's rotary tables are made on first use and kept
    const live0 = torch.liveTensors();
    const s = new DecodeSession(model, tok, { maxRows: 16, maxPositions: 16 * 400, rangeCost: 8 });
    // step → requests joining before it
    const schedule = new Map<number, SessionRequest[]>([
      [0, [req('Knights always tell', { maxNewTokens: 30, seed: 1, temperature: 0.9 }), req('a', { temperature: 0 })]],
      // shorter than the running length: written into spare slots
      [3, [req('Kn', { n: 3, seed: 11, topK: 20 }), req('xy', { maxNewTokens: 5, temperature: 0 })]],
      [5, [req('The knave said', { maxNewTokens: 8, seed: 3, topP: 0.9 })]],
      // longer than the running length: the cache is rebuilt
      [8, [req('A very long prompt that is longer than everything running so far, by a lot', { seed: 5 })]],
      // after a row finished and before compaction: it takes that row's slot
      [12, [req('late', { maxNewTokens: 6, seed: 8, stop: ['e'] })]],
    ]);
    const want = new Map<number, Completion[]>();
    const got = new Map<number, Completion[]>();
    let adds = 0;
    for (let step = 0; step < 200 && (step <= 14 || s.cacheRows > 0); step++) {
      const joining = schedule.get(step) ?? [];
      if (joining.length > 0) {
        adds++;
        s.add(joining).forEach((h, i) => want.set(h, alone(joining[i]!)));
      }
      for (const f of s.step().finished) got.set(f.handle, f.completions);
    }
    assert.equal(got.size, want.size);
    for (const [h, w] of want) {
      const g = got.get(h)!;
      assert.deepEqual(
        g.map((c) => c.tokenIds),
        w.map((c) => c.tokenIds),
        `request ${h}`,
      );
      assert.deepEqual(
        g.map((c) => [c.text, c.finishReason]),
        w.map((c) => [c.text, c.finishReason]),
      );
      g.forEach((c, k) => assert.ok(c.logprobs.every((x, t) => Math.abs(x - w[k]!.logprobs[t]!) < 1e-4)));
    }
    // both join paths ran, and a newcomer took a finished row's slot
    assert.ok(s.rebuilds >= 2 && s.rebuilds < adds, `rebuilds ${s.rebuilds} of ${adds} joins`);
    assert.ok(s.reusedSlots > 0, 'no newcomer reused a finished row');
    assert.ok(s.splitSteps > 0, 'no step attended in row ranges');
    s.dispose();
    assert.equal(torch.liveTensors(), live0, 'the session leaves no tensors behind');
  });

  it('a cancelled request leaves at the next step; the others still sample what they sample alone', () => {
    const s = new DecodeSession(model, tok, { maxRows: 8 });
    const keep = req('stay here', { maxNewTokens: 20, seed: 2 });
    const [hKeep, hGone] = s.add([keep, req('go away', { maxNewTokens: 40, n: 2 })]);
    const got = new Map<number, Completion[]>();
    for (let i = 0; i < 3; i++) s.step();
    assert.equal(s.liveRows, 3);
    assert.ok(s.cancel(hGone!));
    for (const f of s.step().finished) got.set(f.handle, f.completions);
    assert.equal(s.cacheRows, 1, 'the cancelled rows are out of the cache');
    assert.equal(s.cancelledRows, 2);
    while (s.cacheRows > 0) for (const f of s.step().finished) got.set(f.handle, f.completions);
    assert.deepEqual([...got.keys()], [hKeep]);
    assert.deepEqual(
      got.get(hKeep!)!.map((c) => c.tokenIds),
      alone(keep).map((c) => c.tokenIds),
    );
    s.dispose();
  });
});
