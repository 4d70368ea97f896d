// Numbers: exact rationals (BigInt) for the number rules, and a small complex-valued evaluator of
// MathJSON for numeric comparison (constants, and expressions at random points). Complex values
// on purpose: √(x²) and x differ at negative x, and the principal branch shows it.
import type { Json } from './value.js';

export interface Rat {
  n: bigint;
  d: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  b = b < 0n ? -b : b;
  while (b) [a, b] = [b, a % b];
  return a;
};

export function rat(n: bigint, d: bigint = 1n): Rat | null {
  if (d === 0n) return null;
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}

/** "12.50", "-3", "1e-3", ".5" → exact rational; null for anything else. */
export function ratFromDecimal(s: string): Rat | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s.trim());
  if (!m || (m[2] === '' && !m[3])) return null;
  const frac = m[3] ?? '';
  let n = BigInt((m[2] || '0') + frac);
  let d = 10n ** BigInt(frac.length);
  const e = Number(m[4] ?? 0);
  if (Math.abs(e) > 400) return null;
  if (e > 0) n *= 10n ** BigInt(e);
  if (e < 0) d *= 10n ** BigInt(-e);
  return rat(m[1] === '-' ? -n : n, d);
}

const add = (a: Rat, b: Rat) => rat(a.n * b.d + b.n * a.d, a.d * b.d);
const mul = (a: Rat, b: Rat) => rat(a.n * b.n, a.d * b.d);

function powRat(a: Rat, e: Rat): Rat | null {
  if (e.d !== 1n) return null;
  const k = e.n < 0n ? -e.n : e.n;
  if (k > 4096n) return null;
  const p = { n: a.n ** k, d: a.d ** k };
  return e.n < 0n ? rat(p.d, p.n) : rat(p.n, p.d);
}

/** Exact value of a MathJSON expression built only from rationals and + − × ÷ ^integer; else null. */
export function exactRational(j: Json): Rat | null {
  if (typeof j === 'number')
    return Number.isFinite(j) ? ratFromDecimal(String(j).includes('e') ? j.toFixed(20) : String(j)) : null;
  if (typeof j === 'string') return j === 'Half' ? rat(1n, 2n) : null;
  if (!Array.isArray(j)) return 'num' in j ? ratFromDecimal(j.num) : null;
  const [h, ...a] = j;
  const args = () => {
    const out: Rat[] = [];
    for (const x of a) {
      const r = exactRational(x);
      if (!r) return null;
      out.push(r);
    }
    return out;
  };
  switch (h) {
    case 'Rational':
    case 'Divide': {
      const r = args();
      return r && r.length === 2 && r[1]!.n !== 0n ? mul(r[0]!, rat(r[1]!.d, r[1]!.n)!) : null;
    }
    case 'Negate': {
      const r = args();
      return r && r.length === 1 ? rat(-r[0]!.n, r[0]!.d) : null;
    }
    case 'Add': {
      const r = args();
      return r ? r.reduce<Rat | null>((s, x) => (s ? add(s, x) : null), rat(0n)) : null;
    }
    case 'Subtract': {
      const r = args();
      return r && r.length === 2 ? add(r[0]!, rat(-r[1]!.n, r[1]!.d)!) : null;
    }
    case 'Multiply': {
      const r = args();
      return r ? r.reduce<Rat | null>((s, x) => (s ? mul(s, x) : null), rat(1n)) : null;
    }
    case 'Power': {
      const r = args();
      return r && r.length === 2 ? powRat(r[0]!, r[1]!) : null;
    }
    default:
      return null;
  }
}

/** The exact value of a double (every finite double is a dyadic rational). */
export function ratFromDouble(x: number): Rat | null {
  if (!Number.isFinite(x)) return null;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const mant = biased === 0 ? frac : frac | (1n << 52n);
  const exp = (biased === 0 ? 1 : biased) - 1075;
  const signed = bits >> 63n ? -mant : mant;
  return exp >= 0 ? rat(signed << BigInt(exp)) : rat(signed, 1n << BigInt(-exp));
}

