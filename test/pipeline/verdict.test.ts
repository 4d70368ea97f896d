// The verdicts on the paper's four claims, against values computed here independently: the
// t-quantile by integrating Student's density (no table), paired means and sample SDs by hand,
// pooled half-widths in quadrature; the supported / not supported / inconclusive rule at its
// boundaries; all-zero parts; one seed vs several.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  type ClaimResult,
  computeVerdicts,
  type Effect,
  pairedEffect,
  poolEffects,
  verdictOf,
  verdictsMarkdown,
} from '../../src/pipeline/verdict.js';

// ---- an independent Student-t quantile: Lanczos log-gamma, Simpson's rule, bisection
function lgamma(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lgamma(1 - x);
  const y = x - 1;
  let a = c[0]!;
  const t = y + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i]! / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}
function tCdf(x: number, df: number): number {
  const logC = lgamma((df + 1) / 2) - lgamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  const f = (t: number) => Math.exp(logC - ((df + 1) / 2) * Math.log(1 + (t * t) / df));
  const n = 4000;
  const h = x / n;
  let s = f(0) + f(x);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(i * h);
  return 0.5 + (s * h) / 3;
}
function tQuantile975(df: number): number {
  let lo = 1;
  let hi = 20;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < 0.975) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};
/** The paired 95 % t-interval, computed here. */
const expected = (d: number[]) => {
  const half = (tQuantile975(d.length - 1) * sd(d)) / Math.sqrt(d.length);
  return { mean: mean(d), lo: mean(d) - half, hi: mean(d) + half, n: d.length };
};
const close = (a: Effect | null, b: Effect, tol: number, what: string) => {
  assert.ok(a, `${what}: an effect`);
  assert.equal(a.n, b.n, `${what}: n`);
  for (const k of ['mean', 'lo', 'hi'] as const)
    assert.ok(Math.abs(a[k] - b[k]) <= tol, `${what}: ${k} ${a[k]} vs ${b[k]} (±${tol})`);
};

/** A deterministic stream in [0, 1). */
const rng = (seed: number) => () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};

describe('the independent t-quantile itself', () => {
  it('matches textbook values (df 1, 4, 30, 1000)', () => {
    for (const [df, q] of [
      [1, 12.7062],
      [4, 2.7764],
      [30, 2.0423],
      [1000, 1.9623],
    ] as const)
      assert.ok(Math.abs(tQuantile975(df) - q) < 2e-3, `df ${df}: ${tQuantile975(df)}`);
  });
});

describe('pairedEffect', () => {
  it('a hand-worked example: diffs 1,0,0,1,1 → 0.6 ± 2.776·√0.3/√5', () => {
    const e = pairedEffect([1, 0, 0, 1, 1])!;
    const half = (2.776 * Math.sqrt(0.3)) / Math.sqrt(5);
    close(e, { mean: 0.6, lo: 0.6 - half, hi: 0.6 + half, n: 5 }, 1e-9, 'hand-worked');
  });

  it('agrees with the independent t-interval for every n from 2 to 200', () => {
    const r = rng(11);
    for (const n of [...Array.from({ length: 40 }, (_, i) => i + 2), 50, 63, 100, 150, 200]) {
      const d = Array.from({ length: n }, () => Math.round(r() * 4) / 2 - 1);
      if (sd(d) === 0) d[0] = d[0]! + 0.5;
      const want = expected(d);
      const got = pairedEffect(d)!;
      // the code's quantile is a 3-decimal table to df 30, then an expansion: within 0.05 % of the exact one
      const rel = Math.abs(got.hi - got.mean - (want.hi - want.mean)) / (want.hi - want.mean);
      assert.ok(rel < 5e-4, `n = ${n}: half-width ${got.hi - got.mean} vs ${want.hi - want.mean}`);
      assert.ok(Math.abs(got.mean - want.mean) < 1e-12);
      assert.equal(got.n, n);
    }
  });

  it('fewer than two differences give no interval', () => {
    assert.equal(pairedEffect([]), null);
    assert.equal(pairedEffect([0.5]), null);
  });
});

