// GRPO's rollout phase, as TRL's trainer has it: prompts → G sampled completions each (one shared
// prefill per prompt) → rewards → group-relative advantages → the groups kept for the update
// (dynamic sampling drops, or replaces, groups whose rewards are all equal). Every rank draws the
// same prompts and seeds, generates and scores only its own contiguous block of prompts, and then
// sees every rank's scores, so the kept set and the loss normalisers are the one-process ones.
import { type Completion, generate } from '../generate/generate.js';
import type { CausalLM } from '../model/decoder.js';
import { checkFormat } from '../tasks/format.js';
import type { Example, Task } from '../tasks/types.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import type { DataParallel } from './data-parallel.js';
import type { GrpoConfig } from './grpo-config.js';
import { type Advantages, computeAdvantages } from './grpo-loss.js';
import { type NamedReward, scoreCompletions } from './rewards.js';

/** One sampled completion prepared for the update. */
export interface Rollout {
  example: Example;
  promptIds: number[];
  completion: Completion;
  reward: number;
  advantage: number;
  /** Loss mask weight for the whole completion (0 when masked as truncated). */
  keep: number;
}

/** What every rank learns about each kept completion of a step (for metrics and loss normalisers). */
export interface RolloutSummary {
  reward: number;
  length: number;
  truncated: boolean;
  keep: number;
}

/** A step's rollouts: this rank's kept groups, and what every rank kept and saw. */
export interface StepBatch {
  /** This rank's kept groups (G rollouts each). */
  groups: Rollout[][];
  /** Every rank's kept completions, in one-process order. */
  kept: RolloutSummary[];
  /** Completions kept on each rank (for the micro-batch count normaliser). */
  keptPerRank: number[];
  /** Groups sampled (all rounds) whose rewards were all equal. */
  zeroStdGroups: number;
  /** Completions sampled (all rounds, all ranks). */
  generated: number;
  /** Of those, the ones that pass the paper's format gate (checkFormat). */
  wellFormed: number;
  /** Reward calls that failed, as 'name: message'. */
  failures: string[];
  /** Raw scores per reward function, over every sampled completion. */
  perFunction: Record<string, number[]>;
  /** How often each of the task's reason codes came up. */
  reasonCounts: Record<string, number>;
  /** Milliseconds spent sampling and scoring. */
  timing: { generate: number; score: number };
}

/** Every rank's scores for one round's completions, in prompt order. */
export interface Scored {
  total: number[];
  reasons: string[];
  failures: string[];
  lengths: number[];
  truncated: boolean[];
  /** Whether each completion passes the paper's format gate, whatever the reward functions are. */
  wellFormed: boolean[];
  perFunction: Record<string, number[]>[];
}

export interface RolloutContext {
  model: CausalLM;
  tokenizer: Tokenizer;
  task: Task;
  rewards: NamedReward[];
  cfg: GrpoConfig;
  dp: DataParallel;
}

/** Left truncation to max_prompt_length (the paper keeps the end of the prompt, where the question is). */
export function promptIds(tok: Tokenizer, text: string, max: number): number[] {
  const ids = tok.encode(text);
  return ids.length > max ? ids.slice(ids.length - max) : ids;
}

/** G completions for each prompt, sampled with the step's seeds (one per prompt). */
export function sample(ctx: RolloutContext, prompts: number[][], seeds: number[]): Completion[][] {
  const { model, tokenizer, cfg } = ctx;
  if (prompts.length === 0) return [];
  // LoRA: sampling runs on merged weights (no adapter matmuls per decode step).
  return model.withMergedAdapter(() =>
    generate(model, tokenizer, prompts, {
      n: cfg.num_generations,
      maxNewTokens: cfg.max_completion_length,
      temperature: cfg.temperature,
      topP: cfg.top_p,
      topK: cfg.top_k,
      minP: cfg.min_p,
      stop: cfg.stop,
      seeds,
    }),
  );
}

/** Rewards for this rank's completions, then every rank's, gathered in prompt order. */
export async function score(
  examples: readonly Example[],
  completions: readonly Completion[][],
  rewards: readonly NamedReward[],
  cfg: Pick<GrpoConfig, 'reward_timeout' | 'reward_on_error'>,
  dp: DataParallel,
): Promise<Scored> {
  const items = examples.flatMap((e, i) => completions[i]!.map((c) => ({ completion: c.text, example: e })));
  const local = await scoreCompletions(items, rewards, {
    timeoutSeconds: cfg.reward_timeout,
    onError: cfg.reward_on_error,
  });
  const completed = completions.flat();
  const shares = dp.gather({
    total: local.total,
    perFunction: local.perFunction,
    reasons: local.reasons,
    failures: local.failures.map((f) => `${f.name}: ${f.message}`),
    lengths: completed.map((c) => c.tokenIds.length),
    truncated: completed.map((c) => c.finishReason === 'length'),
    wellFormed: completed.map((c) => checkFormat(c.text).ok),
  });
  return {
    total: shares.flatMap((x) => x.total),
    reasons: shares.flatMap((x) => x.reasons),
    failures: shares.flatMap((x) => x.failures),
    lengths: shares.flatMap((x) => x.lengths),
    truncated: shares.flatMap((x) => x.truncated),
    wellFormed: shares.flatMap((x) => x.wellFormed),
    perFunction: shares.map((x) => x.perFunction),
  };
}

