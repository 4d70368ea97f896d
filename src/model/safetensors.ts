// safetensors read/write (https://huggingface.co/docs/safetensors): 8-byte little-endian header
// length, a JSON header {name: {dtype, shape, data_offsets}}, then the raw bytes. Reads one tensor
// at a time from disk into libtorch, so loading never holds two copies of the weights; writes
// stream tensor by tensor. Sharded checkpoints use model.safetensors.index.json.
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from '../torch/index.js';

const FROM_ST: Record<string, torch.DType> = {
  F32: 'float32',
  F16: 'float16',
  BF16: 'bfloat16',
  F64: 'float64',
  I64: 'int64',
  I32: 'int32',
  I16: 'int16',
  I8: 'int8',
  U8: 'uint8',
  BOOL: 'bool',
};
const TO_ST: Record<torch.DType, string> = Object.fromEntries(
  Object.entries(FROM_ST).map(([k, v]) => [v, k]),
) as Record<torch.DType, string>;

export interface TensorEntry {
  dtype: torch.DType;
  shape: number[];
  /** Byte offsets relative to the start of the data section. */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  tensors: Map<string, TensorEntry>;
  metadata: Record<string, string>;
  dataStart: number;
  fileSize: number;
}

const MAX_HEADER = 100 * 2 ** 20;

export function readHeader(path: string): SafetensorsHeader {
  const fd = openSync(path, 'r');
  try {
    const fileSize = fstatSync(fd).size;
    const fail = (why: string): never => {
      throw new Error(`${path}: not a valid safetensors file: ${why}`);
    };
    if (fileSize < 8) fail(`${fileSize} bytes is too short for the header length`);
    const lenBuf = Buffer.alloc(8);
    readSync(fd, lenBuf, 0, 8, 0);
    const n = Number(lenBuf.readBigUInt64LE(0));
    if (n > MAX_HEADER || 8 + n > fileSize) fail(`header length ${n} exceeds the file (${fileSize} bytes)`);
    const hb = Buffer.alloc(n);
    readSync(fd, hb, 0, n, 8);
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(hb.toString('utf8'));
    } catch (e) {
      return fail(`header is not JSON (${(e as Error).message})`);
    }
    const tensors = new Map<string, TensorEntry>();
    const dataLen = fileSize - 8 - n;
    let metadata: Record<string, string> = {};
    const spans: [number, number, string][] = [];
    for (const [name, v] of Object.entries(json)) {
      if (name === '__metadata__') {
        metadata = (v ?? {}) as Record<string, string>;
        continue;
      }
      const e = v as { dtype?: string; shape?: number[]; data_offsets?: [number, number] };
      const dtype = FROM_ST[e.dtype ?? ''];
      if (!dtype) fail(`tensor '${name}': unsupported dtype '${e.dtype}'`);
      if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0))
        fail(`tensor '${name}': bad shape`);
      const [begin, end] = e.data_offsets ?? [-1, -1];
      if (!(Number.isInteger(begin) && Number.isInteger(end) && begin >= 0 && end >= begin))
        fail(`tensor '${name}': bad data_offsets`);
      if (end > dataLen)
        fail(`tensor '${name}' ends at byte ${end} but the data section has ${dataLen} bytes (truncated file?)`);
      const want = e.shape!.reduce((a, b) => a * b, 1) * torch.elementSize(dtype!);
      if (end - begin !== want)
        fail(`tensor '${name}': ${end - begin} bytes for shape [${e.shape}] ${e.dtype} (expected ${want})`);
      tensors.set(name, { dtype: dtype!, shape: e.shape!, begin, end });
      spans.push([begin, end, name]);
    }
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++)
      if (spans[i]![0] < spans[i - 1]![1]) fail(`tensors '${spans[i - 1]![2]}' and '${spans[i]![2]}' overlap`);
    return { tensors, metadata, dataStart: 8 + n, fileSize };
  } finally {
    closeSync(fd);
  }
}

/**
 * Loads tensors from one file. `select` picks names (default all); `convert` receives each tensor
 * as soon as it is read (e.g. to move or cast it) so the raw copy can be dropped right away.
 */
