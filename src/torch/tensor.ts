// Tensor: a typed face over a native libtorch tensor, named and behaving like PyTorch's
// (camelCase: index_select → indexSelect, masked_fill → maskedFill, requires_grad → requiresGrad).
import { type Device, type DType, dtypeCode, dtypeFromCode, elementSize } from './dtype.js';
import { type Handle, type NativeRef, native } from './native.js';
import { type Disposable, track } from './scope.js';

// Op codes shared with native/binding.cpp (enum Unary / Binary / Reduce).
const U = {
  neg: 0,
  abs: 1,
  exp: 2,
  log: 3,
  sqrt: 4,
  rsqrt: 5,
  tanh: 6,
  sigmoid: 7,
  silu: 8,
  relu: 9,
  gelu: 10,
  sin: 11,
  cos: 12,
  floor: 13,
  ceil: 14,
  round: 15,
  sign: 16,
  reciprocal: 17,
  log1p: 18,
  expm1: 19,
  erf: 20,
  logicalNot: 21,
  isnan: 22,
  isinf: 23,
  square: 24,
  geluTanh: 25,
  isfinite: 26,
  bitwiseNot: 27,
} as const;
const B = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  pow: 4,
  maximum: 5,
  minimum: 6,
  eq: 7,
  ne: 8,
  lt: 9,
  le: 10,
  gt: 11,
  ge: 12,
  logicalAnd: 13,
  logicalOr: 14,
  logicalXor: 15,
  remainder: 16,
  floorDivide: 17,
  atan2: 18,
  bitwiseAnd: 19,
  bitwiseOr: 20,
} as const;
const R = {
  sum: 0,
  mean: 1,
  amax: 2,
  amin: 3,
  prod: 4,
  logsumexp: 5,
  std: 6,
  var: 7,
  all: 8,
  any: 9,
  norm: 10,
} as const;

export type Scalar = number;
export type TensorOrScalar = Tensor | Scalar;
type Dims = number | readonly number[] | undefined | null;

/** A generator of random numbers with its own seed and state (torch.Generator). */
export class Generator {
  readonly ref: NativeRef;
  /** A CPU generator, or one of a CUDA device's kind (`new Generator(seed, 'cuda')`) for sampling there. */
  constructor(seed = 0, device?: Device) {
    this.ref = native.newGenerator(seed, device && device !== 'cpu' ? device : null) as NativeRef;
  }
  manualSeed(seed: number): this {
    native.generatorSeed(this.ref, seed);
    return this;
  }
  getState(): Tensor {
    return new Tensor(native.generatorGetState(this.ref));
  }
  setState(state: Tensor): void {
    native.generatorSetState(this.ref, state.handle);
  }
}

function dimsArg(d: Dims): number[] | null {
  if (d === undefined || d === null) return null;
  return typeof d === 'number' ? [d] : [...d];
}

function shapeArgs(args: readonly (number | readonly number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as readonly number[])];
  return args as number[];
}

const hasSymbolDispose = typeof (Symbol as { dispose?: symbol }).dispose === 'symbol';

// Tensors nobody disposed are freed when their JS object is collected. Disposed ones unregister,
// so a long synchronous loop leaves nothing pending for the garbage collector.
const collected = new FinalizationRegistry<Handle>((h) => native.dispose(h));

export class Tensor implements Disposable {
  #h: Handle | null;

  /** Wraps a native handle; the tensor belongs to the innermost torch.scope(). */
  constructor(handle: Handle) {
    this.#h = handle;
    collected.register(this, handle, this);
    track(this);
  }

