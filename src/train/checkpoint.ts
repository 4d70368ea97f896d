// Checkpoints that resume exactly: runs/NAME/checkpoints/step-N/ holds an HF model folder plus
// optimizer.safetensors (AdamW moments per parameter name, libtorch's RNG state) and
// trainer_state.json (step, epoch, data cursor, scheduler position, trainer-specific state).
// Written to a temporary folder and renamed, so a kill never leaves a half checkpoint behind.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { saveAdapter } from '../model/adapter-io.js';
import type { CausalLM } from '../model/decoder.js';
import { saveModel } from '../model/load.js';
import { loadSafetensors, readHeader, saveSafetensors } from '../model/safetensors.js';
import * as torch from '../torch/index.js';

export interface TrainerState {
  global_step: number;
  epoch: number;
  /** Micro-batches (SFT) or prompts (GRPO) of the current epoch already consumed. */
  cursor: number;
  [key: string]: unknown;
}

export function checkpointsDir(runDir: string): string {
  return join(runDir, 'checkpoints');
}

/** Completed checkpoints, oldest first. */
export function listCheckpoints(runDir: string): { step: number; dir: string }[] {
  const root = checkpointsDir(runDir);
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((d) => ({ m: /^step-(\d+)$/.exec(d), d }))
    .filter((x) => x.m && existsSync(join(root, x.d, 'trainer_state.json')))
    .map((x) => ({ step: Number(x.m![1]), dir: join(root, x.d) }))
    .sort((a, b) => a.step - b.step);
}

/**
 * The start every trainer shares: thread count, the run folder, and where to start from — the
 * newest checkpoint when resuming (said in the log), else step 0.
 */
export function startRun(
  out: string,
  o: { resume?: boolean; threads: number | null; log: (s: string) => void },
): { ckpt: string | null; state: TrainerState } {
  if (o.threads) torch.setNumThreads(o.threads);
  mkdirSync(out, { recursive: true });
  const ckpt = o.resume ? latestCheckpoint(out) : null;
  const state: TrainerState = ckpt ? readTrainerState(ckpt) : { global_step: 0, epoch: 0, cursor: 0 };
  if (ckpt) o.log(`resuming from ${ckpt} (step ${state.global_step})`);
  else if (o.resume) o.log(`no checkpoint in ${out}: starting from the beginning`);
  return { ckpt, state };
}

export function latestCheckpoint(runDir: string): string | null {
  const all = listCheckpoints(runDir);
  return all.length ? all[all.length - 1]!.dir : null;
}

export function saveCheckpoint(
  runDir: string,
  model: CausalLM,
  opt: torch.optim.AdamW,
  state: TrainerState,
  o: { tokenizer?: { save(dir: string): void }; keep?: number | null; baseModel?: string } = {},
): string {
  const final = join(checkpointsDir(runDir), `step-${state.global_step}`);
  const tmp = `${final}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  // A LoRA run's checkpoint is a PEFT adapter folder (the frozen base is not copied).
  if (model.adapter) saveAdapter(model, tmp, { baseModel: o.baseModel ?? '', tokenizer: o.tokenizer });
  else saveModel(model, tmp, { tokenizer: o.tokenizer });
  torch.noGrad(() =>
    torch.scope(() => {
      const tensors = new Map<string, torch.Tensor>();
      const steps: Record<string, number> = {};
      for (const [name, p] of model.trainableParams()) {
        const s = opt.getState(p);
        if (!s) continue;
        steps[name] = s.step;
        tensors.set(`${name}.exp_avg`, s.expAvg.to({ device: 'cpu' }));
        tensors.set(`${name}.exp_avg_sq`, s.expAvgSq.to({ device: 'cpu' }));
      }
      tensors.set('__rng_state__', torch.getRngState());
      saveSafetensors(join(tmp, 'optimizer.safetensors'), tensors, { steps: JSON.stringify(steps) });
    }),
  );
  writeFileSync(join(tmp, 'trainer_state.json'), `${JSON.stringify(state, null, 2)}\n`);
  rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
  if (o.keep)
    for (const old of listCheckpoints(runDir).slice(0, -o.keep)) rmSync(old.dir, { recursive: true, force: true });
  return final;
}

export function readTrainerState(dir: string): TrainerState {
  const p = join(dir, 'trainer_state.json');
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as TrainerState;
  } catch (e) {
    throw new Error(`${p}: cannot read trainer state (${(e as Error).message})`);
  }
}

/** Restores AdamW moments (by parameter name) and libtorch's RNG state from a checkpoint. */
export function restoreOptimizer(dir: string, model: CausalLM, opt: torch.optim.AdamW): void {
  const path = join(dir, 'optimizer.safetensors');
  const steps = JSON.parse(readHeader(path).metadata.steps ?? '{}') as Record<string, number>;
  torch.noGrad(() =>
    torch.scope(() => {
      const t = loadSafetensors(path);
      for (const [name, p] of model.trainableParams()) {
        const step = steps[name];
        if (step === undefined) continue;
        const expAvg = t.get(`${name}.exp_avg`);
        const expAvgSq = t.get(`${name}.exp_avg_sq`);
        if (!expAvg || !expAvgSq) throw new Error(`${path}: optimizer state for '${name}' is incomplete`);
        opt.setState(p, { step, expAvg, expAvgSq });
      }
      const rng = t.get('__rng_state__');
      if (rng) torch.setRngState(rng);
    }),
  );
}