export function ratSub(a: Rat, b: Rat): Rat {
  return add(a, rat(-b.n, b.d)!)!;
}

export function ratEq(a: Rat, b: Rat): boolean {
  return a.n === b.n && a.d === b.d;
}

/** Round to `places` decimals, a tie to the even digit (sympy's Expr.round: 0.125 → 0.12), as a rational. */
export function roundRat(a: Rat, places: number): Rat {
  const scale = 10n ** BigInt(places);
  const num = a.n * scale;
  const neg = num < 0n;
  const abs = neg ? -num : num;
  let q = abs / a.d;
  const twice = (abs % a.d) * 2n;
  if (twice > a.d || (twice === a.d && q % 2n === 1n)) q += 1n;
  return rat(neg ? -q : q, scale)!;
}

export function ratToNumber(a: Rat): number {
  return Number(a.n) / Number(a.d);
}

// ---- complex evaluation -------------------------------------------------------------------

export type C = [number, number];

const cadd = (a: C, b: C): C => [a[0] + b[0], a[1] + b[1]];
const cmul = (a: C, b: C): C => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
const cdiv = (a: C, b: C): C => {
  const den = b[0] * b[0] + b[1] * b[1];
  return [(a[0] * b[0] + a[1] * b[1]) / den, (a[1] * b[0] - a[0] * b[1]) / den];
};
const cabs = (a: C) => Math.hypot(a[0], a[1]);
const clog = (a: C): C => [Math.log(cabs(a)), Math.atan2(a[1], a[0])];
const cexp = (a: C): C => {
  const r = Math.exp(a[0]);
  return [r * Math.cos(a[1]), r * Math.sin(a[1])];
};
function cpow(a: C, b: C): C {
  if (b[1] === 0 && Number.isInteger(b[0]) && Math.abs(b[0]) <= 64) {
    let r: C = [1, 0];
    for (let k = 0; k < Math.abs(b[0]); k++) r = cmul(r, a);
    return b[0] < 0 ? cdiv([1, 0], r) : r;
  }
  if (a[1] === 0 && b[1] === 0 && a[0] > 0) return [a[0] ** b[0], 0];
  if (a[0] === 0 && a[1] === 0) return b[0] > 0 ? [0, 0] : [Number.NaN, 0];
  return cexp(cmul(b, clog(a)));
}
const csin = (a: C): C => [Math.sin(a[0]) * Math.cosh(a[1]), Math.cos(a[0]) * Math.sinh(a[1])];
const ccos = (a: C): C => [Math.cos(a[0]) * Math.cosh(a[1]), -Math.sin(a[0]) * Math.sinh(a[1])];
const real =
  (f: (x: number) => number) =>
  (a: C): C =>
    a[1] === 0 ? [f(a[0]), 0] : [Number.NaN, 0];

function gamma(x: number): number {
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gamma(1 - x));
  const g = 7;
  const c = [
    0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.61503916999186,
    12.507343278686905, -0.13857109526572012, 9.984369578019572e-6, 1.5056327351493116e-7,
  ];
  x -= 1;
  let s = c[0]!;
  for (let i = 1; i < g + 2; i++) s += c[i]! / (x + i);
  const t = x + g + 0.5;
  return Math.sqrt(2 * Math.PI) * t ** (x + 0.5) * Math.exp(-t) * s;
}

const FUN1: Partial<Record<string, (a: C) => C>> = {
  Sqrt: (a) => cpow(a, [0.5, 0]),
  Exp: cexp,
  Ln: clog,
  Sin: csin,
  Cos: ccos,
  Tan: (a) => cdiv(csin(a), ccos(a)),
  Cot: (a) => cdiv(ccos(a), csin(a)),
  Sec: (a) => cdiv([1, 0], ccos(a)),
  Csc: (a) => cdiv([1, 0], csin(a)),
  Arcsin: real(Math.asin),
  Arccos: real(Math.acos),
  Arctan: real(Math.atan),
  Arccot: real((x) => Math.atan(1 / x)),
  Sinh: real(Math.sinh),
  Cosh: real(Math.cosh),
  Tanh: real(Math.tanh),
  Abs: (a) => [cabs(a), 0],
  Floor: real(Math.floor),
  Ceil: real(Math.ceil),
  Sign: real(Math.sign),
  Factorial: real((x) => {
    if (!Number.isInteger(x) || x < 0 || x > 170) return gamma(x + 1);
    let r = 1;
    for (let i = 2; i <= x; i++) r *= i;
    return r;
  }),
  Gamma: real(gamma),
};

