// Batched generation: left-padded prompts share one prefill each, `n` samples per prompt reuse the
// prompt's keys/values instead of recomputing them (kept once and attended by all samples, or
// copied into each sample's row for short prompts), finished rows leave the batch, every sample has
// its own seeded generator (sample k of a prompt uses seed + k), stop strings are matched on text.
import type { CausalLM } from '../model/decoder.js';
import { advanceCache, disposeCache, type KVCache, selectCacheRows, sharePrefix } from '../model/kv-cache.js';
import type { PackedWeights } from '../model/packed-weights.js';
import * as torch from '../torch/index.js';
import { leftPad, stepInputs } from './padding.js';
import { type SamplingOptions, sampleRows, UniformStream, validateSampling } from './sampling.js';
import { StopMatcher, type TextDecoderLike } from './stop.js';

export interface TextCodec extends TextDecoderLike {
  encode(text: string): number[];
  readonly eosTokenIds: readonly number[];
  readonly padTokenId: number | null;
}

export interface GenerateOptions extends SamplingOptions {
  maxNewTokens: number;
  /** Samples per prompt (they share the prompt's prefill). Default 1. */
  n?: number;
  /** Stop strings (matched on decoded text; the stop string is not included in `text`). */
  stop?: readonly string[];
  /** Token ids that end a sample (default: the tokenizer's EOS ids). */
  eosTokenIds?: readonly number[];
  /** Base seed; sample k of every prompt uses seed + k. Default: random. */
  seed?: number;
  /**
   * A base seed per prompt (overrides `seed`): sample k of prompt p uses seeds[p] + k. With one
   * shared base, identical prompts in one call get identical samples; a server batching
   * independent requests gives each its own.
   */
  seeds?: readonly number[];
  /** Called after each decoding step with the number of rows still running. */
  onStep?: (step: number, activeRows: number) => void;
  /**
   * CPU float32: prepack the layer weights into oneDNN's layout for this call (one extra copy of them
   * while it runs). Default: when that copy is at most 2 GiB. Ignored when `packed` is given.
   */
  packWeights?: boolean;
  /** Weights the caller prepacked (`model.packWeights`, as `kindling serve` does once): used as they are. */
  packed?: PackedWeights;
  /**
   * With n > 1, keep each prompt's keys/values once and attend every sample to them (exactly merged
   * with attention over the sample's own tokens) instead of copying them into every sample's row.
   * Default: on CPU when the longest prompt has at least 32 tokens (below that the copy was as fast);
   * off on GPUs, where it has not been measured yet (true turns it on: plain ops there, no fused kernel).
   */
  sharedPrefix?: boolean;
}

/** Prompts this long share their keys/values by default: the break-even measured on CPU was 16–32 tokens. */
const SHARE_MIN_PROMPT = 32;

/** Whether generate() keeps the prompts' keys/values once for their n samples. */
export function sharesPrefix(n: number, longestPrompt: number, device: string, option?: boolean): boolean {
  return n > 1 && (option ?? (device === 'cpu' && longestPrompt >= SHARE_MIN_PROMPT));
}

export type FinishReason = 'stop' | 'eos' | 'length';

export interface Completion {
  text: string;
  /** Generated token ids (an EOS that ended the sample included; nothing after a stop string's token). */
  tokenIds: number[];
  /** log p of each generated token under the temperature-scaled model distribution. */
  logprobs: number[];
  finishReason: FinishReason;
  /** The stop string that ended it, if any. */
  stopString: string | null;
  promptTokens: number;
}

interface Row {
  prompt: number;
  sample: number;
  gen: UniformStream;
  ids: number[];
  logprobs: number[];
  done: FinishReason | null;
  promptLen: number;
  padLen: number;
}

