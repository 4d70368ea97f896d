// Key/value caches for decoding, and the shared-prompt ("cascade") attention that lets `n` samples
// of one prompt keep its keys/values once instead of n times.
//
// Plain cache: per layer [B, K, capacity, E], rows = sequences, filled up to `length`.
// Shared prefix: the prompts' prefill [P, K, L, E] plus a plain cache of the rows' own tokens. A
// decode step attends each prompt's query rows to its prefix in one batch entry, each row to its own
// tokens, and merges the two exactly through their log-sum-exps. Decoding reads KV memory, so this
// cuts the bytes read per step from R·(L+t) positions to P·L + R·t.
import * as torch from '../torch/index.js';

const F = torch.nn.functional;
type Tensor = torch.Tensor;

/** Per-layer key/value buffers [B, K, capacity, E], filled up to `length`. Inference only. */
export interface KVCache {
  keys: Tensor[];
  values: Tensor[];
  length: number;
  capacity: number;
  /** Keys/values before these rows' own that several rows share (their prompt). */
  prefix?: SharedPrefix;
  /**
   * Decoding one token per row: consecutive row ranges (covering every row, in order) whose keys
   * before `from` are all masked (left padding), so their attention reads positions from `from`
   * only. A batch whose rows joined at different times shares one length; this keeps short rows
   * from attending over the long rows' extent.
   */
  segments?: { start: number; count: number; from: number }[];
}

/**
 * Prompt keys/values shared by the cache's rows. For attention the rows are laid out in slots:
 * `group` slots per prompt, so one prompt's queries form one batch entry of the prefix attention.
 */
export interface SharedPrefix {
  /** Per layer [P, K, L, E]. */
  keys: Tensor[];
  values: Tensor[];
  /** Additive mask [P, 1, 1, L] in the model dtype: −inf on left padding; null when nothing is padded. */
  bias: Tensor | null;
  length: number;
  /** For each cache row, the prefix entry (prompt) it continues. */
  rowPrompt: number[];
  group: number;
  /** The cache row in each of the P·group slots (spare slots repeat a row of their prompt); null when slot = row. */
  slotRows: Tensor | null;
  /** The slot of each cache row; null when slot = row. */
  rowSlots: Tensor | null;
}

/** Empty KV buffers [batch, kvHeads, capacity, headDim] per layer. */
export function emptyCache(
  layers: number,
  batch: number,
  kvHeads: number,
  capacity: number,
  headDim: number,
  o: { dtype: torch.DType; device: string },
): KVCache {
  const shape = [batch, kvHeads, capacity, headDim];
  const keys: Tensor[] = [];
  const values: Tensor[] = [];
  torch.noGrad(() => {
    for (let i = 0; i < layers; i++) {
      keys.push(torch.keep(torch.zeros(shape, o)));
      values.push(torch.keep(torch.zeros(shape, o)));
    }
  });
  return { keys, values, length: 0, capacity };
}

/**
 * Turns a prefill cache (one row per prompt) into a cache of `n` rows per prompt that share the
 * prompt's keys/values, with room for `capacity` tokens of their own. Takes ownership of `prefill`.
 * `padding` [P, L] marks real prompt tokens 1 and left padding 0 (null: none padded).
 */
export function sharePrefix(prefill: KVCache, n: number, capacity: number, padding: Tensor | null): KVCache {
  if (prefill.prefix) throw new Error('sharePrefix: the cache already has a shared prefix');
  return torch.noGrad(() => {
    const L = prefill.length;
    const [P, K, , E] = prefill.keys[0]!.shape as [number, number, number, number];
    const { dtype, device } = prefill.keys[0]!;
    const own = (t: Tensor) => (prefill.capacity === L ? t : torch.keep(t.narrow(2, 0, L).contiguous()));
    const keys = prefill.keys.map(own);
    const values = prefill.values.map(own);
    if (prefill.capacity !== L) disposeCache(prefill);
    const bias = padding
      ? torch.keep(
          torch.scope(() =>
            torch.where(padding.view(P, 1, 1, L).to({ dtype: 'bool' }), 0, Number.NEGATIVE_INFINITY).to({ dtype }),
          ),
        )
      : null;
    const rows = emptyCache(prefill.keys.length, P * n, K, capacity, E, { dtype, device });
    const rowPrompt = Array.from({ length: P * n }, (_, r) => Math.floor(r / n));
    rows.prefix = { keys, values, bias, length: L, rowPrompt, group: n, slotRows: null, rowSlots: null };
    return rows;
  });
}

/** Rows of a cache picked (and repeated) by index: sharing one prefill across n samples, or dropping finished rows. */
export function selectCacheRows(cache: KVCache, rows: readonly number[]): KVCache {
  return torch.noGrad(() =>
    torch.scope(() => {
      const idx = torch.tensor([...rows], { dtype: 'int64', device: cache.keys[0]!.device });
      const out: KVCache = {
        keys: cache.keys.map((k) => torch.keep(k.indexSelect(0, idx))),
        values: cache.values.map((v) => torch.keep(v.indexSelect(0, idx))),
        length: cache.length,
        capacity: cache.capacity,
      };
      if (cache.prefix) out.prefix = selectPrefixRows(cache.prefix, rows);
      return out;
    }),
  );
}

