// Batched generation: left-padded prompts share one prefill each, `n` samples per prompt reuse the
// prompt's keys/values instead of recomputing them (kept once and attended by all samples, or
// copied into each sample's row for short prompts), finished rows leave the batch, every sample has
// its own seeded generator (sample k of a prompt uses seed + k), stop strings are matched on text.
import type { CausalLM } from '../model/decoder.js';
import { disposeCache, type KVCache, selectCacheRows, sharePrefix } from '../model/kv-cache.js';
import * as torch from '../torch/index.js';
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
   * while it runs). Default: when that copy is at most 2 GiB. Weights the caller packed already
   * (`model.packForInference`, as `kindling serve` does once) are used either way.
   */
  packWeights?: boolean;
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
  if (!(o.packWeights ?? model.packsByDefault())) return generateRows(model, tokenizer, prompts, o, n);
  return model.withPackedWeights(prompts.length * n, () => generateRows(model, tokenizer, prompts, o, n));
}

function generateRows(
  model: CausalLM,
  tokenizer: TextCodec,
  prompts: readonly (string | readonly number[])[],
  o: GenerateOptions,
  n: number,
): Completion[][] {
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

  return torch.noGrad(() => {
    // ---- prefill: one forward over the left-padded prompts, one row per prompt
    const P = encoded.length;
    const sharing = sharesPrefix(n, maxPrompt, model.device, o.sharedPrefix);
    let cache: KVCache = model.newCache(P, sharing ? maxPrompt : capacity);
    const flat: number[] = [];
    const maskFlat: number[] = [];
    const posFlat: number[] = [];
    for (const ids of encoded) {
      const padLen = maxPrompt - ids.length;
      for (let i = 0; i < maxPrompt; i++) {
        flat.push(i < padLen ? pad : ids[i - padLen]!);
        maskFlat.push(i < padLen ? 0 : 1);
        posFlat.push(Math.max(0, i - padLen));
      }
    }
    // [P, maxPrompt], 1 = real token; null when no prompt is padded.
    const padding = maskFlat.includes(0)
      ? torch.keep(torch.tensor(maskFlat, { dtype: 'int64', shape: [P, maxPrompt], device: model.device }))
      : null;
    let lastLogits = torch.keep(
      torch.scope(() => {
        const ids = torch.tensor(flat, { dtype: 'int64', shape: [P, maxPrompt], device: model.device });
        const h = model.hidden(ids, {
          cache,
          positionIds: torch.tensor(posFlat, { dtype: 'int64', shape: [P, maxPrompt], device: model.device }),
          ...(padding ? { attentionMask: padding } : {}),
        });
        return model.logits(h.select(1, maxPrompt - 1)).float(); // [P,V]
      }),
    );
    // ---- share each prompt's prefill among its n samples
    if (n > 1) {
      const prompts = rows.map((r) => r.prompt);
      cache = sharing ? sharePrefix(cache, n, o.maxNewTokens, padding) : copyRows(cache, prompts);
      const expand = torch.tensor(prompts, { dtype: 'int64', device: model.device });
      const l = torch.keep(lastLogits.indexSelect(0, expand));
      lastLogits.dispose();
      lastLogits = l;
      expand.dispose();
    }
    padding?.dispose();

    // `batch`: the rows in the cache, in cache order. Finished rows leave it in bulk: dropping a row
    // copies every remaining row's cache, so a compaction waits until a quarter of the batch (or all
    // of it) has finished; until then a finished row's step is computed and ignored.
    let batch = rows.slice();
    for (let step = 0; step < o.maxNewTokens; step++) {
      const { ids, logprobs } = sampleRows(
        lastLogits,
        o,
        batch.map((r) => r.gen),
      );
      lastLogits.dispose();
      batch.forEach((r, i) => {
        if (r.done !== null) return;
        const id = ids[i]!;
        r.ids.push(id);
        r.logprobs.push(logprobs[i]!);
        if (eos.has(id)) r.done = 'eos';
        else if (stop.hit(tokenizer, r.ids)) r.done = 'stop';
        else if (r.ids.length >= o.maxNewTokens) r.done = 'length';
      });
      const still = batch.filter((r) => r.done === null);
      o.onStep?.(step + 1, still.length);
      if (still.length === 0) {
        batch = still;
        break;
      }
      const finished = batch.length - still.length;
      if (finished > 0 && finished >= Math.ceil(batch.length / 4)) {
        cache = copyRows(
          cache,
          batch.flatMap((r, i) => (r.done === null ? [i] : [])),
        );
        batch = still;
      }
      lastLogits = torch.keep(
        torch.scope(() => {
          const R = batch.length;
          const S = cache.length + 1;
          const next = torch.tensor(
            batch.map((r) => r.ids[r.ids.length - 1]!),
            { dtype: 'int64', shape: [R, 1], device: model.device },
          );
          const pos = torch.tensor(
            batch.map((r) => r.promptLen + r.ids.length - 1),
            { dtype: 'int64', shape: [R, 1], device: model.device },
          );
          // Left padding is in a plain cache's rows; a shared prefix masks its own.
          const mask =
            !cache.prefix && batch.some((r) => r.padLen > 0)
              ? torch
                  .arange(0, S, 1, { device: model.device })
                  .unsqueeze(0)
                  .ge(
                    torch.tensor(
                      batch.map((r) => r.padLen),
                      { dtype: 'int64', shape: [R, 1], device: model.device },
                    ),
                  )
              : undefined;
          const h = model.hidden(next, { cache, positionIds: pos, ...(mask ? { attentionMask: mask } : {}) });
          return model.logits(h.select(1, 0)).float();
        }),
      );
    }
    if (batch.length > 0) lastLogits.dispose();
    disposeCache(cache);

    const out: Completion[][] = encoded.map(() => []);
    for (const r of rows) {
      const full = tokenizer.decode(r.ids, { skipSpecialTokens: true });
      const { text, stop: which } = r.done === 'stop' ? stop.trim(full) : { text: full, stop: null };
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
  });
}

/** A cache of the given rows of `cache` (which it replaces: the old one is freed). */
function copyRows(cache: KVCache, rows: readonly number[]): KVCache {
  const out = selectCacheRows(cache, rows);
  disposeCache(cache);
  return out;
}
