// RLVR with GRPO, shaped like TRL's GRPOTrainer: each step samples G completions for each of
// `prompts_per_step` prompts (one shared prefill per prompt), scores them with verifiable rewards,
// turns rewards into group-relative advantages, and updates the policy with the clipped surrogate
// loss. The paper's recipe: no KL (β = 0, no reference model), no std scaling, token-mean loss
// (dapo), one update per batch.
// Data-parallel when launched as several ranks: each step's prompts are split into contiguous
// blocks, one per rank (a prompt's group never straddles ranks); every rank generates and scores its
// groups, rewards are gathered so advantages, dynamic sampling, loss normalisers and metrics are the
// one-process ones, and gradients are summed across ranks.
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Completion, generate } from '../generate/generate.js';
import { isAdapterFolder, tokenizerFolder } from '../model/adapter-io.js';
import type { CausalLM } from '../model/decoder.js';
import { loadModel } from '../model/load.js';
import type { Example, Task } from '../tasks/types.js';
import { loadTokenizer } from '../tokenizer/load.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import * as torch from '../torch/index.js';
import { Progress } from '../util/progress.js';
import { latestCheckpoint, restoreOptimizer, saveCheckpoint, startRun } from './checkpoint.js';
import { type DataParallel, withDataParallel } from './data-parallel.js';
import { grpoSliceBackward, rolloutLogprobs } from './grpo-batch.js';
import type { GrpoConfig } from './grpo-config.js';
import { computeAdvantages, type LossType } from './grpo-loss.js';
import { lengthSlices } from './length-slices.js';
import { MetricsLog } from './metrics.js';
import { makeOptimizer } from './optimizer.js';
import { loadForTraining, saveTrained } from './peft.js';
import { mixedPrecision } from './precision.js';
import { type NamedReward, scoreCompletions } from './rewards.js';
import { mulberry32, permutation } from './rng.js';
import { lrLambda, type SchedulerType, warmupStepsFor } from './schedule.js';
import { gradientNorm } from './sft.js';

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

/** One sampled completion prepared for the update. */
interface Rollout {
  example: Example;
  promptIds: number[];
  completion: Completion;
  reward: number;
  advantage: number;
  /** Loss mask weight for the whole completion (0 when masked as truncated). */
  keep: number;
}

/** Left truncation to max_prompt_length (the paper keeps the end of the prompt, where the question is). */
function promptIds(tok: Tokenizer, text: string, max: number): number[] {
  const ids = tok.encode(text);
  return ids.length > max ? ids.slice(ids.length - max) : ids;
}