/** Generates `n` completions for each prompt. Returns completions[prompt][sample]. */
export function generate(
  model: CausalLM,
  tokenizer: TextCodec,
  prompts: readonly (string | readonly number[])[],
  o: GenerateOptions,
): Completion[][] {
  validateSampling(o);
  const n = o.n ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${o.n}`);
  if (!Number.isInteger(o.maxNewTokens) || o.maxNewTokens < 1)
    throw new RangeError(`max_new_tokens must be ≥ 1, got ${o.maxNewTokens}`);
  if (prompts.length === 0) return [];
  // Decoding's GEMMs have few rows: on CPU the layer weights are prepacked for the length of this call.
  const own = !o.packed && (o.packWeights ?? model.packsByDefault()) ? model.packWeights(prompts.length * n) : null;
  try {
    return generateRows(model, tokenizer, prompts, o, n, o.packed ?? own ?? undefined);
  } finally {
    own?.dispose();
  }
}

function generateRows(
  model: CausalLM,
  tokenizer: TextCodec,
  prompts: readonly (string | readonly number[])[],
  o: GenerateOptions,
  n: number,
  packed: PackedWeights | undefined,
): Completion[][] {
  const job = { ...planJob(model, tokenizer, prompts, o, n), packed };
  return torch.noGrad(() => {
    const { cache, logits } = prefill(model, job, o, n);
    decode(model, tokenizer, job, cache, logits, o);
    return completions(tokenizer, job);
  });
}

/** One generate() call's work: the encoded prompts, one row per sample, and what ends a sample. */
interface Job {
  encoded: number[][];
  rows: Row[];
  maxPrompt: number;
  /** Cache positions a row needs: the longest prompt and every new token. */
  capacity: number;
  pad: number;
  eos: Set<number>;
  stop: StopMatcher;
  /** Prepacked weights every forward of the call uses, if any. */
  packed?: PackedWeights | undefined;
}

/** Encodes and checks the prompts and makes each sample's row (sample k of prompt p: seed + k). */
function planJob(
  model: CausalLM,
  tokenizer: TextCodec,
  prompts: readonly (string | readonly number[])[],
  o: GenerateOptions,
  n: number,
): Job {
  const encoded = prompts.map((p) => (typeof p === 'string' ? tokenizer.encode(p) : [...p]));
  encoded.forEach((ids, i) => {
    if (ids.length === 0) throw new Error(`prompt ${i} is empty`);
  });
  const eos = new Set(o.eosTokenIds ?? tokenizer.eosTokenIds);
  const stop = new StopMatcher(o.stop);
  const seed = o.seed ?? Math.floor(Math.random() * 2 ** 31);
  if (o.seeds && (o.seeds.length !== prompts.length || !o.seeds.every(Number.isSafeInteger)))
    throw new RangeError(`seeds must hold one integer per prompt (${prompts.length}), got ${JSON.stringify(o.seeds)}`);
  const maxPrompt = Math.max(...encoded.map((e) => e.length));
  const capacity = maxPrompt + o.maxNewTokens;
  if (capacity > model.config.max_position_embeddings)
    throw new Error(
      `prompt (${maxPrompt} tokens) + max_new_tokens (${o.maxNewTokens}) exceeds the model's ${model.config.max_position_embeddings} positions`,
    );
  const pad = tokenizer.padTokenId ?? [...eos][0] ?? 0;

  const rows: Row[] = [];
  encoded.forEach((ids, p) => {
    for (let k = 0; k < n; k++)
      rows.push({
        prompt: p,
        sample: k,
        gen: new UniformStream((o.seeds?.[p] ?? seed) + k),
        ids: [],
        logprobs: [],
        done: null,
        promptLen: ids.length,
        padLen: maxPrompt - ids.length,
      });
  });
  return { encoded, rows, maxPrompt, capacity, pad, eos, stop };
}

/**
 * One forward over the left-padded prompts (one cache row per prompt), then each prompt's
 * keys/values shared among its n samples. Returns the rows' cache and the logits [rows, V] their
 * first token is sampled from (kept: decode() frees them).
 */
function prefill(model: CausalLM, job: Job, o: GenerateOptions, n: number): { cache: KVCache; logits: torch.Tensor } {
  const { encoded, maxPrompt } = job;
  const P = encoded.length;
  const device = model.device;
  const sharing = sharesPrefix(n, maxPrompt, device, o.sharedPrefix);
  let cache: KVCache = model.newCache(P, sharing ? maxPrompt : job.capacity);
  const input = leftPad(encoded, maxPrompt, job.pad);
  // [P, maxPrompt], 1 = real token; null when no prompt is padded. Kept: sharePrefix needs it too.
  const padding = input.padded
    ? torch.keep(torch.tensor(input.mask, { dtype: 'int64', shape: [P, maxPrompt], device }))
    : null;
  const rowPrompts = job.rows.map((r) => r.prompt);
  const logits = torch.keep(
    torch.scope(() => {
      const ids = torch.tensor(input.ids, { dtype: 'int64', shape: [P, maxPrompt], device });
      const h = model.hidden(ids, {
        cache,
        packed: job.packed,
        positionIds: torch.tensor(input.positions, { dtype: 'int64', shape: [P, maxPrompt], device }),
        ...(padding ? { attentionMask: padding } : {}),
      });
      advanceCache(cache, maxPrompt);
      const last = model.logits(h.select(1, maxPrompt - 1), job.packed).float(); // [P,V]
      // n > 1: each sample starts from its prompt's logits
      return n > 1 ? last.indexSelect(0, torch.tensor(rowPrompts, { dtype: 'int64', device })) : last;
    }),
  );
  if (n > 1) cache = sharing ? sharePrefix(cache, n, o.maxNewTokens, padding) : copyRows(cache, rowPrompts);
  padding?.dispose();
  return { cache, logits };
}