  /** The native handle (throws after dispose()). */
  get handle(): Handle {
    if (this.#h === null) throw new Error('tensor used after dispose()');
    return this.#h;
  }

  /** Frees the native tensor now (its storage goes when no other tensor views it). Idempotent. */
  dispose(): void {
    if (this.#h !== null) {
      collected.unregister(this);
      native.dispose(this.#h);
      this.#h = null;
    }
  }

  get disposed(): boolean {
    return this.#h === null;
  }

  // ------------------------------------------------------------------ metadata

  get shape(): number[] {
    return native.shape(this.handle);
  }
  size(dim?: number): number | number[] {
    const s = this.shape;
    if (dim === undefined) return s;
    const d = dim < 0 ? dim + s.length : dim;
    if (d < 0 || d >= s.length) throw new RangeError(`size(${dim}): tensor has ${s.length} dimensions`);
    return s[d]!;
  }
  stride(): number[] {
    return native.stride(this.handle);
  }
  get ndim(): number {
    return this.shape.length;
  }
  dim(): number {
    return this.ndim;
  }
  get dtype(): DType {
    return dtypeFromCode(native.dtype(this.handle));
  }
  get device(): Device {
    return native.device(this.handle);
  }
  numel(): number {
    return native.numel(this.handle);
  }
  isContiguous(): boolean {
    return native.isContiguous(this.handle);
  }
  toString(): string {
    return this.disposed
      ? 'Tensor(disposed)'
      : `Tensor(shape=[${this.shape}], dtype=${this.dtype}, device=${this.device})`;
  }

  // ------------------------------------------------------------------ data out

  /** The single element as a number (booleans as true/false like PyTorch's item()). */
  item(): number {
    return native.item(this.handle);
  }
  /** A copy of the raw element bytes, contiguous, in this tensor's dtype (for safetensors). */
  toBuffer(): Buffer {
    return native.toBytes(this.handle);
  }
  /** Elements as a typed array: float64 → Float64Array, int64 → BigInt64Array, int32 → Int32Array,
   * uint8/bool → Uint8Array, int16/int8 → Int16Array/Int8Array, float32/float16/bfloat16 → Float32Array. */
  data(): Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array {
    const dt = this.dtype;
    if (dt === 'float16' || dt === 'bfloat16') {
      const f = new Tensor(native.to(this.handle, null, dtypeCode('float32'), false));
      try {
        return f.data();
      } finally {
        f.dispose();
      }
    }
    const buf = this.toBuffer();
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    switch (dt) {
      case 'float64':
        return new Float64Array(ab);
      case 'int64':
        return new BigInt64Array(ab);
      case 'int32':
        return new Int32Array(ab);
      case 'int16':
        return new Int16Array(ab);
      case 'int8':
        return new Int8Array(ab);
      case 'uint8':
      case 'bool':
        return new Uint8Array(ab);
      default:
        return new Float32Array(ab);
    }
  }
  /** Elements as a flat number[] (int64 converted with Number()). */
  toArray(): number[] {
    const d = this.data();
    if (d instanceof BigInt64Array) return Array.from(d, (x) => Number(x));
    return Array.from(d as ArrayLike<number>);
  }
  /** Nested arrays like PyTorch's tolist(); a 0-d tensor gives a number. */
  tolist(): unknown {
    const flat = this.toArray();
    const shape = this.shape;
    if (shape.length === 0) return flat[0];
    let i = 0;
    const build = (d: number): unknown[] => {
      const out: unknown[] = [];
      for (let k = 0; k < shape[d]!; k++) out.push(d === shape.length - 1 ? flat[i++] : build(d + 1));
      return out;
    };
    return build(0);
  }

  // ------------------------------------------------------------------ conversion

  /** to('cuda') / to('float16') / to({device, dtype, copy}) */
  to(target: Device | DType | { device?: Device; dtype?: DType; copy?: boolean }): Tensor {
    let device: Device | null = null;
    let dtype: DType | null = null;
    let copy = false;
    if (typeof target === 'string') {
      if (
        (
          ['float32', 'float64', 'float16', 'bfloat16', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool'] as string[]
        ).includes(target)
      )
        dtype = target as DType;
      else device = target;
    } else {
      device = target.device ?? null;
      dtype = target.dtype ?? null;
      copy = target.copy ?? false;
    }
    return new Tensor(native.to(this.handle, device, dtype === null ? null : dtypeCode(dtype), copy));
  }
  cpu(): Tensor {
    return this.to({ device: 'cpu' });
  }
  cuda(index = 0): Tensor {
    return this.to({ device: `cuda:${index}` });
  }
  float(): Tensor {
    return this.to({ dtype: 'float32' });
  }
  double(): Tensor {
    return this.to({ dtype: 'float64' });
  }
  half(): Tensor {
    return this.to({ dtype: 'float16' });
  }
  bfloat16(): Tensor {
    return this.to({ dtype: 'bfloat16' });
  }
  long(): Tensor {
    return this.to({ dtype: 'int64' });
  }
  int(): Tensor {
    return this.to({ dtype: 'int32' });
  }
  bool(): Tensor {
    return this.to({ dtype: 'bool' });
  }
  clone(): Tensor {
    return new Tensor(native.clone(this.handle));
  }
  contiguous(): Tensor {
    return new Tensor(native.contiguous(this.handle));
  }

  // ------------------------------------------------------------------ autograd

  get requiresGrad(): boolean {
    return native.requiresGrad(this.handle);
  }
  set requiresGrad(v: boolean) {
    native.setRequiresGrad(this.handle, v);
  }
  requiresGrad_(v = true): this {
    native.setRequiresGrad(this.handle, v);
    return this;
  }
  /** The accumulated gradient (a new handle to it each access), or null. */
  get grad(): Tensor | null {
    const g = native.grad(this.handle);
    return g === null ? null : new Tensor(g);
  }
  set grad(g: Tensor | null) {
    native.setGrad(this.handle, g === null ? null : g.handle);
  }
  get isLeaf(): boolean {
    return native.isLeaf(this.handle);
  }
  backward(gradient?: Tensor, options: { retainGraph?: boolean } = {}): void {
    native.backward(this.handle, gradient?.handle ?? null, options.retainGraph ?? false);
  }
  detach(): Tensor {
    return new Tensor(native.detach(this.handle));
  }

  // ------------------------------------------------------------------ elementwise math

  #bin(o: TensorOrScalar, code: number): Tensor {
    return new Tensor(native.binary(this.handle, typeof o === 'number' ? o : o.handle, code));
  }
  #un(code: number): Tensor {
    return new Tensor(native.unary(this.handle, code));
  }
  /** this + alpha * other */
  add(o: TensorOrScalar, alpha = 1): Tensor {
    if (alpha !== 1) {
      if (typeof o === 'number') return this.#bin(o * alpha, B.add);
      return new Tensor(native.addScaled(this.handle, o.handle, alpha));
    }
    return this.#bin(o, B.add);
  }
  sub(o: TensorOrScalar, alpha = 1): Tensor {
    if (alpha !== 1) return this.add(typeof o === 'number' ? -o : o, typeof o === 'number' ? alpha : -alpha);
    return this.#bin(o, B.sub);
  }
  /** other - this (PyTorch's rsub) */
  rsub(o: Scalar): Tensor {
    return new Tensor(native.rbinary(o, this.handle, B.sub));
  }
  /** other / this */
  rdiv(o: Scalar): Tensor {
    return new Tensor(native.rbinary(o, this.handle, B.div));
  }
  mul(o: TensorOrScalar): Tensor {
    return this.#bin(o, B.mul);
  }
  div(o: TensorOrScalar): Tensor {
    return this.#bin(o, B.div);
  }
  pow(o: TensorOrScalar): Tensor {
    return this.#bin(o, B.pow);
  }
  maximum(o: TensorOrScalar): Tensor {
    return this.#bin(o, B.maximum);
  }
  minimum(o: TensorOrScalar): Tensor {
    return this.#bin(o, B.minimum);
  }
  remainder(o: TensorOrScalar): Tensor {
    return this.#bin(o, B.remainder);
  }
  floorDivide(o: TensorOrScalar): Tensor {
    return this.#bin(o, B.floorDivide);
  }
  atan2(o: TensorOrScalar): Tensor {
    return this.#bin(o, B.atan2);
  }
  eq(o: TensorOrScalar): Tensor {
    return this.#bin(o, B.eq);
  }
  ne(o: TensorOrScalar): Tensor {
    return this.#bin(o, B.ne);
  }
  lt(o: TensorOrScalar): Tensor {
    return this.#bin(o, B.lt);
  }
  le(o: TensorOrScalar): Tensor {
    return this.#bin(o, B.le);
  }
  gt(o: TensorOrScalar): Tensor {
    return this.#bin(o, B.gt);
  }
  ge(o: TensorOrScalar): Tensor {
    return this.#bin(o, B.ge);
  }
  logicalAnd(o: TensorOrScalar): Tensor {
    return this.#bin(o, B.logicalAnd);
  }
  logicalOr(o: TensorOrScalar): Tensor {
    return this.#bin(o, B.logicalOr);
  }
  logicalXor(o: TensorOrScalar): Tensor {
    return this.#bin(o, B.logicalXor);
  }
  bitwiseAnd(o: TensorOrScalar): Tensor {
    return this.#bin(o, B.bitwiseAnd);
  }
  bitwiseOr(o: TensorOrScalar): Tensor {
    return this.#bin(o, B.bitwiseOr);
  }
  neg(): Tensor {
    return this.#un(U.neg);
  }
  abs(): Tensor {
    return this.#un(U.abs);
  }
  exp(): Tensor {
    return this.#un(U.exp);
  }
  log(): Tensor {
    return this.#un(U.log);
  }
  sqrt(): Tensor {
    return this.#un(U.sqrt);
  }
  rsqrt(): Tensor {
    return this.#un(U.rsqrt);
  }
  tanh(): Tensor {
    return this.#un(U.tanh);
  }
  sigmoid(): Tensor {
    return this.#un(U.sigmoid);
  }
  silu(): Tensor {
    return this.#un(U.silu);
  }
  relu(): Tensor {
    return this.#un(U.relu);
  }
  gelu(approximate: 'none' | 'tanh' = 'none'): Tensor {
    return this.#un(approximate === 'tanh' ? U.geluTanh : U.gelu);
  }
  sin(): Tensor {
    return this.#un(U.sin);
  }
  cos(): Tensor {
    return this.#un(U.cos);
  }
  floor(): Tensor {
    return this.#un(U.floor);
  }
  ceil(): Tensor {
    return this.#un(U.ceil);
  }
  round(): Tensor {
    return this.#un(U.round);
  }
  sign(): Tensor {
    return this.#un(U.sign);
  }
  reciprocal(): Tensor {
    return this.#un(U.reciprocal);
  }
  log1p(): Tensor {
    return this.#un(U.log1p);
  }
  expm1(): Tensor {
    return this.#un(U.expm1);
  }
  erf(): Tensor {
    return this.#un(U.erf);
  }
  square(): Tensor {
    return this.#un(U.square);
  }
  logicalNot(): Tensor {
    return this.#un(U.logicalNot);
  }
  bitwiseNot(): Tensor {
    return this.#un(U.bitwiseNot);
  }
  isnan(): Tensor {
    return this.#un(U.isnan);
  }
  isinf(): Tensor {
    return this.#un(U.isinf);
  }
  isfinite(): Tensor {
    return this.#un(U.isfinite);
  }
  clamp(min?: number | null, max?: number | null): Tensor {
    return new Tensor(native.clamp(this.handle, min ?? null, max ?? null));
  }
  nanToNum(nan = 0): Tensor {
    return new Tensor(native.nanToNum(this.handle, nan));
  }

  // ------------------------------------------------------------------ reductions

  #red(code: number, dim: Dims, keepdim: boolean, extra?: number): Tensor {
    return new Tensor(native.reduce(this.handle, code, dimsArg(dim), keepdim, extra ?? null));
  }
  sum(dim?: Dims, keepdim = false): Tensor {
    return this.#red(R.sum, dim, keepdim);
  }
  mean(dim?: Dims, keepdim = false): Tensor {
    return this.#red(R.mean, dim, keepdim);
  }
  prod(dim?: Dims, keepdim = false): Tensor {
    return this.#red(R.prod, dim, keepdim);
  }
  amax(dim?: Dims, keepdim = false): Tensor {
    return this.#red(R.amax, dim, keepdim);
  }
  amin(dim?: Dims, keepdim = false): Tensor {
    return this.#red(R.amin, dim, keepdim);
  }
  logsumexp(dim: Dims, keepdim = false): Tensor {
    return this.#red(R.logsumexp, dim, keepdim);
  }
  /** Standard deviation with Bessel's correction by default (correction=1), as PyTorch. */
  std(dim?: Dims, keepdim = false, correction = 1): Tensor {
    return this.#red(R.std, dim, keepdim, correction);
  }
  var(dim?: Dims, keepdim = false, correction = 1): Tensor {
    return this.#red(R.var, dim, keepdim, correction);
  }
  all(dim?: Dims, keepdim = false): Tensor {
    return this.#red(R.all, dim, keepdim);
  }
  any(dim?: Dims, keepdim = false): Tensor {
    return this.#red(R.any, dim, keepdim);
  }
  norm(p = 2, dim?: Dims, keepdim = false): Tensor {
    return this.#red(R.norm, dim, keepdim, p);
  }
  /** max() → the largest element; max(dim) → {values, indices} as PyTorch. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  max(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    if (dim === undefined) return this.#red(R.amax, null, false);
    const [values, indices] = native.maxDim(this.handle, dim, keepdim);
    return { values: new Tensor(values), indices: new Tensor(indices) };
  }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  min(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    if (dim === undefined) return this.#red(R.amin, null, false);
    const [values, indices] = native.minDim(this.handle, dim, keepdim);
    return { values: new Tensor(values), indices: new Tensor(indices) };
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return new Tensor(native.argmax(this.handle, dim ?? null, keepdim));
  }
  argmin(dim?: number, keepdim = false): Tensor {
    return new Tensor(native.argmin(this.handle, dim ?? null, keepdim));
  }
  cumsum(dim: number): Tensor {
    return new Tensor(native.cumsum(this.handle, dim));
  }
  topk(k: number, dim = -1, largest = true, sorted = true): { values: Tensor; indices: Tensor } {
    const [values, indices] = native.topk(this.handle, k, dim, largest, sorted);
    return { values: new Tensor(values), indices: new Tensor(indices) };
  }
  /** Stable sort. */
  sort(dim = -1, descending = false): { values: Tensor; indices: Tensor } {
    const [values, indices] = native.sort(this.handle, dim, descending);
    return { values: new Tensor(values), indices: new Tensor(indices) };
  }
  multinomial(numSamples: number, replacement = false, generator?: Generator): Tensor {
    return new Tensor(native.multinomial(this.handle, numSamples, replacement, generator?.ref ?? null));
  }