/** What every rank learns about each kept completion of a step (for metrics and loss normalisers). */
interface RolloutSummary {
  reward: number;
  length: number;
  truncated: boolean;
  keep: number;
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
  // β > 0: a frozen copy of the starting policy (the paper uses β = 0 and loads none). With a fresh
  // LoRA adapter the starting policy is the base, i.e. the policy with its adapter set aside (TRL's
  // disable_adapter): no second copy of the weights.
  const refIsBase = cfg.beta > 0 && cfg.use_peft && !isAdapterFolder(o.model);
  const ref =
    cfg.beta > 0 && !refIsBase ? loadModel(o.model, { device, dtype: cfg.dtype, base: o.base ?? null }) : null;
  if (ref) for (const p of ref.parameters()) p.requiresGrad_(false);
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
  const opt = makeOptimizer(model, cfg);
  if (ckpt) restoreOptimizer(ckpt, model, opt);
  else torch.manualSeed(cfg.seed);
  dp.broadcastParameters(model.parameters());
  const pad = tokenizer.padTokenId ?? tokenizer.eosTokenId ?? 0;
  const epsLow = cfg.epsilon;
  const epsHigh = cfg.epsilon_high ?? cfg.epsilon;
  const metricsLog = dp.isMain
    ? new MetricsLog(o.out, { tensorboard: cfg.tensorboard, dropAfterStep: state.global_step })
    : null;
  const progress = dp.isMain
    ? new Progress({
        label: `grpo ${o.task.name}`,
        total: totalSteps,
        unit: 'step',
        enabled: o.progress !== false,
      })
    : { set: () => {}, close: () => {} };
  progress.set(state.global_step);
  const history: Record<string, number>[] = [];
  let order = permutation(train.length, cfg.seed, state.epoch);
  const t0 = Date.now();
  let stepsThisRun = 0;
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    log('interrupt: finishing this step, then saving a checkpoint');
  };
  process.once('SIGINT', onSigint);

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

  const runEval = async (step: number, row: Record<string, unknown>) => {
    if (!o.evaluate || !dp.isMain) return;
    const m = await o.evaluate(model, tokenizer, step);
    for (const [k, v] of Object.entries(m)) row[k.startsWith('eval/') ? k : `eval/${k}`] = v;
  };

  try {
    if (state.global_step === 0 && o.evaluate && cfg.eval_steps !== 0 && dp.isMain) {
      const row: Record<string, unknown> & { step: number } = { step: 0 };
      await runEval(0, row);
      metricsLog?.log(row);
    }
    while (state.global_step < totalSteps) {
      const step = state.global_step;
      const timing = { generate: 0, score: 0, train: 0 };
      // Seeds depend only on (seed, step, round): a resumed run samples exactly what the original would have.
      const rng = mulberry32((cfg.seed * 7919 + step * 104729) >>> 0);

      // ---- rollouts: sample, score, keep groups with signal (dynamic sampling). Every rank draws the
      // same prompts and seeds, then generates and scores only its own block of prompts.
      const groups: Rollout[][] = []; // this rank's kept groups
      const kept: RolloutSummary[] = []; // every rank's kept completions, in one-process order
      const keptPerRank = new Array<number>(dp.worldSize).fill(0);
      let zeroStdGroups = 0;
      let generated = 0;
      const failures: string[] = [];
      const perFunction: Record<string, number[]> = {};
      const reasonCounts: Record<string, number> = {};
      for (let round = 0; round <= (cfg.dynamic_sampling === 'resample' ? cfg.max_resample_rounds : 0); round++) {
        const need = round === 0 ? P : P - kept.length / G;
        if (need <= 0) break;
        const examples = nextPrompts(need);
        const seeds = examples.map(() => Math.floor(rng() * 2 ** 30));
        const [from, to] = dp.block(examples.length);
        const mine = examples.slice(from, to);
        const prompts = mine.map((e) =>
          promptIds(tokenizer, o.task.prompt(e, { mode: 'train' }), cfg.max_prompt_length),
        );
        let t = Date.now();
        // LoRA: sampling runs on merged weights (no adapter matmuls per decode step).
        const completions = mine.length
          ? model.withMergedAdapter(() =>
              generate(model, tokenizer, prompts, {
                n: G,
                maxNewTokens: cfg.max_completion_length,
                temperature: cfg.temperature,
                topP: cfg.top_p,
                topK: cfg.top_k,
                minP: cfg.min_p,
                stop: cfg.stop,
                seeds: seeds.slice(from, to),
              }),
            )
          : [];
        timing.generate += Date.now() - t;
        generated += examples.length * G;
        t = Date.now();
        const items = mine.flatMap((e, i) => completions[i]!.map((c) => ({ completion: c.text, example: e })));
        const local = await scoreCompletions(items, rewards, {
          timeoutSeconds: cfg.reward_timeout,
          onError: cfg.reward_on_error,
        });
        timing.score += Date.now() - t;
        // Every rank's scores, in prompt order: the rest of the step sees the whole batch.
        const completed = completions.flat();
        const shares = dp.gather({
          total: local.total,
          perFunction: local.perFunction,
          reasons: local.reasons,
          failures: local.failures.map((f) => `${f.name}: ${f.message}`),
          lengths: completed.map((c) => c.tokenIds.length),
          truncated: completed.map((c) => c.finishReason === 'length'),
        });
        const scored = {
          total: shares.flatMap((x) => x.total),
          reasons: shares.flatMap((x) => x.reasons),
          failures: shares.flatMap((x) => x.failures),
          lengths: shares.flatMap((x) => x.lengths),
          truncated: shares.flatMap((x) => x.truncated),
        };
        failures.push(...scored.failures);
        for (const x of shares) for (const [k, v] of Object.entries(x.perFunction)) (perFunction[k] ??= []).push(...v);
        for (const r of scored.reasons) reasonCounts[r] = (reasonCounts[r] ?? 0) + 1;
        const adv = computeAdvantages(scored.total, G, cfg.scale_rewards);
        const keepOf = (truncated: boolean) => (cfg.mask_truncated_completions && truncated ? 0 : 1);
        examples.forEach((e, i) => {
          const flat = adv.zeroStd[i * G]!;
          if (flat) zeroStdGroups++;
          if (flat && cfg.dynamic_sampling !== 'off') return;
          if (kept.length / G >= P) return;
          for (let k = 0; k < G; k++) {
            const j = i * G + k;
            kept.push({
              reward: scored.total[j]!,
              length: scored.lengths[j]!,
              truncated: scored.truncated[j]!,
              keep: keepOf(scored.truncated[j]!),
            });
          }
          const owner = Array.from({ length: dp.worldSize }, (_, r) => dp.block(examples.length, r)).findIndex(
            ([a, b]) => i >= a && i < b,
          );
          keptPerRank[owner]! += G;
          if (owner !== dp.rank) return;
          const m = i - from;
          groups.push(
            completions[m]!.map((c, k) => ({
              example: e,
              promptIds: prompts[m]!,
              completion: c,
              reward: scored.total[i * G + k]!,
              advantage: adv.advantages[i * G + k]!,
              keep: keepOf(c.finishReason === 'length'),
            })),
          );
        });
        if (cfg.dynamic_sampling !== 'resample') break;
      }
      if (failures.length)
        log(
          `step ${step + 1}: ${failures.length} reward call(s) failed and scored ${cfg.reward_on_error}, e.g. ${failures[0]}`,
        );
      const rollouts = groups.flat();

      // ---- update: μ iterations over the batch, micro-batches accumulate into one optimizer step each
      const t = Date.now();
      const mb = cfg.per_device_train_batch_size;
      const chunks: Rollout[][] = [];
      for (let i = 0; i < rollouts.length; i += mb) chunks.push(rollouts.slice(i, i + mb));
      // Normalisers over the whole step, all ranks together (dapo's token count; the others' micro-batch count).
      const stepTokens = kept.reduce((n, r) => n + r.keep * r.length, 0);
      const lossSettings = {
        lossType: cfg.loss_type as LossType,
        epsilonLow: epsLow,
        epsilonHigh: epsHigh,
        beta: cfg.beta,
        stepTokens,
        microBatches: keptPerRank.reduce((n, k) => n + Math.ceil(k / mb), 0),
        maxCompletionLength: cfg.max_completion_length,
      };
      // Each micro-batch runs as slices of similar-length rows (less padding); the loss is the same sum.
      const rowLength = (r: Rollout) => r.promptIds.length + r.completion.tokenIds.length;
      const sliced = chunks.map((c) => ({
        slices: lengthSlices(c, rowLength),
        rows: c.length,
        tokens: c.reduce((n, r) => n + r.keep * r.completion.tokenIds.length, 0),
      }));
      const frozen = (m: CausalLM) =>
        sliced.map((c) =>
          c.slices.map((sl) =>
            torch.keep(
              torch.noGrad(() =>
                torch.scope(() => amp(() => rolloutLogprobs(m, sl, cfg.temperature, pad, false)).logprobs),
              ),
            ),
          ),
        );
      // Old log-probs (μ > 1) and reference log-probs (β > 0) come from frozen passes before the updates.
      const old = cfg.num_iterations > 1 ? frozen(model) : null;
      const refLp = ref ? frozen(ref) : refIsBase ? model.withoutAdapter(() => frozen(model)) : null;
      let lossValue = 0;
      let clipLow = 0;
      let clipHigh = 0;
      let klSum = 0;
      let tokens = 0;
      let entropySum = 0;
      let gradNorm = 0;
      const lr = cfg.learning_rate * lrLambda(cfg.lr_scheduler_type as SchedulerType, step, warmup, totalSteps);
      if (kept.length > 0 && stepTokens > 0) {
        for (let it = 0; it < cfg.num_iterations; it++) {
          sliced.forEach((c, ci) =>
            c.slices.forEach((sl, si) =>
              torch.scope(() => {
                const out = grpoSliceBackward(model, sl, {
                  pad,
                  temperature: cfg.temperature,
                  entropy: it === 0,
                  old: old ? old[ci]![si]! : null,
                  ref: refLp ? refLp[ci]![si]! : null,
                  settings: { ...lossSettings, microBatchRows: c.rows, microBatchTokens: c.tokens },
                  memory: cfg,
                  amp,
                });
                if (it === 0) {
                  lossValue += out.loss;
                  clipLow += out.clippedLow;
                  clipHigh += out.clippedHigh;
                  klSum += out.klSum;
                  tokens += out.tokens;
                  entropySum += out.entropySum;
                }
              }),
            ),
          );
          dp.allReduceGradients(model.parameters());
          gradNorm =
            cfg.max_grad_norm > 0
              ? torch.nn.utils.clipGradNorm_(model.parameters(), cfg.max_grad_norm)
              : gradientNorm(model);
          opt.setLr(lr);
          opt.step();
          opt.zeroGrad();
        }
      }
      for (const x of [...(old ?? []), ...(refLp ?? [])].flat()) x.dispose();
      [lossValue, clipLow, clipHigh, klSum, tokens, entropySum] = dp.sum([
        lossValue,
        clipLow,
        clipHigh,
        klSum,
        tokens,
        entropySum,
      ]) as [number, number, number, number, number, number];
      timing.train += Date.now() - t;
      state.global_step++;
      stepsThisRun++;

      // ---- metrics (TRL names), over every rank's kept completions
      const all = kept;
      const lengths = all.map((r) => r.length);
      const rewardsAll = all.map((r) => r.reward);
      const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
      const std = (xs: number[]) => {
        const m = mean(xs);
        return xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)) : 0;
      };
      const total = timing.generate + timing.score + timing.train;
      const row: Record<string, unknown> & { step: number } = {
        step: state.global_step,
        epoch: +(state.epoch + state.cursor / train.length).toFixed(4),
        loss: lossValue,
        reward: mean(rewardsAll),
        reward_std: std(rewardsAll),
        frac_reward_zero_std: zeroStdGroups / Math.max(1, generated / G),
        'completions/mean_length': mean(lengths),
        'completions/min_length': lengths.length ? Math.min(...lengths) : 0,
        'completions/max_length': lengths.length ? Math.max(...lengths) : 0,
        'completions/clipped_ratio': all.length ? all.filter((r) => r.truncated).length / all.length : 0,
        clip_ratio: tokens ? (clipLow + clipHigh) / tokens : 0,
        'clip_ratio/low_mean': tokens ? clipLow / tokens : 0,
        'clip_ratio/high_mean': tokens ? clipHigh / tokens : 0,
        entropy: tokens ? entropySum / tokens : 0,
        grad_norm: gradNorm,
        learning_rate: lr,
        'time/generate': timing.generate / 1000,
        'time/score': timing.score / 1000,
        'time/train': timing.train / 1000,
        'time/generate_share': total ? timing.generate / total : 0,
        'rewards/failures': failures.length,
        elapsed: (Date.now() - t0) / 1000,
        groups_used: kept.length / G,
      };
      if (cfg.beta > 0) row.kl = tokens ? klSum / tokens : 0;
      for (const [k, v] of Object.entries(perFunction)) row[`rewards/${k}/mean`] = mean(v);
      for (const [k, v] of Object.entries(reasonCounts)) if (k) row[`reasons/${k}`] = v;
      const last = state.global_step === totalSteps;
      if (o.evaluate && cfg.eval_steps !== 0 && ((cfg.eval_steps && state.global_step % cfg.eval_steps === 0) || last))
        await runEval(state.global_step, row);
      if (state.global_step % cfg.logging_steps === 0 || last) metricsLog?.log(row);
      history.push(row as Record<string, number>);
      if (
        cfg.log_completions_steps > 0 &&
        (state.global_step % cfg.log_completions_steps === 0 || state.global_step === 1)
      ) {
        const samples = rollouts.map((r) => ({
          step: state.global_step,
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
        if (dp.isMain) appendFileSync(join(o.out, 'samples.jsonl'), lines.map((l) => `${l}\n`).join(''));
      }
      progress.set(
        state.global_step,
        `reward ${(row.reward as number).toFixed(3)} len ${(row['completions/mean_length'] as number).toFixed(0)}`,
      );

      const stopAll = dp.sum([interrupted ? 1 : 0])[0]! > 0; // an interrupt on any rank stops them all here
      const stopNow = stopAll || (o.stopAfterSteps !== undefined && stepsThisRun >= o.stopAfterSteps);
      if (dp.isMain && (state.global_step % cfg.save_steps === 0 || last || stopAll))
        saveCheckpoint(
          o.out,
          model,
          opt,
          { ...state },
          { tokenizer, keep: cfg.save_total_limit, baseModel: trainable.baseModel },
        );
      if (stopNow && !last) {
        progress.close('stopped');
        return {
          steps: state.global_step,
          modelDir: latestCheckpoint(o.out) ?? o.model,
          metrics: history,
          stopped: true,
        };
      }
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  progress.close();
  const modelDir = join(o.out, 'model');
  if (dp.isMain) saveTrained(trainable, modelDir, { tokenizer });
  log(
    `grpo: ${state.global_step} steps on ${o.task.name}; final mean reward ${history[history.length - 1]?.reward?.toFixed(3) ?? '-'}; model saved to ${modelDir}`,
  );
  for (const p of model.parameters()) p.dispose();
  if (ref) for (const p of ref.parameters()) p.dispose();
  return { steps: state.global_step, modelDir, metrics: history, stopped: false };
}