const CONST: Record<string, C> = {
  Pi: [Math.PI, 0],
  ExponentialE: [Math.E, 0],
  ImaginaryUnit: [0, 1],
  Half: [0.5, 0],
  PositiveInfinity: [Number.POSITIVE_INFINITY, 0],
  NegativeInfinity: [Number.NEGATIVE_INFINITY, 0],
};

/** Numeric value of `j` with the symbols in `env`; null when an operator or symbol is unknown. */
export function evalComplex(j: Json, env: ReadonlyMap<string, C> = new Map()): C | null {
  if (typeof j === 'number') return [j, 0];
  if (typeof j === 'string') return CONST[j] ?? env.get(j) ?? null;
  if (!Array.isArray(j)) return 'num' in j ? [Number(j.num.replace(/\(.*$/, '')), 0] : null;
  const [h, ...a] = j;
  const args: C[] = [];
  for (const x of a) {
    const v = evalComplex(x, env);
    if (!v) return null;
    args.push(v);
  }
  switch (h) {
    case 'Add':
      return args.reduce(cadd, [0, 0]);
    case 'Subtract':
      return args.length === 2 ? cadd(args[0]!, [-args[1]![0], -args[1]![1]]) : null;
    case 'Negate':
      return args.length === 1 ? [-args[0]![0], -args[0]![1]] : null;
    case 'Multiply':
      return args.reduce(cmul, [1, 0]);
    case 'Divide':
    case 'Rational':
      return args.length === 2 ? cdiv(args[0]!, args[1]!) : null;
    case 'Power':
      return args.length === 2 ? cpow(args[0]!, args[1]!) : null;
    case 'Root':
      return args.length === 2 ? cpow(args[0]!, cdiv([1, 0], args[1]!)) : null;
    case 'Complex':
      return args.length === 2 ? [args[0]![0], args[1]![0]] : null;
    case 'Log':
      if (args.length === 1) return cdiv(clog(args[0]!), [Math.LN10, 0]);
      return args.length === 2 ? cdiv(clog(args[0]!), clog(args[1]!)) : null;
    case 'Lb':
      return args.length === 1 ? cdiv(clog(args[0]!), [Math.LN2, 0]) : null;
    case 'Binomial':
    case 'Choose': {
      if (args.length !== 2) return null;
      const [n, k] = [args[0]![0], args[1]![0]];
      if (Number.isInteger(n) && Number.isInteger(k) && k >= 0 && k <= n) {
        let r = 1;
        for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
        return [Math.round(r), 0];
      }
      return [gamma(n + 1) / (gamma(k + 1) * gamma(n - k + 1)), 0];
    }
    case 'Delimiter':
      return args.length === 1 ? args[0]! : null;
    default: {
      const f = FUN1[h as string];
      return f && args.length === 1 ? f(args[0]!) : null;
    }
  }
}

/** Symbol names in `j` that are not known constants. */
export function freeSymbols(j: Json, out: Set<string> = new Set()): Set<string> {
  if (typeof j === 'string') {
    if (!(j in CONST)) out.add(j);
  } else if (Array.isArray(j)) for (const x of j.slice(1)) freeSymbols(x, out);
  return out;
}

export function closeEnough(a: C, b: C, rel = 1e-9): boolean {
  if (![...a, ...b].every(Number.isFinite)) return a[0] === b[0] && a[1] === b[1];
  const scale = Math.max(1, cabs(a), cabs(b));
  return cabs([a[0] - b[0], a[1] - b[1]]) <= rel * scale;
}
