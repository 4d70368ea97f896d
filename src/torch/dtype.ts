// dtypes and devices, named as in PyTorch. Codes are shared with native/binding.cpp (kDtypes).

export type DType =
  | 'float32'
  | 'float64'
  | 'float16'
  | 'bfloat16'
  | 'int64'
  | 'int32'
  | 'int16'
  | 'int8'
  | 'uint8'
  | 'bool';

export const DTYPES: readonly DType[] = [
  'float32',
  'float64',
  'float16',
  'bfloat16',
  'int64',
  'int32',
  'int16',
  'int8',
  'uint8',
  'bool',
];

export const float32: DType = 'float32';
export const float64: DType = 'float64';
export const float16: DType = 'float16';
export const bfloat16: DType = 'bfloat16';
export const int64: DType = 'int64';
export const int32: DType = 'int32';
export const bool: DType = 'bool';

export function dtypeCode(d: DType): number {
  const c = DTYPES.indexOf(d);
  if (c < 0) throw new TypeError(`unknown dtype '${d}' (expected one of ${DTYPES.join(', ')})`);
  return c;
}

export function dtypeFromCode(c: number): DType {
  const d = DTYPES[c];
  if (!d) throw new TypeError(`unsupported dtype code ${c}`);
  return d;
}

export function isFloating(d: DType): boolean {
  return d === 'float32' || d === 'float64' || d === 'float16' || d === 'bfloat16';
}

export function elementSize(d: DType): number {
  switch (d) {
    case 'float64':
    case 'int64':
      return 8;
    case 'float32':
    case 'int32':
      return 4;
    case 'float16':
    case 'bfloat16':
    case 'int16':
      return 2;
    default:
      return 1;
  }
}

/** 'cpu', 'cuda', 'cuda:1', 'mps' — anything libtorch's Device(string) accepts. */
export type Device = string;

/** The typed array that holds a dtype's elements when read back (16-bit floats are converted). */
export type TypedArrayFor<D extends DType> = D extends 'float64'
  ? Float64Array
  : D extends 'int64'
    ? BigInt64Array
    : D extends 'int32'
      ? Int32Array
      : D extends 'int16'
        ? Int16Array
        : D extends 'int8'
          ? Int8Array
          : D extends 'uint8' | 'bool'
            ? Uint8Array
            : Float32Array;
