// The honest verdict: for each of the paper's four claims, the measured effect with a 95 %
// confidence interval (paired over examples, per-example accuracies averaged over trials and
// seeds), and one of supported / not supported / inconclusive. The rule is fixed in advance:
//   supported       the interval lies above 0
//   not supported   the interval lies below 0 (the opposite effect)
//   inconclusive    the interval contains 0
// Claims pool their per-benchmark effects with equal weight (half-widths add in quadrature, see
// poolEffects); parts whose paired differences are all zero (no information, e.g. both models at
// 0 %) are listed but not pooled.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mean as meanOf, sampleStd } from '../eval/stats.js';

interface TaskResultLite {
  model: string;
  task: string;
  domain: string;
  trials: number;
  score: { mean: number };
  per_example: Record<string, number>;
}

export interface Effect {
  mean: number;
  lo: number;
  hi: number;
  n: number;
}

export type Verdict = 'supported' | 'not supported' | 'inconclusive' | 'not measured';

export interface ClaimResult {
  id: 'warmup_helps' | 'warmup_rlvr_beats_base_rlvr' | 'cross_domain_kept' | 'sample_efficiency';
  claim: string;
  effect: Effect | null;
  verdict: Verdict;
  /** Per benchmark / domain effects behind the pooled one. */
  parts: { what: string; effect: Effect }[];
  note: string;
}

/**
 * The 97.5 % quantile of Student's t (two-sided 95 %): a 3-decimal table to 30 df, then the
 * Cornish–Fisher expansion around z = 1.96 (within 1e-4 of the exact quantile beyond 30 df).
 */
function t975(df: number): number {
  const table = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
    2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
  ];
  if (df < 1) return Number.NaN;
  if (df <= 30) return table[Math.round(df) - 1]!;
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
}

export function pairedEffect(diffs: readonly number[]): Effect | null {
  const n = diffs.length;
  if (n < 2) return null;
  const mean = meanOf(diffs);
  const sd = sampleStd(diffs);
  const half = t975(n - 1) * (sd / Math.sqrt(n));
  return { mean, lo: mean - half, hi: mean + half, n };
}

/**
 * Equal-weight pooling of independent effects: the mean of the parts' means, with the parts'
 * 95 % half-widths added in quadrature and divided by k. Each half-width keeps its own t-quantile
 * (t₀.₉₇₅ with n − 1 df), so the pooled interval is never narrower than the normal approximation
 * 1.96·√(Σ seᵢ²)/k and equals it as every n grows.
 */
export function poolEffects(parts: readonly Effect[]): Effect | null {
  if (parts.length === 0) return null;
  const k = parts.length;
  const mean = parts.reduce((a, p) => a + p.mean, 0) / k;
  const half = Math.sqrt(parts.reduce((a, p) => a + ((p.hi - p.lo) / 2) ** 2, 0)) / k;
  return { mean, lo: mean - half, hi: mean + half, n: parts.reduce((a, p) => a + p.n, 0) };
}

/** A part whose paired differences are all zero (e.g. both models at 0 %): no information. */
export const carriesNoInformation = (e: Effect): boolean => e.mean === 0 && e.lo === 0 && e.hi === 0;

export function verdictOf(e: Effect | null): Verdict {
  if (!e) return 'not measured';
  if (e.lo > 0) return 'supported';
  if (e.hi < 0) return 'not supported';
  return 'inconclusive';
}

/** label → task → example → accuracy (correct trials / trials, averaged over the folders given, e.g. seeds). */
export class Accuracies {
  readonly #sum = new Map<string, Map<string, number>>();
  readonly #count = new Map<string, Map<string, number>>();
  readonly domains = new Map<string, string>();

