// The paper's evaluation protocol as defaults (PAPER.md, "Evaluation protocol"): 4 samples per
// question at temperature 0.7, top_p 0.95, at most 4,096 tokens of prompt + completion, stop at
// "Question:", "Assistant:", "User:". A results folder remembers the protocol it was made with, so
// a resumed run cannot silently mix samples drawn under different settings.
import { PAPER_PROMPTS } from '../tasks/prompts.js';

export interface EvalProtocol {
  /** Samples (trials) per question. */
  trials: number;
  temperature: number;
  topP: number;
  /** 0 = off (vLLM's −1); the paper's evaluation sets no top-k. */
  topK: number;
  /** Prompt + completion, in tokens; each example gets max_new_tokens = this − its prompt length. */
  maxTotalTokens: number;
  /** An extra cap on completion tokens (null = none; the paper has none) for quick runs. */
  maxNewTokens: number | null;
  /** Stop strings (null = each task's own `evalStop`, which is the paper's list for every built-in task). */
  stop: readonly string[] | null;
  /** Base seed: trial t of example e samples with seed hash(seed, task, e) + t. */
  seed: number;
}

export const PAPER_PROTOCOL: EvalProtocol = {
  trials: 4,
  temperature: 0.7,
  topP: 0.95,
  topK: 0,
  maxTotalTokens: 4096,
  maxNewTokens: null,
  stop: null,
  seed: 0,
};

/** The paper's evaluation stop strings (what `stop: null` means for the built-in tasks). */
export const PAPER_EVAL_STOP: readonly string[] = PAPER_PROMPTS.stops.eval;

/**
 * Settings that change what a sample is. `trials` is not one: raising it later adds trials to the
 * cached ones. Returns a description of each difference (empty when compatible).
 */
export function protocolDifferences(saved: EvalProtocol, now: EvalProtocol): string[] {
  const out: string[] = [];
  const keys = ['temperature', 'topP', 'topK', 'maxTotalTokens', 'maxNewTokens', 'seed'] as const;
  for (const k of keys) if (saved[k] !== now[k]) out.push(`${k} was ${saved[k]}, now ${now[k]}`);
  if (JSON.stringify(saved.stop) !== JSON.stringify(now.stop))
    out.push(`stop was ${JSON.stringify(saved.stop)}, now ${JSON.stringify(now.stop)}`);
  return out;
}

export function validateProtocol(p: EvalProtocol): void {
  const bad = (msg: string) => {
    throw new RangeError(`eval protocol: ${msg}`);
  };
  if (!Number.isInteger(p.trials) || p.trials < 1) bad(`trials must be an integer ≥ 1, got ${p.trials}`);
  if (!(p.temperature >= 0)) bad(`temperature must be ≥ 0, got ${p.temperature}`);
  if (!(p.topP > 0 && p.topP <= 1)) bad(`top_p must be in (0, 1], got ${p.topP}`);
  if (!Number.isInteger(p.topK) || p.topK < 0) bad(`top_k must be an integer ≥ 0, got ${p.topK}`);
  if (!Number.isInteger(p.maxTotalTokens) || p.maxTotalTokens < 2)
    bad(`max total tokens must be an integer ≥ 2, got ${p.maxTotalTokens}`);
  if (p.maxNewTokens !== null && (!Number.isInteger(p.maxNewTokens) || p.maxNewTokens < 1))
    bad(`max new tokens must be an integer ≥ 1, got ${p.maxNewTokens}`);
  if (!Number.isSafeInteger(p.seed) || p.seed < 0) bad(`seed must be a non-negative integer, got ${p.seed}`);
}
