// GRPO's per-step metrics under TRL's names (reward, reward_std, frac_reward_zero_std,
// completions/*, clip_ratio/*, entropy, kl; completions/well_formed_ratio is ours), over every rank's kept completions, and the sampled
// completions written to samples.jsonl.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { mean as meanOf, sampleStd } from '../util/stats.js';
import type { DataParallel } from './data-parallel.js';
import type { Rollout, StepBatch } from './grpo-rollout.js';
import type { UpdateStats } from './grpo-update.js';
import type { MetricsRow } from './run.js';

// An empty step (every group dropped) logs zeros, not NaN (which JSON cannot hold).
const mean = (xs: readonly number[]) => (xs.length ? meanOf(xs) : 0);
const std = (xs: readonly number[]) => (xs.length > 1 ? sampleStd(xs) : 0);

export interface StepInfo {
  step: number;
  epoch: number;
  learningRate: number;
  numGenerations: number;
  beta: number;
  /** Milliseconds spent in the update. */
  trainMs: number;
  /** Seconds since the run (this process) started. */
  elapsed: number;
}

export function stepMetrics(batch: StepBatch, u: UpdateStats, s: StepInfo): MetricsRow {
  const all = batch.kept;
  const G = s.numGenerations;
  const lengths = all.map((r) => r.length);
  const rewards = all.map((r) => r.reward);
  const { generate, score } = batch.timing;
  const total = generate + score + s.trainMs;
  const row: MetricsRow = {
    step: s.step,
    epoch: +s.epoch.toFixed(4),
    loss: u.loss,
    reward: mean(rewards),
    reward_std: std(rewards),
    frac_reward_zero_std: batch.zeroStdGroups / Math.max(1, batch.generated / G),
    'completions/mean_length': mean(lengths),
    'completions/min_length': lengths.length ? Math.min(...lengths) : 0,
    'completions/max_length': lengths.length ? Math.max(...lengths) : 0,
    // Over every sampled completion (dropped groups too): how often the policy writes the format at all.
    'completions/well_formed_ratio': batch.generated ? batch.wellFormed / batch.generated : 0,
    'completions/clipped_ratio': all.length ? all.filter((r) => r.truncated).length / all.length : 0,
    clip_ratio: u.tokens ? (u.clipLow + u.clipHigh) / u.tokens : 0,
    'clip_ratio/low_mean': u.tokens ? u.clipLow / u.tokens : 0,
    'clip_ratio/high_mean': u.tokens ? u.clipHigh / u.tokens : 0,
    entropy: u.tokens ? u.entropySum / u.tokens : 0,
    grad_norm: u.gradNorm,
    learning_rate: s.learningRate,
    'time/generate': generate / 1000,
    'time/score': score / 1000,
    'time/train': s.trainMs / 1000,
    'time/generate_share': total ? generate / total : 0,
    'rewards/failures': batch.failures.length,
    elapsed: s.elapsed,
    groups_used: all.length / G,
  };
  if (s.beta > 0) row.kl = u.tokens ? u.klSum / u.tokens : 0;
  for (const [k, v] of Object.entries(batch.perFunction)) row[`rewards/${k}/mean`] = mean(v);
  for (const [k, v] of Object.entries(batch.reasonCounts)) if (k) row[`reasons/${k}`] = v;
  return row;
}

/** Appends a step's completions to <out>/samples.jsonl (every rank's, rank 0 writes). */
export function logSamples(out: string, step: number, rollouts: readonly Rollout[], dp: DataParallel): void {
  const samples = rollouts.map((r) => ({
    step,
    example_id: r.example.id,
    completion: r.completion.text,
    reward: r.reward,
    advantage: r.advantage,
    finish_reason: r.completion.finishReason,
    tokens: r.completion.tokenIds.length,
  }));
  // Ranks hold contiguous blocks of each round's prompts: concatenated in rank order they are in
  // one-process order whenever a step has a single generation round.
  const lines = dp
    .gather(samples)
    .flat()
    .map((x) => JSON.stringify(x));
  if (dp.isMain) appendFileSync(join(out, 'samples.jsonl'), lines.map((l) => `${l}\n`).join(''));
}
