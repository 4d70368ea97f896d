// NumPy's default random generator, reimplemented so the generator reproduces the published K&K
// files bit for bit: `np.random.default_rng(seed)` = PCG64 (XSL-RR 128/64) seeded through
// SeedSequence, plus the two Generator methods the K&K code calls — `integers(low, high)` (Lemire's
// bounded method on 32-bit draws) and `choice(list)` / `choice(list, size, replace=False)` (Floyd's
// algorithm followed by a Fisher–Yates shuffle). Checked against NumPy itself in the tests.

const M32 = 0xffffffff;
const U128 = (1n << 128n) - 1n;
const PCG_MULT = 0x2360ed051fc65da44385df649fccf645n;

// SeedSequence constants (NumPy's bit_generator.pyx).
const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const POOL_SIZE = 4;

const mul32 = (a: number, b: number): number => Math.imul(a, b) >>> 0;

/** SeedSequence(entropy).generate_state(nWords32) as uint32 words. */
export function seedSequenceState(entropy: bigint | number, nWords32: number): number[] {
  let e = BigInt(entropy);
  if (e < 0n) throw new Error('seed must be non-negative');
  const words: number[] = [];
  if (e === 0n) words.push(0);
  while (e > 0n) {
    words.push(Number(e & 0xffffffffn));
    e >>= 32n;
  }
  let hashConst = INIT_A;
  const hashmix = (value: number): number => {
    let v = (value ^ hashConst) >>> 0;
    hashConst = mul32(hashConst, MULT_A);
    v = mul32(v, hashConst);
    return (v ^ (v >>> 16)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const r = (mul32(MIX_MULT_L, x) - mul32(MIX_MULT_R, y)) >>> 0;
    return (r ^ (r >>> 16)) >>> 0;
  };
  const pool = new Array<number>(POOL_SIZE);
  for (let i = 0; i < POOL_SIZE; i++) pool[i] = hashmix(i < words.length ? words[i]! : 0);
  for (let src = 0; src < POOL_SIZE; src++)
    for (let dst = 0; dst < POOL_SIZE; dst++) if (src !== dst) pool[dst] = mix(pool[dst]!, hashmix(pool[src]!));
  for (let src = POOL_SIZE; src < words.length; src++)
    for (let dst = 0; dst < POOL_SIZE; dst++) pool[dst] = mix(pool[dst]!, hashmix(words[src]!));
  let hb = INIT_B;
  const out: number[] = [];
  for (let i = 0; i < nWords32; i++) {
    let v = (pool[i % POOL_SIZE]! ^ hb) >>> 0;
    hb = mul32(hb, MULT_B);
    v = mul32(v, hb);
    out.push((v ^ (v >>> 16)) >>> 0);
  }
  return out;
}

/** NumPy's PCG64 bit generator (128-bit LCG, XSL-RR output), with its 32-bit draw buffering. */
export class PCG64 {
  private state = 0n;
  private inc = 0n;
  private hasUint32 = false;
  private uinteger = 0;

  constructor(seed: bigint | number) {
    const w = seedSequenceState(seed, 8);
    // generate_state(4, uint64): little-endian pairs of 32-bit words.
    const u64 = (k: number) => (BigInt(w[2 * k + 1]!) << 32n) | BigInt(w[2 * k]!);
    const initState = (u64(0) << 64n) | u64(1);
    const initSeq = (u64(2) << 64n) | u64(3);
    this.inc = ((initSeq << 1n) | 1n) & U128;
    this.step();
    this.state = (this.state + initState) & U128;
    this.step();
  }

  private step(): void {
    this.state = (this.state * PCG_MULT + this.inc) & U128;
  }

  /** Next 64-bit output as [high32, low32] (avoids BigInt on the hot path's callers). */
  next64(): bigint {
    this.step();
    const hi = this.state >> 64n;
    const lo = this.state & 0xffffffffffffffffn;
    const x = hi ^ lo;
    const rot = Number(this.state >> 122n);
    return ((x >> BigInt(rot)) | (x << BigInt((64 - rot) & 63))) & 0xffffffffffffffffn;
  }

  next32(): number {
    if (this.hasUint32) {
      this.hasUint32 = false;
      return this.uinteger;
    }
    const v = this.next64();
    this.hasUint32 = true;
    this.uinteger = Number(v >> 32n);
    return Number(v & 0xffffffffn);
  }
}

/** The subset of `numpy.random.Generator` the K&K generator uses, draw-for-draw compatible. */
export class NumpyGenerator {
  readonly bits: PCG64;
  constructor(seed: bigint | number) {
    this.bits = new PCG64(seed);
  }

  /** Uniform integer in [0, rng] (inclusive), as NumPy's random_bounded_uint64 for rng < 2^32. */
  private bounded(rng: number): number {
    if (rng === 0) return 0;
    if (rng > M32) throw new Error('ranges above 2^32 are not supported');
    if (rng === M32) return this.bits.next32();
    const excl = rng + 1;
    // Lemire: 32x32→64-bit product, high word is the result; reject the biased low words.
    let [hi, lo] = mulWide(this.bits.next32(), excl);
    if (lo < excl) {
      const threshold = (M32 - rng) % excl;
      while (lo < threshold) [hi, lo] = mulWide(this.bits.next32(), excl);
    }
    return hi;
  }

  /** `integers(low, high)`: uniform in [low, high). */
  integers(low: number, high: number): number {
    if (!(high > low)) throw new Error(`integers: high (${high}) must be greater than low (${low})`);
    return low + this.bounded(high - 1 - low);
  }

  /** `choice(items)`: one element, uniformly. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('choice: empty sequence');
    return items[this.integers(0, items.length)]!;
  }

  /** `choice(items, size, replace=False)` (shuffle=True): Floyd's sampling, then a shuffle. */
  sample<T>(items: readonly T[], size: number): T[] {
    const pop = items.length;
    if (size > pop) throw new Error(`sample: cannot take ${size} of ${pop} without replacement`);
    if (pop > 10000) throw new Error('sample: populations above 10,000 use another NumPy path (not implemented)');
    const idx: number[] = [];
    const seen = new Set<number>();
    for (let j = pop - size; j < pop; j++) {
      const v = this.bounded(j);
      const pick = seen.has(v) ? j : v;
      seen.add(pick);
      idx.push(pick);
    }
    for (let i = size - 1; i >= 1; i--) {
      const j = this.bounded(i);
      const t = idx[j]!;
      idx[j] = idx[i]!;
      idx[i] = t;
    }
    return idx.map((k) => items[k]!);
  }

  /** `random()`: a double in [0, 1) from the top 53 bits of a 64-bit draw. */
  random(): number {
    return Number(this.bits.next64() >> 11n) / 2 ** 53;
  }
}

/** 32×32-bit unsigned product as [high32, low32]. */
function mulWide(a: number, b: number): [number, number] {
  const aHi = a >>> 16;
  const aLo = a & 0xffff;
  const bHi = b >>> 16;
  const bLo = b & 0xffff;
  const ll = aLo * bLo;
  const lh = aLo * bHi;
  const hl = aHi * bLo;
  const hh = aHi * bHi;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  const lo = ((mid & 0xffff) << 16) | (ll & 0xffff);
  const hi = hh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16);
  return [hi >>> 0, lo >>> 0];
}
