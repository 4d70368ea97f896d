// `kindling run`: plan, run (with caching), then the verdicts and a terminal summary.
import { existsSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { mean } from '../eval/stats.js';
import { readMetrics } from '../report/metrics-file.js';
import { RLVR_HEADER, rlvrCells, summariseRlvrRun } from '../report/rlvr-runs.js';
import { formatSeconds } from '../util/progress.js';
import { type StageCall, settingsArgs } from './calls.js';
import type { Experiment } from './config.js';
import { buildPlan, type Plan } from './plan.js';
import { describePlan, type RunResult, runPlan } from './runner.js';
import { type ClaimResult, computeVerdicts, readResults, verdictsMarkdown } from './verdict.js';

export interface ExperimentOutcome {
  plan: Plan;
  run: RunResult | null;
  verdicts: ClaimResult[];
  summary: string;
}

/** In-domain evaluation task of each RLVR domain: its periodic-eval selector when that is evaluated, else the task. */
function inDomainTasks(e: Experiment): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of e.rlvr.domains) {
    const pick = [d.eval, d.task, d.domain].find((x) => x && e.eval.tasks.includes(x));
    if (pick) out[d.domain] = pick;
  }
  return out;
}

export function summarise(e: Experiment, plan: Plan, verdicts: ClaimResult[], run: RunResult | null): string {
  const lines: string[] = [];
  const byLabel = new Map<string, Map<string, number[]>>();
  for (const d of plan.evalDirs)
    for (const r of readResults(d.dir)) {
      const m = byLabel.get(r.model) ?? new Map<string, number[]>();
      m.set(r.task, [...(m.get(r.task) ?? []), r.score.mean]);
      byLabel.set(r.model, m);
    }
  const tasks = e.eval.tasks;
  const w = Math.max(8, ...[...byLabel.keys()].map((l) => l.length));
  lines.push(`${'model'.padEnd(w)}  ${tasks.map((t) => t.padStart(12)).join('  ')}`);
  for (const [label, m] of byLabel) {
    const cells = tasks.map((t) => {
      const xs = m.get(t);
      if (!xs) return '—'.padStart(12);
      return `${(100 * mean(xs)).toFixed(1)}%`.padStart(12);
    });
    lines.push(`${label.padEnd(w)}  ${cells.join('  ')}`);
  }
  lines.push('');
  for (const c of verdicts) {
    const eff = c.effect
      ? `${(100 * c.effect.mean).toFixed(1)} points [${(100 * c.effect.lo).toFixed(1)}, ${(100 * c.effect.hi).toFixed(1)}]`
      : 'not measured';
    lines.push(`${c.verdict.toUpperCase().padEnd(14)} ${c.claim}  — ${eff}`);
  }
  // Whether each RLVR run had a learning signal and stayed healthy (the report's "RLVR runs" table).
  const runs = plan.rlvrDirs.flatMap((dir) => {
    const file = join(dir, 'metrics.jsonl');
    return existsSync(file) ? (summariseRlvrRun(basename(dir), readMetrics(file)) ?? []) : [];
  });
  if (runs.length) {
    lines.push('', `rlvr runs: ${RLVR_HEADER.slice(1).join(' | ')}`);
    for (const r of runs) lines.push(`  ${rlvrCells(r).join(' | ')}`);
  }
  if (run) {
    lines.push('', 'stage times:');
    for (const s of plan.stages)
      lines.push(
        `  ${s.id.padEnd(34)} ${formatSeconds(run.seconds[s.id] ?? 0)}${run.skipped.includes(s.id) ? ' (cached)' : ''}`,
      );
  }
  lines.push('', `report: ${plan.report}`);
  return lines.join('\n');
}

