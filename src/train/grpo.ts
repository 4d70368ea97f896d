// RLVR with GRPO, shaped like TRL's GRPOTrainer: each step samples G completions for each of
// `prompts_per_step` prompts (one shared prefill per prompt), scores them with verifiable rewards,
// turns rewards into group-relative advantages, and updates the policy with the clipped surrogate
// loss. The paper's recipe: no KL (β = 0, no reference model), no std scaling, token-mean loss
// (dapo), one update per batch.
// Data-parallel when launched as several ranks: each step's prompts are split into contiguous
// blocks, one per rank (a prompt's group never straddles ranks); every rank generates and scores its
// groups, rewards are gathered so advantages, dynamic sampling, loss normalisers and metrics are the
// one-process ones, and gradients are summed across ranks.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAdapterFolder, tokenizerFolder } from '../model/adapter-io.js';
import type { CausalLM } from '../model/decoder.js';
import { loadModel } from '../model/load.js';
import type { Example, Task } from '../tasks/types.js';
import { loadTokenizer } from '../tokenizer/load.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { latestCheckpoint, startRun } from './checkpoint.js';
import { type DataParallel, withDataParallel } from './data-parallel.js';
import type { GrpoConfig } from './grpo-config.js';
import { logSamples, stepMetrics } from './grpo-metrics.js';
import { type RolloutContext, rollout } from './grpo-rollout.js';
import { type UpdateContext, update } from './grpo-update.js';
import { loadForTraining } from './peft.js';
import { mixedPrecision } from './precision.js';
import type { NamedReward } from './rewards.js';
import { mulberry32, permutation } from './rng.js';
import {
  checkpointer,
  disposeModel,
  type MetricsRow,
  type StepReport,
  saveFinal,
  startOptimizer,
  trainLoop,
} from './run.js';
import { lrLambda, type SchedulerType, warmupStepsFor } from './schedule.js';
import { WordDrift } from './word-drift.js';

/** Periodic evaluation hook (the evaluation harness plugs in here): returns metrics to log. */
export type Evaluator = (model: CausalLM, tokenizer: Tokenizer, step: number) => Promise<Record<string, number>>;

export interface GrpoOptions {
  /** The starting model folder, or a PEFT adapter folder. */
  model: string;
  /** For an adapter folder: its base model folder (default: the adapter's base_model_name_or_path). */
  base?: string;
  task: Task;
  /** Training rows (at most config.limit are used, in file order). */
  train: Example[];
  out: string;
  config: GrpoConfig;
  /** Extra reward functions beyond the task's own ('task'); weights come from config.reward_weights. */
  rewards?: NamedReward[];
  evaluate?: Evaluator;
  resume?: boolean;
  stopAfterSteps?: number;
  log?: (line: string) => void;
  progress?: boolean;
}

export interface GrpoResult {
  steps: number;
  modelDir: string;
  metrics: Record<string, number>[];
  stopped: boolean;
}

/**
 * β > 0: a frozen copy of the starting policy (the paper uses β = 0 and loads none). With a fresh
 * LoRA adapter the starting policy is the base, i.e. the policy with its adapter set aside (TRL's
 * disable_adapter): no second copy of the weights.
 */
function referencePolicy(o: GrpoOptions, device: string): { ref: CausalLM | null; refIsBase: boolean } {
  const cfg = o.config;
  const refIsBase = cfg.beta > 0 && cfg.use_peft && !isAdapterFolder(o.model);
  const ref =
    cfg.beta > 0 && !refIsBase ? loadModel(o.model, { device, dtype: cfg.dtype, base: o.base ?? null }) : null;
  if (ref) for (const p of ref.parameters()) p.requiresGrad_(false);
  return { ref, refIsBase };
}

export async function runGrpo(o: GrpoOptions): Promise<GrpoResult> {
  return withDataParallel(o.config.device, (dp) => grpo(o, dp));
}

