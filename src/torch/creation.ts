// Tensor creation: zeros, ones, full, empty, arange, rand, randn, randint, tensor(), fromBuffer().
import { type Device, type DType, dtypeCode } from './dtype.js';
import { native } from './native.js';
import { type Generator, Tensor } from './tensor.js';

export interface CreateOptions {
  dtype?: DType;
  device?: Device;
  requiresGrad?: boolean;
}

type Shape = number | readonly number[];
const shapeOf = (s: Shape): number[] => (typeof s === 'number' ? [s] : [...s]);

function finish(t: Tensor, o: CreateOptions): Tensor {
  if (o.requiresGrad) t.requiresGrad_(true);
  return t;
}

export function zeros(shape: Shape, o: CreateOptions = {}): Tensor {
  return finish(new Tensor(native.zeros(shapeOf(shape), dtypeCode(o.dtype ?? 'float32'), o.device ?? null)), o);
}
export function ones(shape: Shape, o: CreateOptions = {}): Tensor {
  return finish(new Tensor(native.ones(shapeOf(shape), dtypeCode(o.dtype ?? 'float32'), o.device ?? null)), o);
}
export function empty(shape: Shape, o: CreateOptions = {}): Tensor {
  return finish(new Tensor(native.empty(shapeOf(shape), dtypeCode(o.dtype ?? 'float32'), o.device ?? null)), o);
}
export function full(shape: Shape, value: number, o: CreateOptions = {}): Tensor {
  return finish(new Tensor(native.full(shapeOf(shape), value, dtypeCode(o.dtype ?? 'float32'), o.device ?? null)), o);
}
export function zerosLike(t: Tensor, o: CreateOptions = {}): Tensor {
  return zeros(t.shape, { dtype: t.dtype, device: t.device, ...o });
}
export function onesLike(t: Tensor, o: CreateOptions = {}): Tensor {
  return ones(t.shape, { dtype: t.dtype, device: t.device, ...o });
}
export function fullLike(t: Tensor, value: number, o: CreateOptions = {}): Tensor {
  return full(t.shape, value, { dtype: t.dtype, device: t.device, ...o });
}
/** arange(end) or arange(start, end, step); int64 by default, as PyTorch does for integer bounds. */
export function arange(startOrEnd: number, end?: number, step = 1, o: CreateOptions = {}): Tensor {
  const [s, e] = end === undefined ? [0, startOrEnd] : [startOrEnd, end];
  const integral = Number.isInteger(s) && Number.isInteger(e) && Number.isInteger(step);
  const dtype = o.dtype ?? (integral ? 'int64' : 'float32');
  return finish(new Tensor(native.arange(s, e, step, dtypeCode(dtype), o.device ?? null)), o);
}
export function rand(shape: Shape, o: CreateOptions & { generator?: Generator } = {}): Tensor {
  const h = native.rand(shapeOf(shape), dtypeCode(o.dtype ?? 'float32'), o.device ?? null, o.generator?.ref ?? null);
  return finish(new Tensor(h), o);
}
export function randn(shape: Shape, o: CreateOptions & { generator?: Generator } = {}): Tensor {
  const h = native.randn(shapeOf(shape), dtypeCode(o.dtype ?? 'float32'), o.device ?? null, o.generator?.ref ?? null);
  return finish(new Tensor(h), o);
}
export function randnLike(t: Tensor, o: CreateOptions & { generator?: Generator } = {}): Tensor {
  return randn(t.shape, { dtype: t.dtype, device: t.device, ...o });
}
/** Integers uniform in [low, high). */
export function randint(
  low: number,
  high: number,
  shape: Shape,
  o: CreateOptions & { generator?: Generator } = {},
): Tensor {
  const h = native.randint(
    low,
    high,
    shapeOf(shape),
    dtypeCode(o.dtype ?? 'int64'),
    o.device ?? null,
    o.generator?.ref ?? null,
  );
  return finish(new Tensor(h), o);
}
export function scalarTensor(value: number, o: CreateOptions = {}): Tensor {
  return finish(new Tensor(native.scalarTensor(value, dtypeCode(o.dtype ?? 'float32'), o.device ?? null)), o);
}