  add(r: TaskResultLite): void {
    const key = `${r.model}\u0000${r.task}`;
    const s = this.#sum.get(key) ?? new Map<string, number>();
    const c = this.#count.get(key) ?? new Map<string, number>();
    for (const [ex, correct] of Object.entries(r.per_example)) {
      s.set(ex, (s.get(ex) ?? 0) + correct / Math.max(1, r.trials));
      c.set(ex, (c.get(ex) ?? 0) + 1);
    }
    this.#sum.set(key, s);
    this.#count.set(key, c);
    this.domains.set(r.task, r.domain);
  }
  get(model: string, task: string): Map<string, number> | null {
    const s = this.#sum.get(`${model}\u0000${task}`);
    const c = this.#count.get(`${model}\u0000${task}`);
    if (!s || !c) return null;
    return new Map([...s].map(([k, v]) => [k, v / c.get(k)!]));
  }
  tasks(): string[] {
    return [...this.domains.keys()];
  }
}

export function readResults(dir: string): TaskResultLite[] {
  const f = join(dir, 'results.json');
  if (!existsSync(f)) return [];
  return (JSON.parse(readFileSync(f, 'utf8')) as { results: TaskResultLite[] }).results;
}

/** Paired differences over the examples two (or four) accuracy maps share. */
function diffs(
  combine: (get: (m: Map<string, number>) => number) => number,
  maps: (Map<string, number> | null)[],
): number[] | null {
  if (maps.some((m) => m === null)) return null;
  const ms = maps as Map<string, number>[];
  const common = [...ms[0]!.keys()].filter((k) => ms.every((m) => m.has(k)));
  return common.map((k) => combine((m) => m.get(k)!));
}

export interface VerdictInputs {
  /** Evaluation folders of every seed. */
  evalDirs: readonly string[];
  /** RLVR run folders (their eval/step-N periodic evaluations). */
  rlvrRuns: readonly { start: 'base' | 'warmup'; domain: string; dir: string }[];
  /** RLVR domain → the evaluation task that measures it in-domain. */
  inDomainTask: Record<string, string>;
  /** Tasks that are not target benchmarks (the warmup's own K&K). */
  excludeFromTargets?: readonly string[];
}

