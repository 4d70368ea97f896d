// The "four claims" section: verdicts computed by `kindling run` (src/pipeline/verdict.ts), read
// from a verdicts.json and shown first in the report and its Markdown summary.
import { readFileSync } from 'node:fs';

export interface VerdictEffect {
  mean: number;
  lo: number;
  hi: number;
  n: number;
}
export interface VerdictClaim {
  id: string;
  claim: string;
  effect: VerdictEffect | null;
  verdict: string;
  parts: { what: string; effect: VerdictEffect }[];
  note: string;
}

export function readVerdicts(file: string): { seeds: number[]; claims: VerdictClaim[] } {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: cannot read verdicts (${(e as Error).message})`);
  }
}

const pts = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}`;
const interval = (e: VerdictEffect) => `${pts(e.mean)} [${pts(e.lo)}, ${pts(e.hi)}]`;
const RULE =
  'Effects in accuracy points with 95 % confidence intervals, paired over examples (trials and seeds averaged per example), benchmarks pooled with equal weight. The rule was fixed before any numbers: supported if the interval lies above 0, not supported if it lies below 0, inconclusive if it contains 0.';

export function verdictsHtml(v: { seeds: number[]; claims: VerdictClaim[] }, esc: (s: string) => string): string {
  const rows = v.claims
    .map((c) => {
      const details = c.parts.length
        ? `<details><summary>${c.parts.length} measurement(s): ${esc(c.note)}</summary><ul>${c.parts
            .map((p) => `<li>${esc(p.what)}: ${esc(interval(p.effect))} over ${p.effect.n} examples</li>`)
            .join('')}</ul></details>`
        : '';
      return `<tr><td>${esc(c.claim)}${details}</td><td class="num">${c.effect ? esc(interval(c.effect)) : '—'}</td><td class="verdict ${esc(c.verdict.replace(/ /g, '-'))}"><strong>${esc(c.verdict)}</strong></td></tr>`;
    })
    .join('\n');
  return `<p class="muted">${esc(RULE)} Seeds: ${v.seeds.join(', ')}.</p>
<table><thead><tr><th>claim</th><th>measured effect (points, 95 % CI)</th><th>verdict</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

export function verdictsMarkdown(v: { seeds: number[]; claims: VerdictClaim[] }): string[] {
  const lines = [
    "## The paper's four claims at this scale",
    '',
    RULE,
    '',
    '| claim | effect (points, 95 % CI) | verdict |',
    '|---|---:|---|',
  ];
  for (const c of v.claims) lines.push(`| ${c.claim} | ${c.effect ? interval(c.effect) : '—'} | **${c.verdict}** |`);
  lines.push('');
  return lines;
}
