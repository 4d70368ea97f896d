// Sampling draws row r's token by inverse CDF over the processed distribution (temperature, then
// top-k, top-p, min-p as Hugging Face's warpers apply them). With top-k on, it works on the k
// candidates only; the token drawn must be the one the full-vocabulary CDF gives for the same
// uniform number, ties at the k-th logit included (Hugging Face keeps every tied token).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { processLogits, type SamplingOptions, sampleRows, UniformStream } from '../../src/generate/sampling.js';
import * as torch from '../../src/torch/index.js';

/** Row r's token from the full processed distribution, scanned in token-id order in JS. */
function reference(logits: torch.Tensor, o: SamplingOptions, seeds: number[]): number[] {
  const probs = torch.scope(() => processLogits(logits, o).softmax(-1, 'float64').tolist() as number[][]);
  return probs.map((row, r) => {
    const u = new UniformStream(seeds[r]!).next();
    const total = row.reduce((a, b) => a + b, 0);
    let acc = 0;
    for (let i = 0; i < row.length; i++) {
      acc += row[i]!;
      if (acc > u * total) return i;
    }
    return row.length - 1;
  });
}

describe('sampling', () => {
  const cases: [string, SamplingOptions][] = [
    ['top-k', { temperature: 1, topK: 20 }],
    ['top-k + top-p (the GRPO defaults)', { temperature: 0.7, topK: 50, topP: 0.95 }],
    ['top-k + top-p + min-p', { temperature: 1.3, topK: 40, topP: 0.9, minP: 0.05 }],
    ['top-p only (full vocabulary)', { temperature: 0.8, topP: 0.8 }],
  ];
  for (const [name, o] of cases)
    it(`${name}: the drawn token is the full-vocabulary inverse-CDF token`, () => {
      torch.noGrad(() =>
        torch.scope(() => {
          torch.manualSeed(9);
          const R = 64;
          const logits = torch.randn([R, 1000]).mul(3);
          const seeds = Array.from({ length: R }, (_, r) => 1000 + r);
          const got = sampleRows(
            logits,
            o,
            seeds.map((s) => new UniformStream(s)),
          );
          assert.deepEqual(got.ids, reference(logits, o, seeds));
          // log-probs are the temperature-scaled model's, not the filtered distribution's
          const lsm = logits.div(o.temperature ?? 1).logSoftmax(-1);
          got.ids.forEach((id, r) =>
            assert.ok(Math.abs(got.logprobs[r]! - lsm.select(0, r).select(0, id).item()) < 1e-5),
          );
        }),
      );
    });

  it('logits tied at the k-th value keep every tied token, as Hugging Face’s top-k does', () => {
    torch.noGrad(() =>
      torch.scope(() => {
        torch.manualSeed(4);
        const R = 200;
        // few distinct values: the k-th logit is tied with tokens outside the top k in most rows
        const logits = torch.randint(0, 4, [R, 50]).float();
        const o = { temperature: 1, topK: 5 };
        const seeds = Array.from({ length: R }, (_, r) => r);
        const got = sampleRows(
          logits,
          o,
          seeds.map((s) => new UniformStream(s)),
        ).ids;
        assert.deepEqual(got, reference(logits, o, seeds));
        const top5 = logits.topk(5, -1).indices.tolist() as number[][];
        const beyondK = got.filter((id, r) => !top5[r]!.includes(id)).length;
        assert.ok(beyondK > 0, 'some rows drew a tied token a strict top-5 would have dropped');
      }),
    );
  });
});
