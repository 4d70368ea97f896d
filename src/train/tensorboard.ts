// TensorBoard event files (scalars only): TFRecord framing (length, masked CRC-32C, payload,
// masked CRC-32C) around hand-encoded Event protobufs. Enough for `tensorboard --logdir runs/`.
import { appendFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

export function crc32c(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function masked(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number((v & 0x7fn) | 0x80n));
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

const field = (num: number, wire: number) => varint((num << 3) | wire);
function lenDelimited(num: number, bytes: Uint8Array | number[]): number[] {
  return [...field(num, 2), ...varint(bytes.length), ...bytes];
}

function eventBytes(wallTime: number, step: number, body: number[]): Uint8Array {
  const wt = Buffer.alloc(8);
  wt.writeDoubleLE(wallTime);
  return Uint8Array.from([...field(1, 1), ...wt, ...field(2, 0), ...varint(step), ...body]);
}

function record(data: Uint8Array): Buffer {
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(data.length));
  const lcrc = Buffer.alloc(4);
  lcrc.writeUInt32LE(masked(crc32c(len)));
  const dcrc = Buffer.alloc(4);
  dcrc.writeUInt32LE(masked(crc32c(data)));
  return Buffer.concat([len, lcrc, data, dcrc]);
}

export class TensorBoardWriter {
  readonly path: string;
  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    const now = Date.now() / 1000;
    this.path = join(dir, `events.out.tfevents.${Math.floor(now)}.${hostname()}.${process.pid}`);
    // First event: file_version (field 3)
    appendFileSync(this.path, record(eventBytes(now, 0, lenDelimited(3, Buffer.from('brain.Event:2')))));
  }
  /** One event holding every finite numeric scalar of `values` (tag = key). */
  scalars(step: number, values: Record<string, unknown>): void {
    const summaryValues: number[] = [];
    for (const [tag, v] of Object.entries(values)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      const f = Buffer.alloc(4);
      f.writeFloatLE(v);
      const value = [...lenDelimited(1, Buffer.from(tag, 'utf8')), ...field(2, 5), ...f];
      summaryValues.push(...lenDelimited(1, value));
    }
    if (!summaryValues.length) return;
    appendFileSync(this.path, record(eventBytes(Date.now() / 1000, step, lenDelimited(5, summaryValues))));
  }
}