/** The prefix for a new row selection: prompts no row continues leave it, and the slots are laid out again. */
function selectPrefixRows(prefix: SharedPrefix, rows: readonly number[]): SharedPrefix {
  const device = prefix.keys[0]!.device;
  const prompts = [...new Set(rows.map((r) => prefix.rowPrompt[r]!))].sort((a, b) => a - b);
  const local = new Map(prompts.map((p, i) => [p, i]));
  const rowPrompt = rows.map((r) => local.get(prefix.rowPrompt[r]!)!);
  // Slots: prompt i's rows take slots i·group … in row order; spare slots repeat the prompt's first row.
  const perPrompt: number[][] = prompts.map(() => []);
  rowPrompt.forEach((p, r) => perPrompt[p]!.push(r));
  const group = Math.max(...perPrompt.map((rs) => rs.length));
  const slotRows = perPrompt.flatMap((rs) => Array.from({ length: group }, (_, j) => rs[j] ?? rs[0]!));
  const rowSlots: number[] = new Array(rows.length);
  perPrompt.forEach((rs, p) => rs.forEach((r, j) => (rowSlots[r] = p * group + j)));
  const identity = slotRows.length === rows.length && slotRows.every((r, s) => r === s);
  const pIdx = torch.tensor(prompts, { dtype: 'int64', device });
  const pick = (t: Tensor) => torch.keep(t.indexSelect(0, pIdx));
  const ints = (xs: number[]) => torch.keep(torch.tensor(xs, { dtype: 'int64', device }));
  return {
    keys: prefix.keys.map(pick),
    values: prefix.values.map(pick),
    bias: prefix.bias ? pick(prefix.bias) : null,
    length: prefix.length,
    rowPrompt,
    group,
    slotRows: identity ? null : ints(slotRows),
    rowSlots: identity ? null : ints(rowSlots),
  };
}

/**
 * Keeps the `T` positions a forward just wrote at cache.length … cache.length + T − 1 (CausalLM.hidden
 * writes them; the caller decides they count). Until then the next forward would overwrite them.
 */
export function advanceCache(cache: KVCache, T: number): void {
  if (cache.length + T > cache.capacity)
    throw new Error(`KV cache overflow: ${cache.length + T} positions > capacity ${cache.capacity}`);
  cache.length += T;
}

export function disposeCache(cache: KVCache): void {
  const p = cache.prefix;
  const prefixTensors = p ? [...p.keys, ...p.values, p.bias, p.slotRows, p.rowSlots] : [];
  for (const t of [...cache.keys, ...cache.values, ...prefixTensors]) t?.dispose();
}

/**
 * One decoding step's attention with a shared prefix: q [R,H,1,E] (after RoPE), k/v [R,K,t,E] the
 * rows' own keys/values including this step's, `mask` [R,1,1,t] (true = attend) or null. Returns
 * [R,H,1,E]. The G = H/K query heads of a KV head attend as G positions, so keys are read once.
 */
export function attendWithPrefix(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  prefix: SharedPrefix,
  layer: number,
  mask: Tensor | null,
): Tensor {
  const [R, H, T, E] = q.shape as [number, number, number, number];
  if (T !== 1) throw new Error(`a shared-prefix cache decodes one token per row at a time, got ${T}`);
  const K = k.shape[1]!;
  const G = H / K;
  const P = prefix.keys[layer]!.shape[0]!;
  const m = prefix.group;
  const rows = q.reshape(R, K, G, E);
  // Prefix: prompt p's slots as the m·G query positions of batch entry p.
  const slotted = prefix.slotRows ? rows.indexSelect(0, prefix.slotRows) : rows;
  const qp = slotted
    .view(P, m, K, G, E)
    .permute(0, 2, 1, 3, 4)
    .reshape(P, K, m * G, E);
  const pre = F.attentionWithLse(qp, prefix.keys[layer]!, prefix.values[layer]!, { attnMask: prefix.bias });
  // Back to slot order [P, m, K, G, ·] as views; lerp reads them strided, so no copy while slot = row.
  let o1 = pre.out.view(P, K, m, G, E).permute(0, 2, 1, 3, 4);
  let l1 = pre.lse.view(P, K, m, G).permute(0, 2, 1, 3);
  let shape = [P, m, K, G];
  if (prefix.rowSlots) {
    o1 = o1.reshape(P * m, K, G, E).indexSelect(0, prefix.rowSlots);
    l1 = l1.reshape(P * m, K, G).indexSelect(0, prefix.rowSlots);
    shape = [R, K, G];
  }
  // Own tokens, then the exact merge: softmax over both key sets = weights sigmoid(lse₁ − lse₂).
  const bias = mask ? torch.where(mask, 0, Number.NEGATIVE_INFINITY).to({ dtype: q.dtype }) : null;
  const own = F.attentionWithLse(rows, k, v, { attnMask: bias });
  let w = l1.sub(own.lse.view(shape)).sigmoid().unsqueeze(-1);
  if (w.dtype !== q.dtype) w = w.to({ dtype: q.dtype });
  return torch.lerp(own.out.view([...shape, E]), o1, w).reshape(R, H, 1, E);
}