export function loadSafetensors(
  path: string,
  o: { select?: (name: string) => boolean; convert?: (name: string, t: torch.Tensor) => torch.Tensor } = {},
): Map<string, torch.Tensor> {
  const h = readHeader(path);
  const out = new Map<string, torch.Tensor>();
  const fd = openSync(path, 'r');
  try {
    for (const [name, e] of h.tensors) {
      if (o.select && !o.select(name)) continue;
      const buf = Buffer.allocUnsafe(e.end - e.begin);
      const got = readSync(fd, buf, 0, buf.length, h.dataStart + e.begin);
      if (got !== buf.length) throw new Error(`${path}: tensor '${name}' is truncated (${got} of ${buf.length} bytes)`);
      const t = torch.fromBuffer(buf, e.dtype, e.shape);
      if (o.convert) {
        const c = o.convert(name, t);
        if (c !== t) t.dispose();
        out.set(name, c);
      } else out.set(name, t);
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

/** Writes tensors (in the given order) to one safetensors file, one tensor's bytes in memory at a time. */
export function saveSafetensors(
  path: string,
  tensors: Map<string, torch.Tensor>,
  metadata: Record<string, string> = {},
): void {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    const bytes = t.numel() * torch.elementSize(t.dtype);
    header[name] = { dtype: TO_ST[t.dtype], shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces to an 8-byte boundary (as the reference implementation does).
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const hb = Buffer.from(json, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(hb.length));
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, len);
    writeSync(fd, hb);
    for (const t of tensors.values()) writeSync(fd, t.toBuffer());
  } finally {
    closeSync(fd);
  }
}

export const INDEX_FILE = 'model.safetensors.index.json';

/** The weight files of a model folder: the index's shards, or model.safetensors. */
export function weightFiles(dir: string): string[] {
  const idx = join(dir, INDEX_FILE);
  if (existsSync(idx)) {
    let map: Record<string, string>;
    try {
      map = JSON.parse(readFileSync(idx, 'utf8')).weight_map;
    } catch (e) {
      throw new Error(`${idx}: not valid JSON (${(e as Error).message})`);
    }
    if (!map || typeof map !== 'object') throw new Error(`${idx}: missing 'weight_map'`);
    const files = [...new Set(Object.values(map))].sort();
    for (const f of files)
      if (!existsSync(join(dir, f))) throw new Error(`${idx} names shard '${f}', which is missing`);
    return files.map((f) => join(dir, f));
  }
  const single = join(dir, 'model.safetensors');
  if (!existsSync(single)) throw new Error(`${dir}: no model.safetensors or ${INDEX_FILE}`);
  return [single];
}

/** Writes a model's tensors as one file, or as shards of at most maxShardBytes with an index. */
export function saveWeights(dir: string, tensors: Map<string, torch.Tensor>, maxShardBytes = 5 * 2 ** 30): string[] {
  const shards: Map<string, torch.Tensor>[] = [new Map()];
  let size = 0;
  let total = 0;
  for (const [name, t] of tensors) {
    const b = t.numel() * torch.elementSize(t.dtype);
    if (size > 0 && size + b > maxShardBytes) {
      shards.push(new Map());
      size = 0;
    }
    shards[shards.length - 1]!.set(name, t);
    size += b;
    total += b;
  }
  const meta = { format: 'pt' };
  if (shards.length === 1) {
    saveSafetensors(join(dir, 'model.safetensors'), tensors, meta);
    return ['model.safetensors'];
  }
  const names = shards.map(
    (_, i) => `model-${String(i + 1).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}.safetensors`,
  );
  const weightMap: Record<string, string> = {};
  shards.forEach((s, i) => {
    saveSafetensors(join(dir, names[i]!), s, meta);
    for (const name of s.keys()) weightMap[name] = names[i]!;
  });
  const index = { metadata: { total_size: total }, weight_map: weightMap };
  writeFileSync(join(dir, INDEX_FILE), `${JSON.stringify(index, null, 2)}\n`);
  return names;
}
