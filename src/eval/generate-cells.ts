// Sampling with a per-example token budget inside shared batches. The paper caps prompt +
// completion at 4,096 tokens, so each example may generate 4,096 − its prompt length tokens, but
// one generate() call has one max_new_tokens. A batch therefore runs to the largest budget the
// model's positions allow, longer samples are cut at their own budget afterwards (exact: a row's
// tokens do not depend on its batch), and a sample the batch stopped before its own budget is
// continued from where it stopped (prompt + its tokens, a fresh seeded generator; still a sample
// of the same model distribution).
import { type Completion, generate, type TextCodec } from '../generate/index.js';
import { StopMatcher } from '../generate/stop.js';
import type { CausalLM } from '../model/decoder.js';

export interface CellJob {
  /** Prompt token ids. */
  ids: readonly number[];
  /** Samples of this prompt; sample k uses seed + k. */
  n: number;
  seed: number;
  /** Completion tokens this prompt may use (≤ 0 → an empty, truncated completion). */
  budget: number;
}

export interface Sampling {
  temperature: number;
  topP: number;
  topK: number;
  stop: readonly string[];
}

export interface GenerateCellsOptions extends Sampling {
  /** Prompts per generate() call. */
  batchPrompts: number;
  /** Called after each generate() call with the number of samples it finished. */
  onBatch?: (samples: number) => void;
}

const empty = (promptTokens: number): Completion => ({
  text: '',
  tokenIds: [],
  logprobs: [],
  finishReason: 'length',
  stopString: null,
  promptTokens,
});

/** Completions[job][sample] for every job, each within its own budget. Jobs are processed in the given order. */
export function generateCells(
  model: CausalLM,
  tokenizer: TextCodec,
  jobs: readonly CellJob[],
  o: GenerateCellsOptions,
): Completion[][] {
  const maxPos = model.config.max_position_embeddings;
  const out: Completion[][] = jobs.map((j) =>
    j.budget < 1 ? Array.from({ length: j.n }, () => empty(j.ids.length)) : [],
  );
  const live = jobs.map((j, i) => ({ j, i })).filter(({ j }) => j.budget >= 1);
  for (let b = 0; b < live.length; b += o.batchPrompts) {
    const batch = live.slice(b, b + o.batchPrompts);
    // All rows of a call share n; jobs of mixed n go in separate calls.
    for (const n of [...new Set(batch.map(({ j }) => j.n))]) {
      const group = batch.filter(({ j }) => j.n === n);
      const maxPrompt = Math.max(...group.map(({ j }) => j.ids.length));
      const maxNew = Math.min(Math.max(...group.map(({ j }) => j.budget)), maxPos - maxPrompt);
      const res = generate(
        model,
        tokenizer,
        group.map(({ j }) => j.ids),
        {
          n,
          maxNewTokens: maxNew,
          temperature: o.temperature,
          topP: o.topP,
          topK: o.topK,
          stop: o.stop,
          seeds: group.map(({ j }) => j.seed),
        },
      );
      const again: { at: [number, number]; job: CellJob; head: Completion }[] = [];
      group.forEach(({ j, i }, g) => {
        out[i] = res[g]!.map((c, k) => {
          if (c.tokenIds.length > j.budget) return cut(c, j.budget, tokenizer);
          if (c.finishReason === 'length' && c.tokenIds.length < j.budget)
            again.push({
              at: [i, k],
              head: c,
              job: {
                ids: [...j.ids, ...c.tokenIds],
                n: 1,
                seed: j.seed + k + 0x9e3779b1,
                budget: j.budget - c.tokenIds.length,
              },
            });
          return c;
        });
      });
      if (again.length) {
        const tails = generateCells(
          model,
          tokenizer,
          again.map((a) => a.job),
          { ...o, onBatch: undefined },
        );
        again.forEach((a, q) => {
          out[a.at[0]]![a.at[1]] = join(a.head, tails[q]![0]!, tokenizer, o.stop);
        });
      }
      o.onBatch?.(group.length * n);
    }
  }
  return out;
}

function cut(c: Completion, budget: number, tokenizer: TextCodec): Completion {
  const tokenIds = c.tokenIds.slice(0, budget);
  return {
    text: tokenizer.decode(tokenIds, { skipSpecialTokens: true }),
    tokenIds,
    logprobs: c.logprobs.slice(0, budget),
    finishReason: 'length',
    stopString: null,
    promptTokens: c.promptTokens,
  };
}

/** Head + continuation as one completion (a stop string spanning the seam is found on the joined text). */
function join(head: Completion, tail: Completion, tokenizer: TextCodec, stops: readonly string[]): Completion {
  const tokenIds = [...head.tokenIds, ...tail.tokenIds];
  const full = tokenizer.decode(tokenIds, { skipSpecialTokens: true });
  const { text, stop } = new StopMatcher(stops).trim(full);
  return {
    text,
    tokenIds,
    logprobs: [...head.logprobs, ...tail.logprobs],
    finishReason: stop !== null ? 'stop' : tail.finishReason,
    stopString: stop,
    promptTokens: head.promptTokens,
  };
}
