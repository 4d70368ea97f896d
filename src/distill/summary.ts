// The end-of-run summary: the whole dataset on disk (rows from earlier runs included), not only this
// run. Teacher accuracy counts every sample the teacher wrote, kept or filtered out.
import type { Row } from './keyed-jsonl.js';

export interface LengthStats {
  /** 'tokens' when every sample has a token count, else 'chars'. */
  unit: 'tokens' | 'chars';
  count: number;
  mean: number;
  min: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export interface Summary {
  status: 'complete' | 'interrupted' | 'aborted';
  out: string;
  teacher: string;
  params: Record<string, unknown>;
  puzzles: number;
  samples_per_puzzle: number;
  /** puzzles × samples_per_puzzle. */
  keys: number;
  /** Samples the teacher wrote (kept + filtered). */
  samples: number;
  kept: number;
  filtered: number;
  failed: number;
  /** Keys with neither a sample nor a failure record (the run was stopped). */
  missing: number;
  this_run: {
    written: number;
    failed: number;
    /** Failed attempts (each retried or ending in a failure). */
    errors: number;
    seconds: number;
    samples_per_second: number;
  };
  accuracy: { overall: number | null; by_size: Record<string, { samples: number; correct: number; accuracy: number }> };
  format_ok: number;
  finish_reasons: Record<string, number>;
  completion_length: LengthStats | null;
  failures: { by_kind: Record<string, number>; examples: { id: string; error: string }[] };
  error?: string;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export class SummaryCollector {
  private readonly bySize = new Map<string, { samples: number; correct: number }>();
  private readonly finish = new Map<string, number>();
  private readonly failKinds = new Map<string, number>();
  private readonly failExamples: { id: string; error: string }[] = [];
  private tokens: number[] = [];
  private chars: number[] = [];
  private allTokens = true;
  samples = 0;
  correct = 0;
  formatOk = 0;
  failed = 0;

  addSample(row: Row, people: number | null): void {
    this.samples++;
    const size = String(people ?? (typeof row.people === 'number' ? row.people : 'unknown'));
    const s = this.bySize.get(size) ?? { samples: 0, correct: 0 };
    s.samples++;
    if (row.correct === true) {
      s.correct++;
      this.correct++;
    }
    this.bySize.set(size, s);
    if (typeof row.reward === 'number' && row.reward !== -2) this.formatOk++;
    const fr = typeof row.finish_reason === 'string' ? row.finish_reason : 'unknown';
    this.finish.set(fr, (this.finish.get(fr) ?? 0) + 1);
    const c = typeof row.completion === 'string' ? row.completion.length : 0;
    this.chars.push(c);
    if (typeof row.completion_tokens === 'number') this.tokens.push(row.completion_tokens);
    else this.allTokens = false;
  }

  addFailure(row: Row): void {
    this.failed++;
    const kind = typeof row.kind === 'string' ? row.kind : 'unknown';
    this.failKinds.set(kind, (this.failKinds.get(kind) ?? 0) + 1);
    if (this.failExamples.length < 5)
      this.failExamples.push({ id: String(row.id ?? ''), error: String(row.error ?? '') });
  }

  lengths(): LengthStats | null {
    const unit = this.allTokens && this.tokens.length ? 'tokens' : 'chars';
    const v = (unit === 'tokens' ? this.tokens : this.chars).slice().sort((a, b) => a - b);
    if (!v.length) return null;
    return {
      unit,
      count: v.length,
      mean: Math.round((v.reduce((a, b) => a + b, 0) / v.length) * 10) / 10,
      min: v[0]!,
      p50: percentile(v, 50),
      p90: percentile(v, 90),
      p95: percentile(v, 95),
      p99: percentile(v, 99),
      max: v[v.length - 1]!,
    };
  }

  accuracy(): Summary['accuracy'] {
    const by_size: Summary['accuracy']['by_size'] = {};
    const sizes = [...this.bySize.keys()].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
    for (const k of sizes) {
      const s = this.bySize.get(k)!;
      by_size[k] = { ...s, accuracy: round4(s.correct / s.samples) };
    }
    return { overall: this.samples ? round4(this.correct / this.samples) : null, by_size };
  }

  finishReasons(): Record<string, number> {
    return Object.fromEntries([...this.finish].sort((a, b) => b[1] - a[1]));
  }

  failures(): Summary['failures'] {
    return { by_kind: Object.fromEntries(this.failKinds), examples: this.failExamples };
  }
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** The summary as a few readable lines. */
export function formatSummary(s: Summary): string {
  const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);
  const lines = [
    `distill ${s.status}: ${s.samples}/${s.keys} samples (${s.kept} kept${s.filtered ? `, ${s.filtered} filtered out` : ''}), ${s.failed} failed, ${s.missing} missing → ${s.out}`,
    `  this run: ${s.this_run.written} written, ${s.this_run.failed} failed, ${s.this_run.errors} errors retried or failed, ${s.this_run.seconds.toFixed(1)} s, ${s.this_run.samples_per_second.toFixed(2)} samples/s`,
    `  teacher ${s.teacher}: accuracy ${pct(s.accuracy.overall)}${
      Object.keys(s.accuracy.by_size).length
        ? ` (${Object.entries(s.accuracy.by_size)
            .map(([k, v]) => `${k} ppl ${pct(v.accuracy)} of ${v.samples}`)
            .join(', ')})`
        : ''
    }; format ok ${s.samples ? pct(s.format_ok / s.samples) : '—'}`,
    `  finish reasons: ${
      Object.entries(s.finish_reasons)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || '—'
    }`,
  ];
  const L = s.completion_length;
  if (L)
    lines.push(
      `  completion length (${L.unit}): mean ${L.mean}, min ${L.min}, p50 ${L.p50}, p90 ${L.p90}, p95 ${L.p95}, p99 ${L.p99}, max ${L.max}`,
    );
  if (s.failed) {
    lines.push(
      `  failures by kind: ${Object.entries(s.failures.by_kind)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    for (const ex of s.failures.examples) lines.push(`    ${ex.id}: ${ex.error}`);
  }
  if (s.error) lines.push(`  stopped: ${s.error}`);
  return lines.join('\n');
}