export function computeVerdicts(v: VerdictInputs): ClaimResult[] {
  const acc = new Accuracies();
  for (const d of v.evalDirs) for (const r of readResults(d)) acc.add(r);
  const exclude = new Set(v.excludeFromTargets ?? []);
  const targets = acc.tasks().filter((t) => !exclude.has(t));
  const domains = Object.keys(v.inDomainTask);
  const claims: ClaimResult[] = [];
  const mk = (
    id: ClaimResult['id'],
    claim: string,
    parts: { what: string; effect: Effect }[],
    note: string,
  ): ClaimResult => {
    // A part whose paired differences are all zero (e.g. both models at 0 %) carries no information;
    // pooling it as an exact zero would shrink the interval, so it is listed but not pooled.
    const effect = poolEffects(parts.filter((p) => !carriesNoInformation(p.effect)).map((p) => p.effect));
    return { id, claim, effect, verdict: verdictOf(effect), parts, note };
  };

  // (i) warmup alone helps on the target benchmarks
  const p1: { what: string; effect: Effect }[] = [];
  for (const t of targets) {
    const d = diffs(
      (g) => g(acc.get('warmup', t)!) - g(acc.get('base', t)!),
      [acc.get('warmup', t), acc.get('base', t)],
    );
    const e = d && pairedEffect(d);
    if (e) p1.push({ what: t, effect: e });
  }
  claims.push(
    mk(
      'warmup_helps',
      'Warmup alone improves the target benchmarks (warmup − base).',
      p1,
      'accuracy difference, pooled over the target benchmarks',
    ),
  );

  // (ii) warmup+RLVR beats base+RLVR in-domain
  const p2: { what: string; effect: Effect }[] = [];
  for (const d of domains) {
    const t = v.inDomainTask[d]!;
    const w = acc.get(`warmup+rlvr:${d}`, t);
    const b = acc.get(`base+rlvr:${d}`, t);
    const x = diffs((g) => g(w!) - g(b!), [w, b]);
    const e = x && pairedEffect(x);
    if (e) p2.push({ what: `${d} (on ${t})`, effect: e });
  }
  claims.push(
    mk(
      'warmup_rlvr_beats_base_rlvr',
      'RLVR from the warmed-up model beats RLVR from the base model on the same ≤ 100 examples.',
      p2,
      'in-domain accuracy difference, pooled over RLVR domains',
    ),
  );

  // (iii) cross-domain ability is kept better after warmup
  const p3: { what: string; effect: Effect }[] = [];
  for (const d of domains) {
    for (const t of acc.tasks()) {
      if (t === v.inDomainTask[d]) continue;
      const maps = [
        acc.get(`warmup+rlvr:${d}`, t),
        acc.get('warmup', t),
        acc.get(`base+rlvr:${d}`, t),
        acc.get('base', t),
      ];
      const x = diffs((g) => g(maps[0]!) - g(maps[1]!) - (g(maps[2]!) - g(maps[3]!)), maps);
      const e = x && pairedEffect(x);
      if (e) p3.push({ what: `RLVR on ${d}, measured on ${t}`, effect: e });
    }
  }
  claims.push(
    mk(
      'cross_domain_kept',
      'After single-domain RLVR the warmed-up model keeps more of its other-domain accuracy than the base model does.',
      p3,
      'out-of-domain change after RLVR, warmed-up minus base (difference of differences), pooled',
    ),
  );

  // (iv) sample efficiency: mean accuracy over the periodic evaluations during RLVR
  const p4: { what: string; effect: Effect }[] = [];
  for (const d of domains) {
    const curve = (start: 'base' | 'warmup') => {
      const a = new Accuracies();
      for (const r of v.rlvrRuns.filter((x) => x.start === start && x.domain === d)) {
        const root = join(r.dir, 'eval');
        if (!existsSync(root)) continue;
        for (const step of readdirSync(root).filter((s) => /^step-\d+$/.test(s) && s !== 'step-0'))
          for (const res of readResults(join(root, step))) a.add({ ...res, model: start });
      }
      return a;
    };
    const w = curve('warmup');
    const b = curve('base');
    for (const t of w.tasks()) {
      const x = diffs((g) => g(w.get('warmup', t)!) - g(b.get('base', t)!), [w.get('warmup', t), b.get('base', t)]);
      const e = x && pairedEffect(x);
      if (e) p4.push({ what: `${d} (on ${t})`, effect: e });
    }
  }
  claims.push(
    mk(
      'sample_efficiency',
      'RLVR from the warmed-up model is more sample-efficient (higher accuracy along the RLVR curve).',
      p4,
      'mean accuracy over the periodic evaluations after step 0, warmed-up minus base; includes any head start from claim (i)',
    ),
  );
  return claims;
}

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`;

export function verdictsMarkdown(claims: readonly ClaimResult[]): string {
  const lines = [
    "## The paper's four claims at this scale",
    '',
    '| claim | measured effect (points, 95 % CI) | verdict |',
    '|---|---|---|',
  ];
  for (const c of claims) {
    const e = c.effect ? `${pct(c.effect.mean)} [${pct(c.effect.lo)}, ${pct(c.effect.hi)}] (n = ${c.effect.n})` : '—';
    lines.push(`| ${c.claim} | ${e} | **${c.verdict}** |`);
  }
  lines.push(
    '',
    'Rule, fixed before the numbers: supported if the 95 % interval is above 0, not supported if below 0, inconclusive if it contains 0.',
  );
  for (const c of claims) {
    if (!c.parts.length) continue;
    lines.push('', `**${c.claim}** (${c.note})`);
    for (const p of c.parts)
      lines.push(
        `- ${p.what}: ${pct(p.effect.mean)} [${pct(p.effect.lo)}, ${pct(p.effect.hi)}] over ${p.effect.n} examples`,
      );
  }
  return `${lines.join('\n')}\n`;
}