describe('poolEffects', () => {
  it('equal weights; half-widths add in quadrature over k (each part keeps its t-quantile)', () => {
    const parts: Effect[] = [
      { mean: 0.1, lo: 0.02, hi: 0.18, n: 10 },
      { mean: -0.05, lo: -0.2, hi: 0.1, n: 4 },
      { mean: 0.3, lo: 0.25, hi: 0.35, n: 100 },
    ];
    const half = Math.sqrt(0.08 ** 2 + 0.15 ** 2 + 0.05 ** 2) / 3;
    close(poolEffects(parts), { mean: 0.35 / 3, lo: 0.35 / 3 - half, hi: 0.35 / 3 + half, n: 114 }, 1e-12, 'pooled');
  });

  it('never narrower than the normal approximation on the parts’ standard errors', () => {
    const r = rng(5);
    for (let trial = 0; trial < 20; trial++) {
      const data = Array.from({ length: 1 + (trial % 4) }, () =>
        Array.from({ length: 3 + Math.floor(r() * 40) }, () => Math.round(r() * 2) - 1),
      ).filter((d) => sd(d) > 0);
      if (!data.length) continue;
      const pooled = poolEffects(data.map((d) => pairedEffect(d)!))!;
      const normal = (1.96 * Math.sqrt(data.reduce((a, d) => a + sd(d) ** 2 / d.length, 0))) / data.length;
      assert.ok(pooled.hi - pooled.mean >= normal - 1e-12, `${pooled.hi - pooled.mean} ≥ ${normal}`);
      // and with one part, pooling changes nothing
      if (data.length === 1) close(pooled, pairedEffect(data[0]!)!, 1e-12, 'one part');
    }
  });

  it('no parts: no effect', () => assert.equal(poolEffects([]), null));
});

describe('verdictOf: the rule at and around its boundaries', () => {
  const e = (lo: number, hi: number): Effect => ({ mean: (lo + hi) / 2, lo, hi, n: 10 });
  it('supported only strictly above 0, not supported only strictly below 0', () => {
    assert.equal(verdictOf(e(1e-12, 0.2)), 'supported');
    assert.equal(verdictOf(e(0, 0.2)), 'inconclusive');
    assert.equal(verdictOf(e(-1e-12, 0.2)), 'inconclusive');
    assert.equal(verdictOf(e(-0.2, -1e-12)), 'not supported');
    assert.equal(verdictOf(e(-0.2, 0)), 'inconclusive');
    assert.equal(verdictOf(e(-0.2, 1e-12)), 'inconclusive');
    assert.equal(verdictOf(e(0.3, 0.3)), 'supported', 'a degenerate interval above 0');
    assert.equal(verdictOf(null), 'not measured');
  });
});

// ---- computeVerdicts over real folders of results.json
const tmp = mkdtempSync(join(tmpdir(), 'kindling-verdict-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

type PerExample = Record<string, number>;
const TRIALS = 2;
const writeResults = (dir: string, rows: { model: string; task: string; domain: string; per: PerExample }[]) => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'results.json'),
    JSON.stringify({
      results: rows.map((x) => ({
        model: x.model,
        task: x.task,
        domain: x.domain,
        trials: TRIALS,
        score: { mean: mean(Object.values(x.per)) / TRIALS },
        per_example: x.per,
      })),
    }),
  );
};
const N = 30;
/** Correct trials (0..TRIALS) per example, biased by p. */
const draw = (r: () => number, p: number): PerExample =>
  Object.fromEntries(
    Array.from({ length: N }, (_, i) => [`ex${i}`, (r() < p ? 1 : 0) + (r() < p ? 1 : 0)] as [string, number]),
  );
const acc = (per: PerExample) => Object.keys(per).map((k) => per[k]! / TRIALS);
const DOMAINS = { math: 'math-lite', mcq: 'mcq-lite' };
const TASKS: [string, string][] = [
  ['math-lite', 'math'],
  ['mcq-lite', 'mcq'],
  ['kk', 'kk'],
];
const MODELS = ['base', 'warmup', 'base+rlvr:math', 'warmup+rlvr:math', 'base+rlvr:mcq', 'warmup+rlvr:mcq'];

/** One seed's evaluation folder; `zero` makes base and warmup both score 0 on mcq-lite. */
function seedFolder(name: string, seed: number, opts: { zero?: boolean } = {}) {
  const r = rng(seed);
  const bias: Record<string, number> = {
    base: 0.3,
    warmup: 0.5,
    'base+rlvr:math': 0.4,
    'warmup+rlvr:math': 0.7,
    'base+rlvr:mcq': 0.35,
    'warmup+rlvr:mcq': 0.45,
  };
  const data: Record<string, Record<string, PerExample>> = {};
  const rows: { model: string; task: string; domain: string; per: PerExample }[] = [];
  for (const m of MODELS)
    for (const [t, d] of TASKS) {
      const per =
        opts.zero && t === 'mcq-lite' && (m === 'base' || m === 'warmup')
          ? Object.fromEntries(Array.from({ length: N }, (_, i) => [`ex${i}`, 0]))
          : draw(r, bias[m]!);
      (data[m] ??= {})[t] = per;
      rows.push({ model: m, task: t, domain: d, per });
    }
  writeResults(join(tmp, name), rows);
  return data;
}

