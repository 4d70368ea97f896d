// A step-wise decoding loop that rows can join and leave between steps (continuous batching, as
// vLLM and SGLang schedule): `add` prefills newcomers and merges them into the running batch,
// `cancel` takes a request's rows out at the next step, `step` samples one token for every row and
// runs one forward over them all. Rows keep generate()'s semantics: each sample has its own
// seeded stream (sample k of a request uses seed + k), per-row sampling options, EOS ids, stop
// strings and token budget, so a request samples what it would alone in generate().
//
// Layout: one plain KV cache [R, K, capacity, E] whose rows are right-aligned at the common length
// (left padding masked), as in generate(). A merge rebuilds the cache: the padding every row shares
// is cut, old rows and newcomers are placed at the new common length. The shared-prefix ("cascade")
// cache is not used here: its prefix tensor has one length for all prompts, and prompts join at
// different times with different lengths; n samples copy their prompt's prefill instead.
import type { CausalLM } from '../model/decoder.js';
import { disposeCache, type KVCache } from '../model/kv-cache.js';
import * as torch from '../torch/index.js';
import type { Completion, FinishReason, TextCodec } from './generate.js';
import { type SamplingOptions, sampleRows, UniformStream, validateSampling } from './sampling.js';
import { StopMatcher } from './stop.js';

export interface SessionRequest extends SamplingOptions {
  /** Prompt token ids (non-empty). */
  prompt: readonly number[];
  /** Samples; sample k uses seed + k. */
  n: number;
  seed: number;
  maxNewTokens: number;
  stop?: readonly string[];
  /** Default: the tokenizer's EOS ids. */
  eosTokenIds?: readonly number[];
}

export interface SessionToken {
  handle: number;
  sample: number;
  id: number;
  logprob: number;
}

export interface StepResult {
  /** The token each live row sampled this step. */
  tokens: SessionToken[];
  /** Requests whose every sample has finished: their completions, sample order. */
  finished: { handle: number; completions: Completion[] }[];
}

interface Req {
  handle: number;
  n: number;
  promptLen: number;
  maxNewTokens: number;
  sampling: SamplingOptions;
  samplingKey: string;
  eos: Set<number>;
  stop: StopMatcher;
  rows: SRow[];
  cancelled: boolean;
}

interface SRow {
  req: Req;
  sample: number;
  gen: UniformStream;
  ids: number[];
  logprobs: number[];
  done: FinishReason | null;
  /** Leading cache positions that are not this row's (masked). */
  padLen: number;
}

export class DecodeSession {
  /** Rows in the cache, in cache order (finished ones stay until the next compaction). */
  #rows: SRow[] = [];
  #cache: KVCache | null = null;
  /** Logits [R, V] (float32) each row samples its next token from. */
  #logits: torch.Tensor | null = null;
  #nextHandle = 1;
  readonly #reqs = new Map<number, Req>();
  /** Rows removed because their request was cancelled (they stopped before their budget). */
  cancelledRows = 0;

  constructor(
    private readonly model: CausalLM,
    private readonly tokenizer: TextCodec,
  ) {}

  /** Rows still generating. */
  get liveRows(): number {
    return this.#rows.filter((r) => r.done === null).length;
  }

  /** Rows held in the cache (live + finished ones awaiting compaction). */
  get cacheRows(): number {
    return this.#rows.length;
  }

  get length(): number {
    return this.#cache?.length ?? 0;
  }

  get capacity(): number {
    return this.#cache?.capacity ?? 0;
  }

  /** Cache positions (rows × capacity) the session would hold after admitting these requests. */
  positionsWith(reqs: readonly SessionRequest[]): number {
    const live = this.#rows.filter((r) => r.done === null);
    return (live.length + reqs.reduce((s, r) => s + r.n, 0)) * this.#layout(live, reqs).cap;
  }

  /** Bytes one cache position of one row takes (keys + values over all layers). */
  bytesPerPosition(): number {
    const c = this.model.config;
    const bytes = this.model.dtype === 'float32' ? 4 : this.model.dtype === 'float64' ? 8 : 2;
    return 2 * c.num_hidden_layers * c.numKeyValueHeads * c.headDim * bytes;
  }

