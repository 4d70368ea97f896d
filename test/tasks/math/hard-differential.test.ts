// The hard differential (issue 24): ≥ 3,000 pairs in 19 categories (hard-corpus.ts), each judged
// by kindling and by the live math-verify (with the same knobs). Per category agreement must be
// ≥ 98 %, false accepts (we say equal, math-verify says not) ≤ 0.5 % of all pairs, and every
// disagreement must be listed with its reason in fixtures/hard-disagreements.json.
// MATH_HARD_DUMP=file writes every disagreement as JSON (to update the fixture by hand).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { type VerifyOptions, verifyMath } from '../../../src/tasks/math/index.js';
import { Disagreements } from './disagreements.js';
import { buildHardPairs, HARD_CATEGORIES, type PairOptions } from './hard-corpus.js';
import { mathVerifyBatch } from './oracle.js';

/** math-verify's knob names → verifyMath's options. */
export function toVerifyOptions(o: PairOptions | undefined): VerifyOptions {
  if (!o) return {};
  return {
    ...(o.float_rounding !== undefined ? { floatRounding: o.float_rounding } : {}),
    ...(o.strict !== undefined ? { strict: o.strict } : {}),
    ...(o.allow_set_relation_comp !== undefined ? { allowSetRelationComp: o.allow_set_relation_comp } : {}),
    ...(o.extraction ? { extraction: o.extraction } : {}),
  };
}

test('math hard corpus: agreement with live math-verify ≥ 98 % in every category, false accepts ≤ 0.5 %', () => {
  const pairs = buildHardPairs();
  assert.ok(pairs.length >= 3000, `only ${pairs.length} pairs`);
  const oracle = mathVerifyBatch(pairs);
  const listed = new Disagreements('hard-disagreements.json');
  const stats = new Map<string, { n: number; agree: number; fr: number; fa: number; eq: number }>();
  for (const p of pairs) {
    const s = stats.get(p.category) ?? { n: 0, agree: 0, fr: 0, fa: 0, eq: 0 };
    stats.set(p.category, s);
    const ours = verifyMath(p.gold, p.pred, toVerifyOptions(p.options)).equivalent;
    const theirs = oracle.get(p.id)!.equivalent;
    s.n++;
    if (theirs) s.eq++;
    if (ours === theirs) {
      s.agree++;
      continue;
    }
    if (ours) s.fa++;
    else s.fr++;
    listed.add(p, theirs, ours);
  }
  if (process.env.MATH_HARD_DUMP) writeFileSync(process.env.MATH_HARD_DUMP, `${JSON.stringify(listed.all, null, 1)}\n`);
  listed.reportStale();

  let n = 0;
  let agree = 0;
  let fa = 0;
  let fr = 0;
  const lines = ['category            pairs  math-verify=  agree    %      false-rej  false-acc'];
  for (const c of HARD_CATEGORIES) {
    const s = stats.get(c);
    assert.ok(s && s.n >= 50, `category ${c} has ${s?.n ?? 0} pairs (< 50)`);
    n += s.n;
    agree += s.agree;
    fa += s.fa;
    fr += s.fr;
    lines.push(
      `${c.padEnd(20)}${String(s.n).padStart(5)}  ${String(s.eq).padStart(12)}  ${String(s.agree).padStart(5)}  ${((100 * s.agree) / s.n).toFixed(1).padStart(5)}  ${String(s.fr).padStart(9)}  ${String(s.fa).padStart(9)}`,
    );
    // both verdicts must occur in every category, or agreement there would be cheap
    assert.ok(s.eq > 0 && s.eq < s.n, `category ${c}: math-verify's verdicts are all ${s.eq > 0}`);
  }
  lines.push(
    `${'all'.padEnd(20)}${String(n).padStart(5)}  ${''.padStart(12)}  ${String(agree).padStart(5)}  ${((100 * agree) / n).toFixed(2).padStart(5)}  ${String(fr).padStart(9)}  ${String(fa).padStart(9)}`,
  );
  console.log(lines.join('\n'));
  assert.deepEqual(listed.unlisted, [], 'disagreements missing from fixtures/hard-disagreements.json');
  for (const c of HARD_CATEGORIES) {
    const s = stats.get(c)!;
    assert.ok(s.agree / s.n >= 0.98, `category ${c}: agreement ${((100 * s.agree) / s.n).toFixed(1)} % < 98 %`);
  }
  assert.ok(fa / n <= 0.005, `false accepts ${fa}/${n} > 0.5 %`);
});