/** RLVR runs with periodic evaluations at steps 0 (ignored), 2 and 4. */
function rlvrRun(start: 'base' | 'warmup', domain: string, seed: number) {
  const r = rng(seed);
  const dir = join(tmp, `rlvr-${start}-${domain}`);
  const steps: Record<number, PerExample> = {};
  const task = DOMAINS[domain as keyof typeof DOMAINS];
  for (const step of [0, 2, 4]) {
    steps[step] = draw(r, (start === 'warmup' ? 0.55 : 0.35) + 0.05 * step);
    writeResults(join(dir, 'eval', `step-${step}`), [{ model: 'policy', task, domain, per: steps[step]! }]);
  }
  return { dir, steps, task };
}

/** Accuracy per example averaged over several seeds' data (the code's Accuracies). */
const avg = (...pers: PerExample[]) => {
  const out = acc(pers[0]!).map(() => 0);
  for (const p of pers) acc(p).forEach((v, i) => (out[i]! += v / pers.length));
  return out;
};
const sub = (a: number[], b: number[]) => a.map((v, i) => v - b[i]!);
const poolHere = (effects: Effect[]) => {
  const m = mean(effects.map((e) => e.mean));
  const half = Math.sqrt(effects.reduce((a, e) => a + (e.hi - e.mean) ** 2, 0)) / effects.length;
  return { mean: m, lo: m - half, hi: m + half, n: effects.reduce((a, e) => a + e.n, 0) };
};

