// A step-wise decoding loop that rows can join and leave between steps (continuous batching, as
// vLLM and SGLang schedule): `add` prefills newcomers and merges them into the running batch,
// `cancel` takes a request's rows out at the next step, `step` samples one token for every row and
// runs one forward over them all. Rows keep generate()'s semantics: each sample has its own
// seeded stream (sample k of a request uses seed + k), per-row sampling options, EOS ids, stop
// strings and token budget, so a request samples what it would alone in generate().
//
// Layout: plain KV buffers [slots, K, capacity, E]; the batch is slots 0…R−1, right-aligned at the
// common length (left padding masked), as in generate(). A newcomer whose prompt fits before the
// common length goes into a finished row's slot or a spare one, so joining copies only its own
// prefill; otherwise the buffers are rebuilt (live rows and newcomers at a new common length, the
// padding every row shares cut, spare slots and room added). The shared-prefix ("cascade")
// cache is not used here: its prefix tensor has one length for all prompts, and prompts join at
// different times with different lengths; n samples copy their prompt's prefill instead.
import type { CausalLM } from '../model/decoder.js';
import { advanceCache, disposeCache, type KVCache } from '../model/kv-cache.js';
import type { PackedWeights } from '../model/packed-weights.js';
import * as torch from '../torch/index.js';
import type { Completion, FinishReason, TextCodec } from './generate.js';
import { leftPad, stepInputs } from './padding.js';
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

export interface SessionOptions {
  /** Most rows the session will hold at once (the scheduler's bound): spare row slots are kept up to it. */
  maxRows?: number;
  /** Most cache positions (rows × capacity) the buffers may take: spare room never goes past it. */
  maxPositions?: number;
  /**
   * What one more attention range per step costs (its calls), in row-positions read: the decode
   * step splits its attention into row ranges when that saves more (see KVCache.segments). Default 512.
   */
  rangeCost?: number;
  /** Prepacked weights (`model.packWeights`) every forward of the session uses; the caller owns them. */
  packed?: PackedWeights;
}

/** Per layer [slots, K, capacity, E]; rows 0…R−1 are the batch, the rest are spare slots. */
interface KVBuffers {
  keys: torch.Tensor[];
  values: torch.Tensor[];
  slots: number;
  capacity: number;
}

/** One prefill group (see #prefill): its requests, prefill cache and last-position logits per prompt. */
interface Prefilled {
  members: number[];
  L: number;
  cache: KVCache;
  logits: torch.Tensor;
}

/** A prefill group joining the batch; `expand[i]`: which of the group's prompts its i-th new row copies. */
interface Joining {
  L: number;
  cache: KVCache;
  expand: number[];
  logits: torch.Tensor;
}

/**
 * Where a merge puts the newcomers: the slot of each new row, the common length they are
 * right-aligned at, and the running rows' logits in slot order (null when none run).
 */
interface Placement {
  slots: number[];
  len: number;
  kept: torch.Tensor | null;
}

export class DecodeSession {
  /** Rows in the cache, in cache order (finished ones stay until the next compaction). */
  #rows: SRow[] = [];
  #kv: KVBuffers | null = null;
  /** Positions filled in every row (the common length; rows are right-aligned at it). */
  #len = 0;
  /** Logits [R, V] (float32) each row samples its next token from. */
  #logits: torch.Tensor | null = null;
  #nextHandle = 1;
  readonly #reqs = new Map<number, Req>();
  /** Rows removed because their request was cancelled (they stopped before their budget). */
  cancelledRows = 0;
  /** Merges that rebuilt the cache (the rest wrote newcomers into free slots). */
  rebuilds = 0;
  /** Newcomer rows written into the slot of a finished row. */
  reusedSlots = 0;
  /** Decode steps whose attention ran in more than one row range (#segments). */
  splitSteps = 0;

  constructor(
    private readonly model: CausalLM,
    private readonly tokenizer: TextCodec,
    private readonly options: SessionOptions = {},
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
    return this.#kv ? this.#len : 0;
  }