/** A tensor from raw little-endian bytes of the given dtype and shape (copied). */
export function fromBuffer(
  bytes: ArrayBufferView | ArrayBuffer,
  dtype: DType,
  shape: Shape,
  o: CreateOptions = {},
): Tensor {
  const t = new Tensor(native.fromBytes(bytes, dtypeCode(dtype), shapeOf(shape)));
  if (o.device && o.device !== 'cpu') {
    const moved = t.to({ device: o.device });
    t.dispose();
    return finish(moved, o);
  }
  return finish(t, o);
}

type Nested = number | boolean | bigint | readonly Nested[];
type TypedArray = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array | BigInt64Array;

function typedFor(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case 'float64':
      return new Float64Array(n);
    case 'int64':
      return new BigInt64Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'int16':
      return new Int16Array(n);
    case 'int8':
      return new Int8Array(n);
    case 'uint8':
    case 'bool':
      return new Uint8Array(n);
    default:
      return new Float32Array(n);
  }
}

/**
 * torch.tensor(data): nested arrays or a typed array. The dtype defaults to the data's: numbers →
 * float32 (JS cannot tell 1 from 1.0; pass {dtype: 'int64'} for indices), bigint → int64,
 * boolean → bool, typed arrays → their own element type. float16/bfloat16 are converted from float32.
 */
export function tensor(data: Nested | TypedArray, o: CreateOptions & { shape?: readonly number[] } = {}): Tensor {
  let flat: ArrayLike<number | bigint | boolean>;
  let shape: number[];
  let inferred: DType;
  if (ArrayBuffer.isView(data)) {
    flat = data as ArrayLike<number | bigint>;
    shape = o.shape ? [...o.shape] : [(data as TypedArray).length];
    inferred =
      data instanceof Float64Array
        ? 'float64'
        : data instanceof BigInt64Array
          ? 'int64'
          : data instanceof Int32Array
            ? 'int32'
            : data instanceof Int16Array
              ? 'int16'
              : data instanceof Int8Array
                ? 'int8'
                : data instanceof Uint8Array
                  ? 'uint8'
                  : 'float32';
  } else {
    shape = [];
    let probe: Nested = data as Nested;
    while (Array.isArray(probe)) {
      shape.push(probe.length);
      probe = probe[0] as Nested;
    }
    const out: (number | bigint | boolean)[] = [];
    const walk = (x: Nested, d: number): void => {
      if (Array.isArray(x)) {
        if (x.length !== shape[d])
          throw new Error(`tensor(): ragged nested array at depth ${d} (expected length ${shape[d]}, got ${x.length})`);
        for (const v of x) walk(v, d + 1);
      } else {
        if (d !== shape.length)
          throw new Error(`tensor(): ragged nested array (a scalar at depth ${d}, expected depth ${shape.length})`);
        out.push(x as number | bigint | boolean);
      }
    };
    walk(data as Nested, 0);
    flat = out;
    if (o.shape) shape = [...o.shape];
    inferred = typeof probe === 'bigint' ? 'int64' : typeof probe === 'boolean' ? 'bool' : 'float32';
  }
  const dtype = o.dtype ?? inferred;
  const storage: DType = dtype === 'float16' || dtype === 'bfloat16' ? 'float32' : dtype;
  const buf = typedFor(storage, flat.length);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i]!;
    if (buf instanceof BigInt64Array) buf[i] = typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)));
    else (buf as Float32Array)[i] = typeof v === 'boolean' ? (v ? 1 : 0) : Number(v);
  }
  let t = fromBuffer(buf, storage, shape);
  if (storage !== dtype) {
    const c = t.to({ dtype });
    t.dispose();
    t = c;
  }
  if (o.device && o.device !== 'cpu') {
    const c = t.to({ device: o.device });
    t.dispose();
    t = c;
  }
  return finish(t, o);
}