/** Checks what can be checked before hours of compute: trainer settings and evaluation task names. */
export async function validateExperiment(e: Experiment): Promise<void> {
  const { resolveConfig } = await import('../train/config-load.js');
  const { SftConfigSchema } = await import('../train/sft-config.js');
  const { GrpoConfigSchema } = await import('../train/grpo-config.js');
  const { parseOverrides } = await import('../train/config-load.js');
  const kebab = (s: Record<string, unknown>) => parseOverrides(settingsArgs(s));
  const where = (what: string, f: () => unknown) => {
    try {
      f();
    } catch (err) {
      throw new Error(`${e.file}: ${what}: ${(err as Error).message}`);
    }
  };
  where('warmup settings', () =>
    resolveConfig(SftConfigSchema, e.warmup.config ?? undefined, kebab(e.warmup.settings)),
  );
  where('rlvr settings', () => resolveConfig(GrpoConfigSchema, e.rlvr.config ?? undefined, kebab(e.rlvr.settings)));
  const { knownTaskNames, lookupTaskName, parseSelector } = await import('../tasks/registry.js');
  const check = (what: string, sel: string) => {
    if (!lookupTaskName(parseSelector(sel).name))
      throw new Error(`${e.file}: ${what} task '${sel}' is unknown (${knownTaskNames()})`);
  };
  for (const sel of [...e.eval.tasks, ...e.rlvr.domains.flatMap((d) => (d.eval ? d.eval.split(',') : []))])
    check('evaluation', sel);
  const grid = e.warmup.lr_grid;
  if (grid.length) {
    const v = e.warmup.validation;
    if (!v) throw new Error(`${e.file}: warmup.lr_grid needs warmup.validation (the tasks the rates are chosen on)`);
    if (new Set(grid).size !== grid.length)
      throw new Error(`${e.file}: warmup.lr_grid lists a rate twice (${grid.join(', ')})`);
    for (const sel of v.tasks) {
      check('warmup.validation', sel);
      // A choice made on the test items would leak them into the protocol.
      if (e.eval.tasks.includes(sel) || parseSelector(sel).args !== 'validation')
        throw new Error(
          `${e.file}: warmup.validation task '${sel}' is not a validation split (use e.g. '${parseSelector(sel).name}:validation'): the learning rate must not be chosen on test items`,
        );
    }
  }
  for (const d of e.rlvr.domains) check('rlvr', d.task);
}

export async function runExperiment(
  e: Experiment,
  o: { dryRun?: boolean; log?: (s: string) => void; checkCall?: (call: StageCall) => unknown } = {},
): Promise<ExperimentOutcome> {
  const log = o.log ?? ((s: string) => console.error(s));
  await validateExperiment(e);
  const plan = buildPlan(e);
  for (const s of plan.stages)
    try {
      o.checkCall?.(s.call);
    } catch (err) {
      throw new Error(`${e.file}: stage ${s.id}: ${(err as Error).message}`);
    }
  if (o.dryRun) {
    const text = `plan for ${e.name} → ${e.out} (${plan.stages.length} stages)\n${describePlan(e.out, plan)}`;
    return { plan, run: null, verdicts: [], summary: text };
  }
  log(`${e.name}: ${plan.stages.length} stages → ${e.out}`);
  const verdictsOf = () => {
    const v = computeVerdicts({
      evalDirs: plan.evalDirs.map((d) => d.dir),
      rlvrRuns: plan.rlvrDirs.map((dir) => {
        const m = /rlvr-(base|warmup)-(.+)-s\d+$/.exec(dir)!;
        return { start: m[1] as 'base' | 'warmup', domain: m[2]!, dir };
      }),
      inDomainTask: inDomainTasks(e),
      excludeFromTargets: e.eval.tasks.filter((t) => t === 'kk' || t.startsWith('kk:')),
    });
    writeFileSync(join(e.out, 'verdicts.json'), `${JSON.stringify({ seeds: e.seeds, claims: v }, null, 2)}\n`);
    writeFileSync(join(e.out, 'verdicts.md'), verdictsMarkdown(v));
    return v;
  };
  // The verdicts are computed from the evaluations before the report, which shows them first.
  const run = await runPlan(e.out, plan, { log, beforeStage: (s) => s.id === 'report' && verdictsOf() });
  const verdicts = verdictsOf();
  const summary = summarise(e, plan, verdicts, run);
  writeFileSync(join(e.out, 'summary.txt'), `${summary}\n`);
  return { plan, run, verdicts, summary };
}