  get capacity(): number {
    return this.#kv?.capacity ?? 0;
  }

  /** Cache positions (rows × capacity) the session needs after admitting these requests. */
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

  /** Prefills the requests and merges their rows into the batch. Returns one handle per request. */
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

  /**
   * Prefills prompts in groups of similar length (one forward each, left-padded within the group as
   * generate() pads), so a short prompt joining with a long one is not padded to its length.
   * Returns the groups in order: their requests, prefill caches and last-position logits per row.
   */
  #prefill(reqs: readonly SessionRequest[]): Prefilled[] {
    const model = this.model;
    const device = model.device;
    const pad = this.tokenizer.padTokenId ?? this.tokenizer.eosTokenIds[0] ?? 0;
    // longest first; a group grows while its padded size stays within 5/4 of its real tokens
    const order = reqs.map((_, i) => i).sort((a, b) => reqs[b]!.prompt.length - reqs[a]!.prompt.length);
    const groups: number[][] = [];
    let real = 0;
    for (const i of order) {
      const g = groups[groups.length - 1];
      const len = reqs[i]!.prompt.length;
      if (g && (g.length + 1) * reqs[g[0]!]!.prompt.length * 4 <= (real + len) * 5) {
        g.push(i);
        real += len;
      } else {
        groups.push([i]);
        real = len;
      }
    }
    const out: Prefilled[] = [];
    try {
      for (const members of groups) {
        const P = members.length;
        const L = reqs[members[0]!]!.prompt.length;
        const input = leftPad(
          members.map((m) => reqs[m]!.prompt),
          L,
          pad,
        );
        const cache = model.newCache(P, L);
        let logits: torch.Tensor;
        try {
          logits = torch.keep(
            torch.scope(() => {
              const ids = torch.tensor(input.ids, { dtype: 'int64', shape: [P, L], device });
              const padding = input.padded ? torch.tensor(input.mask, { dtype: 'int64', shape: [P, L], device }) : null;
              const packed = this.options.packed;
              const h = model.hidden(ids, {
                cache,
                packed,
                positionIds: torch.tensor(input.positions, { dtype: 'int64', shape: [P, L], device }),
                ...(padding ? { attentionMask: padding } : {}),
              });
              advanceCache(cache, L);
              return model.logits(h.select(1, L - 1), packed).float();
            }),
          );
        } catch (e) {
          disposeCache(cache);
          throw e;
        }
        out.push({ members, L, cache, logits });
      }
    } catch (e) {
      for (const g of out) {
        disposeCache(g.cache);
        g.logits.dispose();
      }
      throw e;
    }
    return out;
  }

  /**
   * Buffer sizes for a rebuild that needs `rows` rows and `cap` positions: spare slots and room
   * (so the next newcomers can be written in without copying the batch), within the options' bounds.
   */
  #bufferSize(rows: number, cap: number): { slots: number; capacity: number } {
    const maxRows = Math.max(rows, this.options.maxRows ?? rows);
    const maxPositions = Math.max(rows * cap, this.options.maxPositions ?? rows * cap);
    let slots = Math.min(maxRows, rows * 2);
    let capacity = cap + Math.max(64, cap);
    if (slots * capacity > maxPositions) capacity = Math.max(cap, Math.floor(maxPositions / slots));
    if (slots * capacity > maxPositions) slots = Math.max(rows, Math.floor(maxPositions / capacity));
    return { slots, capacity };
  }

  /**
   * Merges the prefilled newcomers into the batch: into free slots when they fit, else by
   * rebuilding the buffers; then writes their prefill and puts their logits in slot order.
   */
  #merge(reqs: readonly SessionRequest[], made: Req[]): void {
    const groups = this.#prefill(reqs);
    try {
      const { newRows, joining } = this.#newRows(groups, reqs, made);
      const place = this.#freeSlots(reqs, newRows.length) ?? this.#rebuild(reqs, newRows.length);
      this.#writePrefill(joining, place.slots, place.len);
      for (const r of newRows) r.padLen = place.len - r.req.promptLen;
      const rows = [...this.#rows];
      newRows.forEach((r, j) => {
        rows[place.slots[j]!] = r;
      });
      const logits = this.#mergedLogits(place.kept, joining, place.slots, rows.length);
      // on the fast path `kept` is the old this.#logits itself
      place.kept?.dispose();
      this.#logits = logits;
      this.#rows = rows;
    } finally {
      for (const g of groups) {
        disposeCache(g.cache);
        g.logits.dispose();
      }
    }
  }

  /**
   * The newcomers' rows, in group order (each group's rows are copied in one piece); a request's
   * n samples copy its prefill: `expand` holds each row's index into its group's prefill.
   */
  #newRows(
    groups: readonly Prefilled[],
    reqs: readonly SessionRequest[],
    made: Req[],
  ): { newRows: SRow[]; joining: Joining[] } {
    const newRows: SRow[] = [];
    const joining: Joining[] = [];
    for (const g of groups) {
      const expand: number[] = [];
      g.members.forEach((p, j) => {
        const req = made[p]!;
        for (let k = 0; k < req.n; k++) {
          const row: SRow = {
            req,
            sample: k,
            gen: new UniformStream(reqs[p]!.seed + k),
            ids: [],
            logprobs: [],
            done: null,
            padLen: 0,
          };
          req.rows.push(row);
          newRows.push(row);
          expand.push(j);
        }
      });
      joining.push({ L: g.L, cache: g.cache, expand, logits: g.logits });
    }
    return { newRows, joining };
  }

  /**
   * Fast path: when the newcomers fit right-aligned at the current length, in the slots of finished
   * rows and in spare slots, with room for their tokens, the running rows stay where they are.
   * Null when they do not fit.
   */
  #freeSlots(reqs: readonly SessionRequest[], count: number): Placement | null {
    const kv = this.#kv;
    const S = this.length;
    const newMax = Math.max(...reqs.map((r) => r.prompt.length));
    const newRemaining = Math.max(...reqs.map((r) => r.maxNewTokens));
    const deadSlots = this.#rows.flatMap((r, i) => (r.done !== null ? [i] : []));
    const fits =
      kv !== null &&
      this.#rows.length - deadSlots.length + count <= kv.slots &&
      newMax <= S &&
      S + newRemaining <= kv.capacity;
    if (!fits) return null;
    const R = this.#rows.length;
    const slots = Array.from({ length: count }, (_, j) =>
      j < deadSlots.length ? deadSlots[j]! : R + j - deadSlots.length,
    );
    this.reusedSlots += Math.min(deadSlots.length, count);
    return { slots, len: S, kept: this.#logits ?? null };
  }

  /**
   * Rebuilds the buffers at the common length and capacity the live rows and newcomers need (the
   * padding every live row shares cut, spare slots and room added): live rows first, in order, then
   * `count` slots for the newcomers. Finished rows and the old buffers are dropped.
   */
  #rebuild(reqs: readonly SessionRequest[], count: number): Placement {
    const device = this.model.device;
    const kv = this.#kv;
    const S = this.length;
    const live = this.#rows.filter((r) => r.done === null);
    const liveIdx = this.#rows.flatMap((r, i) => (r.done === null ? [i] : []));
    const { len: L, cap, minPad } = this.#layout(live, reqs);
    const oldSpan = live.length > 0 ? S - minPad : 0;
    const size = this.#bufferSize(live.length + count, cap);
    const fresh = this.model.newCache(size.slots, size.capacity);
    if (kv && live.length > 0)
      torch.scope(() => {
        const liveT = torch.tensor(liveIdx, { dtype: 'int64', device });
        for (const [dsts, srcs] of [
          [fresh.keys, kv.keys],
          [fresh.values, kv.values],
        ] as const)
          dsts.forEach((dst, l) =>
            dst
              .narrow(0, 0, live.length)
              .narrow(2, L - oldSpan, oldSpan)
              .copy_(srcs[l]!.narrow(2, minPad, oldSpan).indexSelect(0, liveT)),
          );
      });
    for (const r of live) r.padLen = r.padLen - minPad + (L - oldSpan);
    let kept: torch.Tensor | null = null;
    if (this.#logits && live.length > 0)
      kept = torch.keep(
        torch.scope(() => this.#logits!.indexSelect(0, torch.tensor(liveIdx, { dtype: 'int64', device }))),
      );
    this.#logits?.dispose();
    this.#logits = null;
    if (kv) this.#disposeBuffers(kv);
    this.#kv = { keys: fresh.keys, values: fresh.values, slots: size.slots, capacity: size.capacity };
    this.#rows = live;
    this.#len = L;
    this.rebuilds++;
    return { slots: Array.from({ length: count }, (_, j) => live.length + j), len: L, kept };
  }

  /**
   * Writes the newcomers' prefill into their slots, right-aligned at `len` (runs of consecutive
   * slots in one copy). A reused slot keeps its old row's keys before the prompt: finite values
   * under the mask, so they get weight exactly 0.
   */
  #writePrefill(joining: readonly Joining[], slots: readonly number[], len: number): void {
    const device = this.model.device;
    const buf = this.#kv!;
    torch.scope(() => {
      let j = 0;
      for (const g of joining) {
        for (let a = 0; a < g.expand.length; ) {
          let b = a + 1;
          while (b < g.expand.length && slots[j + b] === slots[j + a]! + (b - a)) b++;
          const src = torch.tensor(g.expand.slice(a, b), { dtype: 'int64', device });
          for (const [dsts, pre] of [
            [buf.keys, g.cache.keys],
            [buf.values, g.cache.values],
          ] as const)
            dsts.forEach((dst, l) =>
              dst
                .narrow(0, slots[j + a]!, b - a)
                .narrow(2, len - g.L, g.L)
                .copy_(pre[l]!.indexSelect(0, src)),
            );
          a = b;
        }
        j += g.expand.length;
      }
    });
  }

  /**
   * Logits [rows, V] in slot order (kept): the kept rows', then the newcomers' (a newcomer in a
   * reused slot takes that row's place).
   */
  #mergedLogits(
    kept: torch.Tensor | null,
    joining: readonly Joining[],
    slots: readonly number[],
    rows: number,
  ): torch.Tensor {
    const device = this.model.device;
    return torch.keep(
      torch.scope(() => {
        const all = torch.cat(
          [
            ...(kept ? [kept] : []),
            ...joining.map((g) => g.logits.indexSelect(0, torch.tensor(g.expand, { dtype: 'int64', device }))),
          ],
          0,
        );
        const keptRows = kept ? kept.shape[0]! : 0;
        const order = Array.from({ length: rows }, (_, i) => i);
        slots.forEach((slot, j) => {
          order[slot] = keptRows + j;
        });
        const identity = order.every((o, i) => o === i);
        return identity ? all : all.indexSelect(0, torch.tensor(order, { dtype: 'int64', device }));
      }),
    );
  }

  #disposeBuffers(kv: KVBuffers): void {
    for (const t of kv.keys) t.dispose();
    for (const t of kv.values) t.dispose();
  }

  /** The batch's view of the buffers: its R rows, filled up to the common length. */
  #cacheView(): KVCache {
    const kv = this.#kv!;
    const R = this.#rows.length;
    return {
      keys: kv.keys.map((k) => k.narrow(0, 0, R)),
      values: kv.values.map((v) => v.narrow(0, 0, R)),
      length: this.#len,
      capacity: kv.capacity,
    };
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
    if (!this.#kv || !this.#logits || this.#rows.length === 0) return out;
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
      // Newcomers take finished rows' slots right-aligned at the common length, so that length can
      // run far ahead of every live row (attention then runs over padding they all share): cut it
      // once it passes an eighth of the length; the copy pays for itself within a few steps.
      let minPad = Number.POSITIVE_INFINITY;
      for (const r of rows) if (r.done === null && r.padLen < minPad) minPad = r.padLen;
      const sharedPad = minPad >= 8 && minPad * 8 >= this.#len;
      if (cancelled || sharedPad || (dead.length > 0 && dead.length >= Math.ceil(rows.length / 4))) this.#compact();
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

  /** Moves the live rows to the front slots, cutting the leading padding they all share. */
  #compact(): void {
    // least padding first: rows of similar extent end up in one attention range (#segments)
    const keep = this.#rows
      .flatMap((r, i) => (r.done === null ? [i] : []))
      .sort((a, b) => this.#rows[a]!.padLen - this.#rows[b]!.padLen);
    const rows = keep.map((i) => this.#rows[i]!);
    const kv = this.#kv!;
    const S = this.#len;
    const minPad = Math.min(...rows.map((r) => r.padLen));
    torch.scope(() => {
      const idx = torch.tensor(keep, { dtype: 'int64', device: this.model.device });
      // indexSelect copies first, so moving rows and positions within the same buffer is safe
      for (const t of [...kv.keys, ...kv.values])
        t.narrow(0, 0, keep.length)
          .narrow(2, 0, S - minPad)
          .copy_(t.narrow(2, minPad, S - minPad).indexSelect(0, idx));
    });
    for (const r of rows) r.padLen -= minPad;
    this.#len = S - minPad;
    this.#rows = rows;
  }

  #forward(): void {
    const model = this.model;
    const rows = this.#rows;
    this.#logits = torch.keep(
      torch.scope(() => {
        const cache = this.#cacheView();
        const S = cache.length + 1;
        // A finished row (awaiting compaction) feeds its last token again; its output is ignored.
        const { next, positions, mask } = stepInputs(
          rows.map((r) => ({
            lastId: r.ids[r.ids.length - 1]!,
            position: r.req.promptLen + r.ids.length - 1,
            padLen: r.padLen,
          })),
          S,
          model.device,
        );
        if (mask) {
          cache.segments = this.#segments(S);
          if (cache.segments.length > 1) this.splitSteps++;
        }
        const packed = this.options.packed;
        const h = model.hidden(next, {
          cache,
          packed,
          positionIds: positions,
          ...(mask ? { attentionMask: mask } : {}),
        });
        advanceCache(cache, 1);
        this.#len = cache.length;
        return model.logits(h.select(1, 0), packed).float();
      }),
    );
  }

  /**
   * Row ranges for this step's attention (see KVCache.segments): a range reads positions from the
   * least padding among its live rows (a finished row's output is ignored; its own last position is
   * always in). Ranges are chosen to minimize positions read, each range counted as
   * `rangeCost` positions more for its calls.
   */
  #segments(S: number): { start: number; count: number; from: number }[] {
    const rows = this.#rows;
    const R = rows.length;
    const pad = rows.map((r) => (r.done === null ? r.padLen : S - 1));
    const rangeCost = this.options.rangeCost ?? 512;
    const best = new Array<number>(R + 1).fill(Number.POSITIVE_INFINITY);
    const cut = new Array<number>(R + 1).fill(0);
    best[0] = 0;
    for (let b = 1; b <= R; b++) {
      let minPad = S;
      for (let a = b - 1; a >= 0; a--) {
        minPad = Math.min(minPad, pad[a]!);
        const c = best[a]! + (b - a) * (S - minPad) + rangeCost;
        if (c < best[b]!) {
          best[b] = c;
          cut[b] = a;
        }
      }
    }
    const out: { start: number; count: number; from: number }[] = [];
    for (let b = R; b > 0; b = cut[b]!) {
      const a = cut[b]!;
      out.unshift({ start: a, count: b - a, from: Math.min(S - 1, ...pad.slice(a, b)) });
    }
    return out;
  }

  #reset(): void {
    if (this.#kv) this.#disposeBuffers(this.#kv);
    this.#logits?.dispose();
    this.#kv = null;
    this.#len = 0;
    this.#logits = null;
    this.#rows = [];
  }

  /** Frees the cache; every request still running is dropped. */
  dispose(): void {
    this.#reset();
    this.#reqs.clear();
  }
}
