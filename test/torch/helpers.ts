// Independent reference arithmetic for the engine tests: plain TypeScript over flat row-major arrays.
import { mulberry32 as rng } from '../../src/util/random.js';

export { rng };

import assert from 'node:assert/strict';
import * as torch from '../../src/torch/index.js';

/** A dense array with a shape: the reference side of every comparison. */
export class Nd {
  constructor(
    readonly shape: number[],
    readonly data: number[],
  ) {
    assert.equal(
      data.length,
      shape.reduce((a, b) => a * b, 1),
    );
  }
  static random(shape: number[], r: () => number, lo = -1, hi = 1): Nd {
    const n = shape.reduce((a, b) => a * b, 1);
    return new Nd(
      shape,
      Array.from({ length: n }, () => lo + (hi - lo) * r()),
    );
  }
  static of(t: torch.Tensor): Nd {
    return new Nd(t.shape, t.toArray());
  }
  tensor(dtype: torch.DType = 'float64'): torch.Tensor {
    return torch.tensor(this.data, { shape: this.shape, dtype });
  }
  strides(): number[] {
    const s = new Array(this.shape.length).fill(1);
    for (let i = this.shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * this.shape[i + 1]!;
    return s;
  }
  get(idx: number[]): number {
    const st = this.strides();
    return this.data[idx.reduce((o, v, i) => o + v * st[i]!, 0)]!;
  }
  static build(shape: number[], f: (idx: number[]) => number): Nd {
    const n = shape.reduce((a, b) => a * b, 1);
    const data: number[] = [];
    for (let k = 0; k < n; k++) {
      const idx: number[] = [];
      let rem = k;
      for (let d = shape.length - 1; d >= 0; d--) {
        idx.unshift(rem % shape[d]!);
        rem = Math.floor(rem / shape[d]!);
      }
      data.push(f(idx));
    }
    return new Nd(shape, data);
  }
  map(f: (x: number) => number): Nd {
    return new Nd(this.shape, this.data.map(f));
  }
  permute(dims: number[]): Nd {
    const shape = dims.map((d) => this.shape[d]!);
    return Nd.build(shape, (idx) => {
      const src = new Array(dims.length);
      dims.forEach((d, i) => {
        src[d] = idx[i];
      });
      return this.get(src);
    });
  }
}

/** NumPy broadcasting of two shapes. */
export function broadcastShape(a: number[], b: number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    assert.ok(x === y || x === 1 || y === 1, `shapes ${a} and ${b} do not broadcast`);
    out.push(Math.max(x, y));
  }
  return out;
}

export function broadcastBinary(a: Nd, b: Nd, f: (x: number, y: number) => number): Nd {
  const shape = broadcastShape(a.shape, b.shape);
  const pick = (x: Nd, idx: number[]) =>
    x.get(idx.slice(idx.length - x.shape.length).map((v, i) => (x.shape[i] === 1 ? 0 : v)));
  return Nd.build(shape, (idx) => f(pick(a, idx), pick(b, idx)));
}

export function refMatmul(a: Nd, b: Nd): Nd {
  const [m, k] = a.shape as [number, number];
  const n = b.shape[1]!;
  return Nd.build([m, n], ([i, j]) => {
    let s = 0;
    for (let p = 0; p < k; p++) s += a.get([i!, p]) * b.get([p, j!]);
    return s;
  });
}

/** Elementwise closeness with a mixed tolerance; reports the first offending index. */
export function assertClose(actual: torch.Tensor | Nd, expected: Nd, tol = 1e-5, msg = ''): void {
  const a = actual instanceof Nd ? actual : Nd.of(actual);
  assert.deepEqual(a.shape, expected.shape, `${msg} shape`);
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i]!;
    const y = expected.data[i]!;
    if (Number.isNaN(y)) {
      assert.ok(Number.isNaN(x), `${msg} [${i}]: expected NaN, got ${x}`);
      continue;
    }
    if (!Number.isFinite(y)) {
      assert.equal(x, y, `${msg} [${i}]`);
      continue;
    }
    assert.ok(Math.abs(x - y) <= tol * (1 + Math.abs(y)), `${msg} [${i}]: got ${x}, expected ${y}`);
  }
}