/** Group-relative advantages of a round's rewards (consecutive groups of G), TRL's scale_rewards. */
export function advantages(scored: Scored, cfg: Pick<GrpoConfig, 'num_generations' | 'scale_rewards'>): Advantages {
  return computeAdvantages(scored.total, cfg.num_generations, cfg.scale_rewards);
}

/** The rank whose contiguous block of a round's n prompts holds prompt i. */
function ownerOf(i: number, n: number, dp: DataParallel): number {
  return Array.from({ length: dp.worldSize }, (_, r) => dp.block(n, r)).findIndex(([a, b]) => i >= a && i < b);
}

/** One round's sampled prompts, as the rank that sampled them sees them. */
export interface Round {
  examples: Example[];
  /** [from, to): this rank's block of examples. */
  from: number;
  prompts: number[][];
  completions: Completion[][];
}

/**
 * Adds a round's groups to the step's batch: groups with zero reward variance are counted, and
 * dropped unless dynamic_sampling is off; no more than P groups are kept.
 */
export function keepGroups(
  batch: StepBatch,
  round: Round,
  scored: Scored,
  adv: Advantages,
  P: number,
  cfg: Pick<GrpoConfig, 'num_generations' | 'dynamic_sampling' | 'mask_truncated_completions'>,
  dp: DataParallel,
): void {
  const G = cfg.num_generations;
  const keepOf = (truncated: boolean) => (cfg.mask_truncated_completions && truncated ? 0 : 1);
  round.examples.forEach((e, i) => {
    const flat = adv.zeroStd[i * G]!;
    if (flat) batch.zeroStdGroups++;
    if (flat && cfg.dynamic_sampling !== 'off') return;
    if (batch.kept.length / G >= P) return;
    for (let k = 0; k < G; k++) {
      const j = i * G + k;
      batch.kept.push({
        reward: scored.total[j]!,
        length: scored.lengths[j]!,
        truncated: scored.truncated[j]!,
        keep: keepOf(scored.truncated[j]!),
      });
    }
    const owner = ownerOf(i, round.examples.length, dp);
    batch.keptPerRank[owner]! += G;
    if (owner !== dp.rank) return;
    const m = i - round.from;
    batch.groups.push(
      round.completions[m]!.map((c, k) => ({
        example: e,
        promptIds: round.prompts[m]!,
        completion: c,
        reward: scored.total[i * G + k]!,
        advantage: adv.advantages[i * G + k]!,
        keep: keepOf(c.finishReason === 'length'),
      })),
    );
  });
}

/**
 * A step's rollouts: P prompts (from `nextPrompts`) sampled, scored and kept; with
 * dynamic_sampling 'resample', further rounds replace dropped groups, up to max_resample_rounds.
 * `rng` draws the per-prompt sampling seeds, so the step's samples depend only on it.
 */
export async function rollout(
  ctx: RolloutContext,
  P: number,
  rng: () => number,
  nextPrompts: (n: number) => Example[],
): Promise<StepBatch> {
  const { cfg, dp, tokenizer, task } = ctx;
  const G = cfg.num_generations;
  const batch: StepBatch = {
    groups: [],
    kept: [],
    keptPerRank: new Array<number>(dp.worldSize).fill(0),
    zeroStdGroups: 0,
    generated: 0,
    wellFormed: 0,
    failures: [],
    perFunction: {},
    reasonCounts: {},
    timing: { generate: 0, score: 0 },
  };
  const rounds = cfg.dynamic_sampling === 'resample' ? cfg.max_resample_rounds : 0;
  for (let r = 0; r <= rounds; r++) {
    const need = r === 0 ? P : P - batch.kept.length / G;
    if (need <= 0) break;
    const examples = nextPrompts(need);
    const seeds = examples.map(() => Math.floor(rng() * 2 ** 30));
    const [from, to] = dp.block(examples.length);
    const mine = examples.slice(from, to);
    const prompts = mine.map((e) => promptIds(tokenizer, task.prompt(e, { mode: 'train' }), cfg.max_prompt_length));
    let t = Date.now();
    const completions = sample(ctx, prompts, seeds.slice(from, to));
    batch.timing.generate += Date.now() - t;
    batch.generated += examples.length * G;
    t = Date.now();
    const scored = await score(mine, completions, ctx.rewards, cfg, dp);
    batch.timing.score += Date.now() - t;
    batch.failures.push(...scored.failures);
    batch.wellFormed += scored.wellFormed.filter(Boolean).length;
    for (const share of scored.perFunction)
      for (const [k, v] of Object.entries(share)) (batch.perFunction[k] ??= []).push(...v);
    for (const reason of scored.reasons) batch.reasonCounts[reason] = (batch.reasonCounts[reason] ?? 0) + 1;
    keepGroups(batch, { examples, from, prompts, completions }, scored, advantages(scored, cfg), P, cfg, dp);
    if (cfg.dynamic_sampling !== 'resample') break;
  }
  return batch;
}