/**
 * Samples a token for every row, then runs the next forward, until every row is done; frees the
 * cache. `batch` is the rows in the cache, in cache order. Finished rows leave it in bulk: dropping
 * a row copies every remaining row's cache, so a compaction waits until a quarter of the batch (or
 * all of it) has finished; until then a finished row's step is computed and ignored.
 */
function decode(
  model: CausalLM,
  tokenizer: TextCodec,
  job: Job,
  cache: KVCache,
  first: torch.Tensor,
  o: GenerateOptions,
): void {
  let batch = job.rows.slice();
  for (let step = 0; step < o.maxNewTokens; step++) {
    // Each step's logits are made and used up here (a row still running at step s < maxNewTokens
    // means another step, so no logits are left over when the loop ends).
    const logits = step === 0 ? first : forwardStep(model, cache, batch, job.packed);
    const { ids, logprobs } = sampleAndFree(logits, o, batch);
    batch.forEach((r, i) => {
      if (r.done === null) pushToken(r, ids[i]!, logprobs[i]!, job, tokenizer, o.maxNewTokens);
    });
    const still = batch.filter((r) => r.done === null);
    o.onStep?.(step + 1, still.length);
    if (still.length === 0) break;
    const finished = batch.length - still.length;
    if (finished > 0 && finished >= Math.ceil(batch.length / 4)) {
      cache = copyRows(
        cache,
        batch.flatMap((r, i) => (r.done === null ? [i] : [])),
      );
      batch = still;
    }
  }
  disposeCache(cache);
}

/** Samples one token per row from `logits` [rows, V] and frees them: every step's logits are used once. */
function sampleAndFree(
  logits: torch.Tensor,
  o: SamplingOptions,
  batch: readonly Row[],
): { ids: number[]; logprobs: number[] } {
  try {
    return sampleRows(
      logits,
      o,
      batch.map((r) => r.gen),
    );
  } finally {
    logits.dispose();
  }
}

/** Appends a sampled token to a running row and marks it done if it ended the sample. */
function pushToken(r: Row, id: number, logprob: number, job: Job, tokenizer: TextCodec, maxNewTokens: number): void {
  r.ids.push(id);
  r.logprobs.push(logprob);
  if (job.eos.has(id)) r.done = 'eos';
  else if (job.stop.hit(tokenizer, r.ids)) r.done = 'stop';
  else if (r.ids.length >= maxNewTokens) r.done = 'length';
}

/** One forward of every row's last token; returns the next logits [rows, V] (kept: the caller frees them). */
function forwardStep(
  model: CausalLM,
  cache: KVCache,
  batch: readonly Row[],
  packed: PackedWeights | undefined,
): torch.Tensor {
  return torch.keep(
    torch.scope(() => {
      // Left padding is in a plain cache's rows; a shared prefix masks its own.
      const { next, positions, mask } = stepInputs(
        batch.map((r) => ({
          lastId: r.ids[r.ids.length - 1]!,
          position: r.promptLen + r.ids.length - 1,
          padLen: cache.prefix ? 0 : r.padLen,
        })),
        cache.length + 1,
        model.device,
      );
      const h = model.hidden(next, { cache, packed, positionIds: positions, ...(mask ? { attentionMask: mask } : {}) });
      advanceCache(cache, 1);
      return model.logits(h.select(1, 0), packed).float();
    }),
  );
}

/** completions[prompt][sample]: the rows' text (a stop string cut off) and tokens. */
function completions(tokenizer: TextCodec, job: Job): Completion[][] {
  const out: Completion[][] = job.encoded.map(() => []);
  for (const r of job.rows) {
    const full = tokenizer.decode(r.ids, { skipSpecialTokens: true });
    const { text, stop: which } = r.done === 'stop' ? job.stop.trim(full) : { text: full, stop: null };
    out[r.prompt]![r.sample] = {
      text,
      tokenIds: r.ids,
      logprobs: r.logprobs,
      finishReason: r.done ?? 'length',
      stopString: which,
      promptTokens: r.promptLen,
    };
  }
  return out;
}

/** A cache of the given rows of `cache` (which it replaces: the old one is freed). */
function copyRows(cache: KVCache, rows: readonly number[]): KVCache {
  const out = selectCacheRows(cache, rows);
  disposeCache(cache);
  return out;
}