  /** The common length and capacity after a merge of the live rows with newcomers. */
  #layout(live: readonly SRow[], reqs: readonly SessionRequest[]): { len: number; cap: number; minPad: number } {
    const S = this.length;
    const minPad = live.length > 0 ? Math.min(...live.map((r) => r.padLen)) : S;
    const newMax = reqs.length > 0 ? Math.max(...reqs.map((r) => r.prompt.length)) : 0;
    const len = Math.max(S - minPad, newMax);
    // Each row runs at most (budget − tokens so far) more forwards.
    const remaining = Math.max(
      0,
      ...live.map((r) => r.req.maxNewTokens - r.ids.length),
      ...reqs.map((r) => r.maxNewTokens),
    );
    return { len, cap: len + remaining, minPad };
  }

  /** Prefills the requests (one forward) and merges their rows into the batch. Returns one handle per request. */
  add(reqs: readonly SessionRequest[]): number[] {
    if (reqs.length === 0) return [];
    const eosDefault = this.tokenizer.eosTokenIds;
    const made: Req[] = reqs.map((r, i) => {
      validateSampling(r);
      if (r.prompt.length === 0) throw new Error(`request ${i}: the prompt is empty`);
      if (!Number.isInteger(r.n) || r.n < 1) throw new RangeError(`request ${i}: n must be ≥ 1, got ${r.n}`);
      if (!Number.isInteger(r.maxNewTokens) || r.maxNewTokens < 1)
        throw new RangeError(`request ${i}: max_new_tokens must be ≥ 1, got ${r.maxNewTokens}`);
      if (!Number.isSafeInteger(r.seed) || !Number.isSafeInteger(r.seed + r.n))
        throw new RangeError(`request ${i}: seed must be a safe integer, got ${r.seed}`);
      if (r.prompt.length + r.maxNewTokens > this.model.config.max_position_embeddings)
        throw new Error(
          `request ${i}: prompt (${r.prompt.length} tokens) + max_new_tokens (${r.maxNewTokens}) exceeds the model's ${this.model.config.max_position_embeddings} positions`,
        );
      const sampling: SamplingOptions = {
        temperature: r.temperature ?? 1,
        topP: r.topP ?? 1,
        topK: r.topK ?? 0,
        minP: r.minP ?? 0,
      };
      const req: Req = {
        handle: this.#nextHandle++,
        n: r.n,
        promptLen: r.prompt.length,
        maxNewTokens: r.maxNewTokens,
        sampling,
        samplingKey: JSON.stringify(sampling),
        eos: new Set(r.eosTokenIds ?? eosDefault),
        stop: new StopMatcher(r.stop),
        rows: [],
        cancelled: false,
      };
      return req;
    });
    torch.noGrad(() => this.#merge(reqs, made));
    for (const req of made) this.#reqs.set(req.handle, req);
    return made.map((r) => r.handle);
  }

  #merge(reqs: readonly SessionRequest[], made: Req[]): void {
    const model = this.model;
    const device = model.device;
    // ---- prefill the newcomers: left-padded together, one row per prompt (as generate())
    const P = reqs.length;
    const L = Math.max(...reqs.map((r) => r.prompt.length));
    const pad = this.tokenizer.padTokenId ?? this.tokenizer.eosTokenIds[0] ?? 0;
    const flat: number[] = [];
    const maskFlat: number[] = [];
    const posFlat: number[] = [];
    for (const r of reqs) {
      const padLen = L - r.prompt.length;
      for (let i = 0; i < L; i++) {
        flat.push(i < padLen ? pad : r.prompt[i - padLen]!);
        maskFlat.push(i < padLen ? 0 : 1);
        posFlat.push(Math.max(0, i - padLen));
      }
    }
    const prefill = model.newCache(P, L);
    let newLogits: torch.Tensor;
    try {
      newLogits = torch.keep(
        torch.scope(() => {
          const ids = torch.tensor(flat, { dtype: 'int64', shape: [P, L], device });
          const padding = maskFlat.includes(0)
            ? torch.tensor(maskFlat, { dtype: 'int64', shape: [P, L], device })
            : null;
          const h = model.hidden(ids, {
            cache: prefill,
            positionIds: torch.tensor(posFlat, { dtype: 'int64', shape: [P, L], device }),
            ...(padding ? { attentionMask: padding } : {}),
          });
          const rowsOf = made.flatMap((q, p) => Array.from({ length: q.n }, () => p));
          const logits = model.logits(h.select(1, L - 1)).float();
          return logits.indexSelect(0, torch.tensor(rowsOf, { dtype: 'int64', device }));
        }),
      );
    } catch (e) {
      disposeCache(prefill);
      throw e;
    }

    // ---- the new layout: shared leading padding cut, everyone right-aligned at `len`
    const live = this.#rows.filter((r) => r.done === null);
    const liveIdx = this.#rows.flatMap((r, i) => (r.done === null ? [i] : []));
    const { len, cap, minPad } = this.#layout(live, reqs);
    const S = this.length;
    const oldSpan = live.length > 0 ? S - minPad : 0;
    const newRows: SRow[] = [];
    const expand: number[] = [];
    made.forEach((req, p) => {
      for (let k = 0; k < req.n; k++) {
        const row: SRow = {
          req,
          sample: k,
          gen: new UniformStream(reqs[p]!.seed + k),
          ids: [],
          logprobs: [],
          done: null,
          padLen: len - reqs[p]!.prompt.length,
        };
        req.rows.push(row);
        newRows.push(row);
        expand.push(p);
      }
    });
    const R = live.length + newRows.length;
    const old = this.#cache;
    const c = model.config;
    const cache = model.newCache(R, cap);
    torch.scope(() => {
      const liveT = live.length > 0 ? torch.tensor(liveIdx, { dtype: 'int64', device }) : null;
      const expandT = torch.tensor(expand, { dtype: 'int64', device });
      for (let l = 0; l < c.num_hidden_layers; l++) {
        for (const [dst, src, pre] of [
          [cache.keys[l]!, old?.keys[l], prefill.keys[l]!],
          [cache.values[l]!, old?.values[l], prefill.values[l]!],
        ] as const) {
          if (liveT && src)
            dst
              .narrow(0, 0, live.length)
              .narrow(2, len - oldSpan, oldSpan)
              .copy_(src.indexSelect(0, liveT).narrow(2, minPad, oldSpan));
          dst
            .narrow(0, live.length, newRows.length)
            .narrow(2, len - L, L)
            .copy_(pre.indexSelect(0, expandT));
        }
      }
    });
    cache.length = len;
    for (const r of live) r.padLen = r.padLen - minPad + (len - oldSpan);
    let logits = newLogits;
    if (this.#logits && live.length > 0) {
      const prev = this.#logits;
      logits = torch.keep(
        torch.scope(() =>
          torch.cat([prev.indexSelect(0, torch.tensor(liveIdx, { dtype: 'int64', device })), newLogits], 0),
        ),
      );
      newLogits.dispose();
    }
    this.#logits?.dispose();
    if (old) disposeCache(old);
    disposeCache(prefill);
    this.#cache = cache;
    this.#logits = logits;
    this.#rows = [...live, ...newRows];
  }

  /** The request's rows leave the batch at the next step; its completions are never reported. */
  cancel(handle: number): boolean {
    const req = this.#reqs.get(handle);
    if (!req) return false;
    req.cancelled = true;
    for (const r of req.rows)
      if (r.done === null) {
        r.done = 'length';
        this.cancelledRows++;
      }
    this.#reqs.delete(handle);
    return true;
  }

  /** Samples one token per live row, reports finished requests, and runs the next forward. */
  step(): StepResult {
    const out: StepResult = { tokens: [], finished: [] };
    if (!this.#cache || !this.#logits || this.#rows.length === 0) return out;
    torch.noGrad(() => {
      const logits = this.#logits!;
      const rows = this.#rows;
      // ---- sample: rows grouped by sampling options (each row's draw depends only on its own logits and stream)
      const groups = new Map<string, number[]>();
      rows.forEach((r, i) => {
        if (r.done !== null) return;
        const g = groups.get(r.req.samplingKey);
        if (g) g.push(i);
        else groups.set(r.req.samplingKey, [i]);
      });
      for (const idx of groups.values()) {
        const o = rows[idx[0]!]!.req.sampling;
        const all = idx.length === rows.length;
        const picked = all
          ? sampleRows(
              logits,
              o,
              rows.map((r) => r.gen),
            )
          : torch.scope(() =>
              sampleRows(
                logits.indexSelect(0, torch.tensor(idx, { dtype: 'int64', device: logits.device })),
                o,
                idx.map((i) => rows[i]!.gen),
              ),
            );
        idx.forEach((i, j) => {
          const r = rows[i]!;
          const id = picked.ids[j]!;
          r.ids.push(id);
          r.logprobs.push(picked.logprobs[j]!);
          out.tokens.push({ handle: r.req.handle, sample: r.sample, id, logprob: picked.logprobs[j]! });
          if (r.req.eos.has(id)) r.done = 'eos';
          else if (r.req.stop.hit(this.tokenizer, r.ids)) r.done = 'stop';
          else if (r.ids.length >= r.req.maxNewTokens) r.done = 'length';
          if (r.done !== null && r.req.rows.every((x) => x.done !== null)) out.finished.push(this.#finish(r.req));
        });
      }
      logits.dispose();
      this.#logits = null;
      // ---- compaction: dropping rows copies the cache, so it waits for a quarter of the batch (or a
      // cancellation, whose work must stop now); until then a finished row's step is computed and ignored.
      const dead = rows.filter((r) => r.done !== null);
      const cancelled = dead.some((r) => r.req.cancelled);
      if (dead.length === rows.length) {
        this.#reset();
        return;
      }
      if (cancelled || (dead.length > 0 && dead.length >= Math.ceil(rows.length / 4))) this.#compact();
      this.#forward();
    });
    return out;
  }

  #finish(req: Req): { handle: number; completions: Completion[] } {
    this.#reqs.delete(req.handle);
    const completions = req.rows.map((r) => {
      const full = this.tokenizer.decode(r.ids, { skipSpecialTokens: true });
      const { text, stop } = r.done === 'stop' ? req.stop.trim(full) : { text: full, stop: null };
      return {
        text,
        tokenIds: r.ids,
        logprobs: r.logprobs,
        finishReason: r.done ?? 'length',
        stopString: stop,
        promptTokens: req.promptLen,
      };
    });
    return { handle: req.handle, completions };
  }

  #compact(): void {
    const keep = this.#rows.flatMap((r, i) => (r.done === null ? [i] : []));
    const cache = this.#cache!;
    const out = torch.scope(() => {
      const idx = torch.tensor(keep, { dtype: 'int64', device: this.model.device });
      return {
        keys: cache.keys.map((k) => torch.keep(k.indexSelect(0, idx))),
        values: cache.values.map((v) => torch.keep(v.indexSelect(0, idx))),
        length: cache.length,
        capacity: cache.capacity,
      };
    });
    disposeCache(cache);
    this.#cache = out;
    this.#rows = keep.map((i) => this.#rows[i]!);
  }

  #forward(): void {
    const model = this.model;
    const cache = this.#cache!;
    const rows = this.#rows;
    this.#logits = torch.keep(
      torch.scope(() => {
        const R = rows.length;
        const S = cache.length + 1;
        const device = model.device;
        // A finished row (awaiting compaction) feeds its last token again; its output is ignored.
        const next = torch.tensor(
          rows.map((r) => r.ids[r.ids.length - 1]!),
          { dtype: 'int64', shape: [R, 1], device },
        );
        const pos = torch.tensor(
          rows.map((r) => r.req.promptLen + r.ids.length - 1),
          { dtype: 'int64', shape: [R, 1], device },
        );
        const mask = rows.some((r) => r.padLen > 0)
          ? torch
              .arange(0, S, 1, { device })
              .unsqueeze(0)
              .ge(
                torch.tensor(
                  rows.map((r) => r.padLen),
                  { dtype: 'int64', shape: [R, 1], device },
                ),
              )
          : undefined;
        const h = model.hidden(next, { cache, positionIds: pos, ...(mask ? { attentionMask: mask } : {}) });
        return model.logits(h.select(1, 0)).float();
      }),
    );
  }

  #reset(): void {
    if (this.#cache) disposeCache(this.#cache);
    this.#logits?.dispose();
    this.#cache = null;
    this.#logits = null;
    this.#rows = [];
  }

  /** Frees the cache; every request still running is dropped. */
  dispose(): void {
    this.#reset();
    this.#reqs.clear();
  }
}
