// Which model is which in the paper's comparisons, read from the model labels:
//   base                     the base model
//   warmup                   the warmed-up model (SFT on K&K traces)
//   base+rlvr:<domain>       RLVR from the base model on <domain> (math, code, mmlu-pro, kk, …)
//   warmup+rlvr:<domain>     RLVR from the warmed-up model on <domain>
// (`+rlvr` without a domain counts as in-domain for every benchmark.) Other labels appear in the
// results table, the comparisons and the sample browser, but not in Figures 2–4.
import type { TaskResult } from '../eval/aggregate.js';

export interface Role {
  start: 'base' | 'warmup';
  /** null: no RLVR; '*': RLVR on an unnamed domain. */
  rlvr: string | null;
}

export function parseRole(label: string): Role | null {
  const m = /^(base|warmup)(?:\+rlvr(?::(.+))?)?$/i.exec(label.trim());
  if (!m) return null;
  const start = m[1]!.toLowerCase() as Role['start'];
  const hasRlvr = /\+rlvr/i.test(label);
  return { start, rlvr: hasRlvr ? m[2]?.trim() || '*' : null };
}

/** All results by model label and task selector (the first one wins when folders overlap). */
export class ResultIndex {
  private readonly map = new Map<string, TaskResult>();
  readonly duplicates: string[] = [];
  constructor(results: Iterable<TaskResult>) {
    for (const r of results) {
      const k = `${r.model}\u0000${r.task}`;
      if (this.map.has(k)) this.duplicates.push(`${r.model} on ${r.task}`);
      else this.map.set(k, r);
    }
  }
  get(model: string, task: string): TaskResult | undefined {
    return this.map.get(`${model}\u0000${task}`);
  }
  all(): TaskResult[] {
    return [...this.map.values()];
  }
  models(): string[] {
    return [...new Set(this.all().map((r) => r.model))];
  }
  tasks(): string[] {
    return [...new Set(this.all().map((r) => r.task))];
  }
  /** The label with this role, if any. */
  find(pred: (role: Role) => boolean): string[] {
    return this.models().filter((m) => {
      const r = parseRole(m);
      return r !== null && pred(r);
    });
  }
}

/** The RLVR model from `start` that was trained on `domain` (in-domain for a benchmark), if any. */
export function inDomainRlvr(index: ResultIndex, start: Role['start'], domain: string): string | undefined {
  const exact = index.find((r) => r.start === start && r.rlvr === domain);
  if (exact.length) return exact[0];
  // `mmlu-pro:physics` (RLVR on one MMLU-Pro category) is in-domain for the mmlu-pro benchmark
  const part = index.find((r) => r.start === start && r.rlvr !== null && r.rlvr.startsWith(`${domain}:`));
  if (part.length) return part[0];
  const any = index.find((r) => r.start === start && r.rlvr === '*');
  return any[0];
}