  // ------------------------------------------------------------------ linear algebra, nn

  matmul(o: Tensor): Tensor {
    return new Tensor(native.matmul(this.handle, o.handle));
  }
  mm(o: Tensor): Tensor {
    return new Tensor(native.mm(this.handle, o.handle));
  }
  bmm(o: Tensor): Tensor {
    return new Tensor(native.bmm(this.handle, o.handle));
  }
  outer(o: Tensor): Tensor {
    return new Tensor(native.outer(this.handle, o.handle));
  }
  softmax(dim: number, dtype?: DType): Tensor {
    return new Tensor(native.softmax(this.handle, dim, dtype === undefined ? null : dtypeCode(dtype)));
  }
  logSoftmax(dim: number, dtype?: DType): Tensor {
    return new Tensor(native.logSoftmax(this.handle, dim, dtype === undefined ? null : dtypeCode(dtype)));
  }

  // ------------------------------------------------------------------ views and indexing

  view(...shape: (number | readonly number[])[]): Tensor {
    return new Tensor(native.view(this.handle, shapeArgs(shape)));
  }
  reshape(...shape: (number | readonly number[])[]): Tensor {
    return new Tensor(native.reshape(this.handle, shapeArgs(shape)));
  }
  permute(...dims: (number | readonly number[])[]): Tensor {
    return new Tensor(native.permute(this.handle, shapeArgs(dims)));
  }
  transpose(dim0: number, dim1: number): Tensor {
    return new Tensor(native.transpose(this.handle, dim0, dim1));
  }
  /** Transpose of a 2-D tensor. */
  t(): Tensor {
    return this.transpose(0, 1);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return new Tensor(native.narrow(this.handle, dim, start, length));
  }
  /** x[..., start:end:step, ...] along dim (negative and omitted bounds as in Python). */
  slice(dim: number, start?: number | null, end?: number | null, step = 1): Tensor {
    return new Tensor(native.slice(this.handle, dim, start ?? null, end ?? null, step));
  }
  select(dim: number, index: number): Tensor {
    return new Tensor(native.select(this.handle, dim, index));
  }
  squeeze(dim?: number): Tensor {
    return new Tensor(native.squeeze(this.handle, dim ?? null));
  }
  unsqueeze(dim: number): Tensor {
    return new Tensor(native.unsqueeze(this.handle, dim));
  }
  expand(...shape: (number | readonly number[])[]): Tensor {
    return new Tensor(native.expand(this.handle, shapeArgs(shape)));
  }
  expandAs(o: Tensor): Tensor {
    return this.expand(o.shape);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return new Tensor(native.flatten(this.handle, startDim, endDim));
  }
  repeat(...sizes: (number | readonly number[])[]): Tensor {
    return new Tensor(native.repeat(this.handle, shapeArgs(sizes)));
  }
  repeatInterleave(repeats: number, dim: number): Tensor {
    return new Tensor(native.repeatInterleave(this.handle, repeats, dim));
  }
  split(sizeOrSections: number | readonly number[], dim = 0): Tensor[] {
    const hs: Handle[] = native.split(
      this.handle,
      typeof sizeOrSections === 'number' ? sizeOrSections : [...sizeOrSections],
      dim,
    );
    return hs.map((h) => new Tensor(h));
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return (native.chunk(this.handle, chunks, dim) as Handle[]).map((h) => new Tensor(h));
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return new Tensor(native.indexSelect(this.handle, dim, index.handle));
  }
  gather(dim: number, index: Tensor): Tensor {
    return new Tensor(native.gather(this.handle, dim, index.handle));
  }
  scatter(dim: number, index: Tensor, src: Tensor): Tensor {
    return new Tensor(native.scatter(this.handle, dim, index.handle, src.handle));
  }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return new Tensor(native.scatterAdd(this.handle, dim, index.handle, src.handle));
  }
  maskedFill(mask: Tensor, value: TensorOrScalar): Tensor {
    return new Tensor(native.maskedFill(this.handle, mask.handle, typeof value === 'number' ? value : value.handle));
  }
  tril(diagonal = 0): Tensor {
    return new Tensor(native.tril(this.handle, diagonal));
  }
  triu(diagonal = 0): Tensor {
    return new Tensor(native.triu(this.handle, diagonal));
  }
  /** Advanced indexing x[i0, i1, ...] with index tensors; null keeps a whole dimension. */
  index(indices: readonly (Tensor | null)[]): Tensor {
    return new Tensor(
      native.index(
        this.handle,
        indices.map((i) => (i === null ? null : i.handle)),
      ),
    );
  }

  // ------------------------------------------------------------------ in place (no autograd history wanted)

  copy_(src: Tensor): this {
    native.copy_(this.handle, src.handle);
    return this;
  }
  fill_(value: number): this {
    native.fill_(this.handle, value);
    return this;
  }
  zero_(): this {
    native.zero_(this.handle);
    return this;
  }
  normal_(mean = 0, std = 1, generator?: Generator): this {
    native.normal_(this.handle, mean, std, generator?.ref ?? null);
    return this;
  }
  uniform_(from = 0, to = 1, generator?: Generator): this {
    native.uniform_(this.handle, from, to, generator?.ref ?? null);
    return this;
  }
  mul_(o: TensorOrScalar): this {
    native.mul_(this.handle, typeof o === 'number' ? o : o.handle);
    return this;
  }
  add_(o: TensorOrScalar, alpha = 1): this {
    native.add_(this.handle, typeof o === 'number' ? o : o.handle, alpha);
    return this;
  }
  /** this = beta·this + alpha·(m1 @ m2) in place (torch.Tensor.addmm_): accumulates a product without allocating it. */
  addmm_(m1: Tensor, m2: Tensor, o: { beta?: number; alpha?: number } = {}): this {
    native.addmm_(this.handle, m1.handle, m2.handle, o.beta ?? 1, o.alpha ?? 1);
    return this;
  }

  // ------------------------------------------------------------------ comparisons of whole tensors

  allclose(o: Tensor, rtol = 1e-5, atol = 1e-8): boolean {
    return native.allclose(this.handle, o.handle, rtol, atol);
  }
  equal(o: Tensor): boolean {
    return native.equal(this.handle, o.handle);
  }

  /** Bytes per element. */
  elementSize(): number {
    return elementSize(this.dtype);
  }
}

if (hasSymbolDispose) {
  // `using t = torch.zeros([2])` disposes t at the end of the block (TS 5.2+ explicit resource management).
  (Tensor.prototype as unknown as Record<symbol, () => void>)[(Symbol as unknown as { dispose: symbol }).dispose] =
    function (this: Tensor) {
      this.dispose();
    };
}
