// Runs a plan: each stage is a child `kindling` process; a stage whose hash matches a finished
// record is skipped, an interrupted one is resumed, a changed one is redone from scratch.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../paths.js';
import { formatSeconds, progressEnabled } from '../util/progress.js';
import { commandLine, resumable, type StageCall } from './calls.js';
import type { Plan, Stage } from './plan.js';

export type StageStatus = 'done' | 'resume' | 'run';

interface StageRecord {
  id: string;
  hash: string;
  done: boolean;
  seconds?: number;
  finished?: string;
}

const recordFile = (out: string, id: string) => join(out, '.stages', `${id}.json`);

function readRecord(out: string, id: string): StageRecord | null {
  try {
    return JSON.parse(readFileSync(recordFile(out, id), 'utf8')) as StageRecord;
  } catch {
    return null;
  }
}

export function stageStatus(out: string, s: Stage): StageStatus {
  const r = readRecord(out, s.id);
  if (!r || r.hash !== s.hash) return 'run';
  return r.done ? 'done' : 'resume';
}

export function describePlan(out: string, plan: Plan): string {
  const lines = plan.stages.map((s) => {
    const st = stageStatus(out, s);
    const mark = st === 'done' ? 'cached ' : st === 'resume' ? 'resume ' : 'run    ';
    return `  ${mark} ${s.id.padEnd(34)} ${s.title}\n           kindling ${commandLine(s.call)
      .map((a) => (/\s/.test(a) ? JSON.stringify(a) : a))
      .join(' ')}`;
  });
  return lines.join('\n');
}

/**
 * Runs the call in a child process (each stage gets its own memory and native state) through the
 * command's own function: the child is handed the typed call, not argv (src/cli/stage-worker.ts).
 */
function runStageCall(call: StageCall, log: (s: string) => void): Promise<void> {
  const args = commandLine(call);
  return new Promise((res, rej) => {
    const worker = join(REPO_ROOT, 'dist', 'src', 'cli', 'stage-worker.js');
    const child = spawn(process.execPath, [worker, JSON.stringify(call)], { stdio: ['ignore', 'inherit', 'inherit'] });
    const forward = () => child.kill('SIGINT');
    process.on('SIGINT', forward);
    child.on('error', rej);
    child.on('exit', (code, signal) => {
      process.removeListener('SIGINT', forward);
      if (code === 0) res();
      else rej(new Error(`kindling ${args[0]} exited with ${code ?? signal}`));
    });
    log(`$ kindling ${args.join(' ')}`);
  });
}

export interface RunResult {
  ran: string[];
  skipped: string[];
  seconds: Record<string, number>;
}

export async function runPlan(
  out: string,
  plan: Plan,
  o: { log?: (s: string) => void; beforeStage?: (s: Stage) => void } = {},
): Promise<RunResult> {
  // The per-stage lines are progress: --no-progress leaves only the caller's final summary.
  const log = progressEnabled() ? (o.log ?? ((s: string) => console.error(s))) : () => {};
  mkdirSync(join(out, '.stages'), { recursive: true });
  const result: RunResult = { ran: [], skipped: [], seconds: {} };
  const total = plan.stages.length;
  for (const [i, s] of plan.stages.entries()) {
    const status = stageStatus(out, s);
    const prefix = `[${i + 1}/${total}] ${s.id}`;
    if (status === 'done') {
      const r = readRecord(out, s.id)!;
      log(`${prefix}: cached (${formatSeconds(r.seconds ?? 0)} when it ran)`);
      result.skipped.push(s.id);
      result.seconds[s.id] = r.seconds ?? 0;
      continue;
    }
    if (status === 'run') {
      // Stale results of an older configuration are removed so nothing mixes.
      if (existsSync(s.dir) && resolve(s.dir) !== resolve(out)) rmSync(s.dir, { recursive: true, force: true });
      if (s.id === 'report') rmSync(plan.report, { force: true });
    }
    log(`${prefix}: ${status === 'resume' ? 'resuming' : 'running'} — ${s.title}`);
    writeFileSync(
      recordFile(out, s.id),
      `${JSON.stringify({ id: s.id, hash: s.hash!, done: false } satisfies StageRecord)}\n`,
    );
    mkdirSync(s.dir, { recursive: true });
    o.beforeStage?.(s);
    const t0 = Date.now();
    const resume = status === 'resume' && resumable(s.call);
    await runStageCall(
      resume ? ({ ...s.call, options: { ...s.call.options, resume: true } } as StageCall) : s.call,
      log,
    );
    const seconds = (Date.now() - t0) / 1000;
    writeFileSync(
      recordFile(out, s.id),
      `${JSON.stringify({ id: s.id, hash: s.hash!, done: true, seconds, finished: new Date().toISOString() } satisfies StageRecord)}\n`,
    );
    log(`${prefix}: done in ${formatSeconds(seconds)}`);
    result.ran.push(s.id);
    result.seconds[s.id] = seconds;
  }
  return result;
}