describe('computeVerdicts', () => {
  const s0 = seedFolder('seed0', 101);
  const runs = [rlvrRun('base', 'math', 7), rlvrRun('warmup', 'math', 8), rlvrRun('base', 'mcq', 9)];
  const rlvrRuns = [
    { start: 'base' as const, domain: 'math', dir: runs[0]!.dir },
    { start: 'warmup' as const, domain: 'math', dir: runs[1]!.dir },
    { start: 'base' as const, domain: 'mcq', dir: runs[2]!.dir },
  ];
  const inputs = { rlvrRuns, inDomainTask: DOMAINS, excludeFromTargets: ['kk'] };
  const TOL = 1e-3; // the code's 3-decimal t table against the exact quantile, on half-widths ~0.2

  it('one seed: each claim’s parts and pooled effect equal the independent computation', () => {
    const claims = computeVerdicts({ ...inputs, evalDirs: [join(tmp, 'seed0')] });
    const by = Object.fromEntries(claims.map((c) => [c.id, c])) as Record<ClaimResult['id'], ClaimResult>;
    const a = (m: string, t: string) => avg(s0[m]![t]!);

    // (i) warmup − base on the targets, K&K excluded
    const p1 = ['math-lite', 'mcq-lite'].map((t) => expected(sub(a('warmup', t), a('base', t))));
    assert.deepEqual(
      by.warmup_helps.parts.map((p) => p.what),
      ['math-lite', 'mcq-lite'],
    );
    by.warmup_helps.parts.forEach((p, i) => close(p.effect, p1[i]!, TOL, `(i) ${p.what}`));
    close(by.warmup_helps.effect, poolHere(p1), TOL, '(i) pooled');

    // (ii) warmup+rlvr − base+rlvr in-domain
    const p2 = (['math', 'mcq'] as const).map((d) =>
      expected(sub(a(`warmup+rlvr:${d}`, DOMAINS[d]), a(`base+rlvr:${d}`, DOMAINS[d]))),
    );
    assert.deepEqual(
      by.warmup_rlvr_beats_base_rlvr.parts.map((p) => p.what),
      ['math (on math-lite)', 'mcq (on mcq-lite)'],
    );
    by.warmup_rlvr_beats_base_rlvr.parts.forEach((p, i) => close(p.effect, p2[i]!, TOL, `(ii) ${p.what}`));
    close(by.warmup_rlvr_beats_base_rlvr.effect, poolHere(p2), TOL, '(ii) pooled');

    // (iii) difference of differences on every other task (K&K included: it is out of domain)
    const p3: Effect[] = [];
    const what3: string[] = [];
    for (const d of ['math', 'mcq'] as const)
      for (const [t] of TASKS) {
        if (t === DOMAINS[d]) continue;
        what3.push(`RLVR on ${d}, measured on ${t}`);
        p3.push(
          expected(sub(sub(a(`warmup+rlvr:${d}`, t), a('warmup', t)), sub(a(`base+rlvr:${d}`, t), a('base', t)))),
        );
      }
    assert.deepEqual(
      by.cross_domain_kept.parts.map((p) => p.what),
      what3,
    );
    by.cross_domain_kept.parts.forEach((p, i) => close(p.effect, p3[i]!, TOL, `(iii) ${p.what}`));
    close(by.cross_domain_kept.effect, poolHere(p3), TOL, '(iii) pooled');

    // (iv) mean over steps 2 and 4 (not 0), warmup run − base run; mcq has no warmup run → no part
    const curve = (run: { steps: Record<number, PerExample> }) => avg(run.steps[2]!, run.steps[4]!);
    const p4 = expected(sub(curve(runs[1]!), curve(runs[0]!)));
    assert.deepEqual(
      by.sample_efficiency.parts.map((p) => p.what),
      ['math (on math-lite)'],
    );
    close(by.sample_efficiency.parts[0]!.effect, p4, TOL, '(iv) math');
    close(by.sample_efficiency.effect, p4, TOL, '(iv) pooled = its one part');

    for (const c of claims) assert.equal(c.verdict, verdictOf(c.effect), c.id);
  });

  it('several seeds: per-example accuracy averaged over seeds (n stays the example count)', () => {
    const s1 = seedFolder('seed1', 202);
    const claims = computeVerdicts({ ...inputs, evalDirs: [join(tmp, 'seed0'), join(tmp, 'seed1')] });
    const c = claims.find((x) => x.id === 'warmup_helps')!;
    const parts = ['math-lite', 'mcq-lite'].map((t) =>
      expected(sub(avg(s0.warmup![t]!, s1.warmup![t]!), avg(s0.base![t]!, s1.base![t]!))),
    );
    c.parts.forEach((p, i) => close(p.effect, parts[i]!, TOL, `two seeds ${p.what}`));
    assert.equal(c.parts[0]!.effect.n, N);
    close(c.effect, poolHere(parts), TOL, 'two seeds pooled');
    // and it differs from seed 0 alone (the second seed is really read)
    const one = computeVerdicts({ ...inputs, evalDirs: [join(tmp, 'seed0')] }).find((x) => x.id === 'warmup_helps')!;
    assert.notEqual(one.effect!.mean, c.effect!.mean);
  });

  it('an all-zero part is listed but not pooled; a claim with only such parts is not measured', () => {
    const z = seedFolder('zero', 101, { zero: true });
    const claims = computeVerdicts({ ...inputs, evalDirs: [join(tmp, 'zero')] });
    const c = claims.find((x) => x.id === 'warmup_helps')!;
    assert.deepEqual(
      c.parts.map((p) => p.what),
      ['math-lite', 'mcq-lite'],
    );
    assert.deepEqual(c.parts[1]!.effect, { mean: 0, lo: 0, hi: 0, n: N });
    const math = expected(sub(avg(z.warmup!['math-lite']!), avg(z.base!['math-lite']!)));
    close(c.effect, math, TOL, 'pooled = the math part alone');

    // only the zero task among the targets → nothing to pool
    const onlyZero = computeVerdicts({
      ...inputs,
      evalDirs: [join(tmp, 'zero')],
      excludeFromTargets: ['kk', 'math-lite'],
    });
    const w = onlyZero.find((x) => x.id === 'warmup_helps')!;
    assert.equal(w.parts.length, 1);
    assert.equal(w.effect, null);
    assert.equal(w.verdict, 'not measured');
  });

  it('a constant non-zero difference is information, and is pooled', () => {
    const dir = join(tmp, 'constant');
    const ones = Object.fromEntries(Array.from({ length: N }, (_, i) => [`ex${i}`, TRIALS]));
    const zeros = Object.fromEntries(Array.from({ length: N }, (_, i) => [`ex${i}`, 0]));
    writeResults(dir, [
      { model: 'base', task: 'math-lite', domain: 'math', per: zeros },
      { model: 'warmup', task: 'math-lite', domain: 'math', per: ones },
    ]);
    const c = computeVerdicts({ evalDirs: [dir], rlvrRuns: [], inDomainTask: {} }).find(
      (x) => x.id === 'warmup_helps',
    )!;
    assert.deepEqual(c.effect, { mean: 1, lo: 1, hi: 1, n: N });
    assert.equal(c.verdict, 'supported');
  });

  it('verdictsMarkdown prints every claim’s pooled effect and every part in points', () => {
    const claims = computeVerdicts({ ...inputs, evalDirs: [join(tmp, 'seed0')] });
    const md = verdictsMarkdown(claims);
    const pts = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`;
    for (const c of claims) {
      const e = c.effect!;
      assert.ok(
        md.includes(`| ${c.claim} | ${pts(e.mean)} [${pts(e.lo)}, ${pts(e.hi)}] (n = ${e.n}) | **${c.verdict}** |`),
        `row for ${c.id}`,
      );
      for (const p of c.parts)
        assert.ok(
          md.includes(
            `- ${p.what}: ${pts(p.effect.mean)} [${pts(p.effect.lo)}, ${pts(p.effect.hi)}] over ${p.effect.n} examples`,
          ),
          `part ${p.what}`,
        );
    }
  });
});