async function grpo(o: GrpoOptions, dp: DataParallel): Promise<GrpoResult> {
  const cfg = o.config;
  // Rank 0 speaks for the group: it alone logs, evaluates, shows progress and writes files.
  const log = dp.isMain ? (o.log ?? ((s: string) => console.error(s))) : () => {};
  const train = cfg.limit ? o.train.slice(0, cfg.limit) : o.train;
  if (train.length === 0) throw new Error('GRPO needs at least one training example');
  const { ckpt, state } = startRun(o.out, { resume: o.resume, threads: cfg.threads, log });
  const tokenizer = loadTokenizer(ckpt ?? tokenizerFolder(o.model, o.base), 'model');
  const device = dp.device(cfg.device);
  const amp = mixedPrecision(cfg, device);
  // ---- LoRA (use_peft): the model to train, and the base its adapter folders name
  const trainable = loadForTraining(ckpt ?? o.model, cfg, { device, dtype: cfg.dtype, base: o.base ?? null }, log);
  const model = trainable.model;
  const { ref, refIsBase } = referencePolicy(o, device);
  if (dp.isMain)
    writeFileSync(
      join(o.out, 'config.json'),
      `${JSON.stringify({ trainer: 'grpo', model: o.model, task: o.task.name, train_rows: train.length, ...cfg }, null, 2)}\n`,
    );

  const rewards: NamedReward[] = [
    { name: 'task', fn: (c, e) => o.task.reward(c, e), weight: cfg.reward_weights.task ?? 1 },
    ...(o.rewards ?? []).map((r) => ({ ...r, weight: cfg.reward_weights[r.name] ?? r.weight })),
  ];
  const G = cfg.num_generations;
  const P = Math.min(cfg.prompts_per_step, train.length);
  const stepsPerEpoch = Math.max(1, Math.ceil(train.length / P));
  const totalSteps = cfg.max_steps > 0 ? cfg.max_steps : Math.max(1, Math.ceil(cfg.num_train_epochs * stepsPerEpoch));
  const warmup = warmupStepsFor(cfg.warmup_steps, cfg.warmup_ratio, totalSteps);
  const opt = startOptimizer(model, cfg, ckpt, dp);
  const pad = tokenizer.padTokenId ?? tokenizer.eosTokenId ?? 0;
  const rolloutCtx: RolloutContext = { model, tokenizer, task: o.task, rewards, cfg, dp };
  const updateCtx: UpdateContext = { model, opt, ref, refIsBase, cfg, dp, pad, amp };
  const history: Record<string, number>[] = [];
  // A fresh run builds its reference words at step 1; a resumed one reads them back.
  const drift = new WordDrift(o.out, state.global_step > 0);
  const promptTexts = () => train.map((e) => o.task.prompt(e, { mode: 'train' }));
  let order = permutation(train.length, cfg.seed, state.epoch);
  const t0 = Date.now();

  const nextPrompts = (n: number): Example[] => {
    const out: Example[] = [];
    while (out.length < n) {
      if (state.cursor >= order.length) {
        state.epoch++;
        state.cursor = 0;
        order = permutation(train.length, cfg.seed, state.epoch);
      }
      out.push(train[order[state.cursor++]!]!);
    }
    return out;
  };

  const evaluate = async (step: number, row: MetricsRow) => {
    if (!o.evaluate || !dp.isMain) return;
    const m = await o.evaluate(model, tokenizer, step);
    for (const [k, v] of Object.entries(m)) row[k.startsWith('eval/') ? k : `eval/${k}`] = v;
  };

  const trainStep = async ({ step, last }: { step: number; last: boolean }): Promise<StepReport> => {
    // Seeds depend only on (seed, step): a resumed run samples exactly what the original would have.
    const rng = mulberry32((cfg.seed * 7919 + (step - 1) * 104729) >>> 0);
    const batch = await rollout(rolloutCtx, P, rng, nextPrompts);
    if (batch.failures.length)
      log(
        `step ${step}: ${batch.failures.length} reward call(s) failed and scored ${cfg.reward_on_error}, e.g. ${batch.failures[0]}`,
      );
    const rollouts = batch.groups.flat();
    const t = Date.now();
    const lr = cfg.learning_rate * lrLambda(cfg.lr_scheduler_type as SchedulerType, step - 1, warmup, totalSteps);
    const stats = update(updateCtx, rollouts, batch.kept, batch.keptPerRank, lr);
    const row = stepMetrics(batch, stats, {
      step,
      epoch: state.epoch + state.cursor / train.length,
      learningRate: lr,
      numGenerations: G,
      beta: cfg.beta,
      trainMs: Date.now() - t,
      elapsed: (Date.now() - t0) / 1000,
    });
    row['completions/novel_word_ratio'] = drift.novelRatio(
      promptTexts,
      rollouts.map((r) => r.completion.text),
      dp.isMain,
    );
    if (o.evaluate && cfg.eval_steps !== 0 && ((cfg.eval_steps && step % cfg.eval_steps === 0) || last))
      await evaluate(step, row);
    history.push(row as Record<string, number>);
    if (cfg.log_completions_steps > 0 && (step % cfg.log_completions_steps === 0 || step === 1))
      logSamples(o.out, step, rollouts, dp);
    const reward = (row.reward as number).toFixed(3);
    return { row, progress: `reward ${reward} len ${(row['completions/mean_length'] as number).toFixed(0)}` };
  };

  const { stopped } = await trainLoop({
    label: `grpo ${o.task.name}`,
    out: o.out,
    state,
    totalSteps,
    cfg,
    dp,
    log,
    progress: o.progress,
    stopAfterSteps: o.stopAfterSteps,
    // The starting model's scores, as step 0 of the eval curves.
    before: async () => {
      if (!o.evaluate || cfg.eval_steps === 0 || !dp.isMain) return null;
      const row: MetricsRow = { step: 0 };
      await evaluate(0, row);
      return row;
    },
    step: trainStep,
    checkpoint: checkpointer(o.out, trainable, opt, state, { tokenizer, keep: cfg.save_total_limit }),
  });
  if (stopped)
    return { steps: state.global_step, modelDir: latestCheckpoint(o.out) ?? o.model, metrics: history, stopped };
  const modelDir = saveFinal(o.out, trainable, tokenizer, dp);
  log(
    `grpo: ${state.global_step} steps on ${o.task.name}; final mean reward ${history[history.length - 1]?.reward?.toFixed(3) ?? '-'}; model saved to ${modelDir}`,
  );
  disposeModel(model);
  disposeModel(ref);
  return { steps: state.global_step, modelDir, metrics: history, stopped: false };
}
