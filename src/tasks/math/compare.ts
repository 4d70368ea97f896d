// Equivalence of two parsed answers, gold first (the rules are not symmetric, as in math-verify):
//   1. assignments: `x = 5` against `5` compares 5 with 5; an equation in the prediction against a
//      plain gold keeps its last right-hand side;
//   2. identical structure → equal;
//   3. relations: same operator with the same difference of sides, the flipped operator with the
//      negated difference, or (equations) differences that are constant multiples of each other;
//   4. sets, tuples, intervals, unions: element-wise (a gold set ignores order; a gold tuple does not);
//   5. words: lower-cased spelling;
//   6. numbers: a decimal on either side → both rounded to 6 places (a tie to the even digit); two
//      integers → exact (9% = 9); other number literals → exact rational equality; a decimal inside
//      an expression → sympy's Float arithmetic (rationalsInFloats);
//   7. constants → numerically equal (relative 1e-9); expressions → compute-engine simplifies the
//      difference to 0, else equal values at random points decide.
import type { Deadline } from './deadline.js';
import {
  type C,
  closeEnough,
  evalComplex,
  exactRational,
  freeSymbols,
  type Rat,
  ratEq,
  ratFromDouble,
  ratSub,
  ratToNumber,
  roundRat,
} from './numeric.js';
import { computeEngine } from './parse.js';
import type { Json, Value } from './value.js';

/** Which rule decided; the verifier's `reason` is built from it. */
export type Rule =
  | 'structure'
  | 'relation'
  | 'set'
  | 'interval'
  | 'word'
  | 'float-6-places'
  | 'integer'
  | 'rational'
  | 'numeric'
  | 'symbolic'
  | 'random-points'
  | 'different';

export interface Comparison {
  equal: boolean;
  rule: Rule;
}

const NO: Comparison = { equal: false, rule: 'different' };
const yes = (rule: Rule): Comparison => ({ equal: true, rule });

const isRel = (v: Value) => v.t === 'rel' || (v.t === 'and' && v.rels.every((r) => r.t === 'rel'));
const isEquation = (v: Value) =>
  (v.t === 'rel' && v.op === '=') || (v.t === 'and' && v.rels.every((r) => r.t === 'rel' && r.op === '='));
const firstRel = (v: Value): Value & { t: 'rel' } =>
  v.t === 'and' ? firstRel(v.rels[0]!) : (v as Value & { t: 'rel' });
const lastRel = (v: Value): Value & { t: 'rel' } =>
  v.t === 'and' ? lastRel(v.rels[v.rels.length - 1]!) : (v as Value & { t: 'rel' });

function onlySymbols(v: Value): boolean {
  if (v.t === 'word') return true;
  if (v.t !== 'expr') return false;
  const ok = (j: Json): boolean =>
    typeof j === 'string'
      ? !['Pi', 'ExponentialE', 'ImaginaryUnit'].includes(j)
      : Array.isArray(j) &&
        // a power of symbols counts (f^{\prime}(x) is f(x)^prime): latex2sympy's only-symbols test
        (j[0] === 'Multiply' || j[0] === 'Power' || j[0] === 'Divide') &&
        j.slice(1).every((x) => x === -1 || ok(x));
  return ok(v.json);
}
const isAssignment = (v: Value) => isEquation(v) && onlySymbols(firstRel(v).lhs);
const isSetLike = (v: Value) => v.t === 'set' || v.t === 'interval' || v.t === 'union' || v.t === 'named-set';

function sameStructure(a: Value, b: Value): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** math-verify's verdict-changing knobs of verify() (docs/verifiers.md, "Options"). */
export interface CompareOptions {
  /** Decimal places floats are rounded to (float_rounding, default 6). */
  floatRounding: number;
  /** strict (default true); false: sets equal tuples, variables match by position. */
  strict: boolean;
  /** allow_set_relation_comp (default false): a predicted relation also equals a gold interval. */
  allowSetRelationComp: boolean;
}
export const DEFAULT_COMPARE: CompareOptions = { floatRounding: 6, strict: true, allowSetRelationComp: false };

// The knobs of the comparison in progress. A module variable rather than a parameter of every
// recursive call: checks are synchronous, so one is active per thread at a time.
let active: CompareOptions = DEFAULT_COMPARE;

/** Compares gold with pred under `options` (math-verify's defaults when omitted). */
export function compareWith(gold: Value, pred: Value, dl: Deadline, options: CompareOptions): Comparison {
  const saved = active;
  active = options;
  try {
    if (!options.strict) {
      const r = compareValues(gold, pred, dl);
      if (r.equal) return r;
      // non-strict: variables are matched by their order of appearance
      const renamed = renameVariables(gold, pred);
      return renamed ? compareValues(renamed[0], renamed[1], dl) : r;
    }
    return compareValues(gold, pred, dl);
  } finally {
    active = saved;
  }
}

export function compareValues(gold: Value, pred: Value, dl: Deadline): Comparison {
  dl.check();
  const goldAssign = isAssignment(gold);
  const predAssign = isAssignment(pred);
  const goldEq = isEquation(gold);
  const predEq = isEquation(pred);
  if (goldAssign) gold = { t: 'rel', op: '=', lhs: firstRel(gold).lhs, rhs: lastRel(gold).rhs };
  if (predAssign) pred = { t: 'rel', op: '=', lhs: firstRel(pred).lhs, rhs: lastRel(pred).rhs };
  if (predEq && !goldEq) pred = lastRel(pred).rhs;
  else if (goldAssign && !predEq) gold = lastRel(gold).rhs;
  if (isRel(gold) && isSetLike(pred)) gold = relationAsSet(gold) ?? gold;
  else if (active.allowSetRelationComp && isSetLike(gold) && isRel(pred)) pred = relationAsSet(pred) ?? pred;

  if (sameStructure(gold, pred)) return yes('structure');
  if (isRel(gold) && isRel(pred)) return compareRelations(gold, pred, dl);
  if (isSetLike(gold) || isSetLike(pred) || gold.t === 'tuple' || pred.t === 'tuple')
    return compareSets(gold, pred, dl);
  if (gold.t === 'word' || pred.t === 'word') return compareWords(gold, pred);
  if ((gold.t === 'expr' || gold.t === 'matrix') && (pred.t === 'expr' || pred.t === 'matrix'))
    return compareScalars(gold, pred, dl);
  return NO;
}

// ---- relations ---------------------------------------------------------------------------------

const FLIP = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '=': '=', '!=': '!=' } as const;

function difference(r: Value & { t: 'rel' }): Value | null {
  if (r.lhs.t === 'word' || r.rhs.t === 'word') {
    const l = asExpr(r.lhs);
    const rr = asExpr(r.rhs);
    // 0 is a valid side: test for null, not truthiness
    return l !== null && rr !== null ? { t: 'expr', json: ['Subtract', l, rr], pct: false } : null;
  }
  if (r.lhs.t !== 'expr' || r.rhs.t !== 'expr') return null;
  return { t: 'expr', json: ['Subtract', r.lhs.json, r.rhs.json], pct: false };
}

/** A word as an expression (a product of its letters when written side by side). */
function asExpr(v: Value): Json | null {
  if (v.t === 'expr') return v.json;
  if (v.t !== 'word') return null;
  return v.product ? ['Multiply', ...v.name.split('')] : v.name;
}

function compareRelations(gold: Value, pred: Value, dl: Deadline): Comparison {
  if (gold.t === 'and' && pred.t === 'and') {
    if (gold.rels.length !== pred.rels.length) return NO;
    return gold.rels.every((g, i) => compareRelations(g, pred.rels[i]!, dl).equal) ? yes('relation') : NO;
  }
  if (gold.t !== 'rel' || pred.t !== 'rel') return NO;
  // x ∈ S read as x = S: compare the sides as values
  if (gold.op === '=' && pred.op === '=' && (!isScalar(gold.rhs) || !isScalar(pred.rhs))) {
    return compareValues(gold.lhs, pred.lhs, dl).equal && compareValues(gold.rhs, pred.rhs, dl).equal
      ? yes('relation')
      : NO;
  }
  const dg = difference(gold);
  const dp = difference(pred);
  if (!dg || !dp || dg.t !== 'expr' || dp.t !== 'expr') return NO;
  if (gold.op === pred.op && compareScalars(dg, dp, dl).equal) return yes('relation');
  if (FLIP[gold.op] === pred.op && compareScalars(dg, { t: 'expr', json: ['Negate', dp.json], pct: false }, dl).equal)
    return yes('relation');
  // solving: the same solution set when one difference is a constant multiple of the other
  if (gold.op === '=' && pred.op === '=' && proportional(dg.json, dp.json, dl)) return yes('relation');
  return NO;
}

const isScalar = (v: Value) => v.t === 'expr' || v.t === 'word';

/** Relations in one variable as sets: x > 2 → (2, ∞), 1 < x ≤ 2 → (1, 2]. Null when not of that shape. */
function relationAsSet(v: Value): Value | null {
  const rels = v.t === 'and' ? v.rels : [v];
  let lo: Value = { t: 'expr', json: 'NegativeInfinity', pct: false };
  let hi: Value = { t: 'expr', json: 'PositiveInfinity', pct: false };
  let lopen = true;
  let ropen = true;
  let variable: string | null = null;
  for (const r of rels) {
    if (r.t !== 'rel' || r.op === '=' || r.op === '!=') return null;
    const lw = r.lhs.t === 'word' && !r.lhs.product ? r.lhs.name : null;
    const rw = r.rhs.t === 'word' && !r.rhs.product ? r.rhs.name : null;
    const name = lw ?? rw;
    if (!name || (lw && rw) || (variable && variable !== name)) return null;
    variable = name;
    const bound = lw ? r.rhs : r.lhs;
    // normalise to "variable op bound"
    const op = lw ? r.op : FLIP[r.op];
    if (op === '<' || op === '<=') [hi, ropen] = [bound, op === '<'];
    else [lo, lopen] = [bound, op === '>'];
  }
  return { t: 'interval', lo, hi, lopen, ropen };
}

// ---- sets, tuples, intervals ------------------------------------------------------------------

/** A set holds each value once: items that are the same structure or the same exact number collapse (as sympy's FiniteSet). */
function dedupe(v: Value): Value {
  if (v.t !== 'set') return v;
  const key = (x: Value) => {
    if (x.t === 'expr') {
      const r = exactRational(x.pct ? ['Divide', x.json, 100] : x.json);
      if (r) return `rat:${r.n}/${r.d}`;
    }
    return JSON.stringify(x);
  };
  const seen = new Set<string>();
  const items = v.items.filter((x) => {
    const k = key(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return { t: 'set', items };
}

function compareSets(gold: Value, pred: Value, dl: Deadline): Comparison {
  const a: Value = isSetLike(gold) || gold.t === 'tuple' ? dedupe(gold) : { t: 'set', items: [gold] };
  const b: Value = isSetLike(pred) || pred.t === 'tuple' ? dedupe(pred) : { t: 'set', items: [pred] };
  if (a.t === 'interval' && b.t === 'interval') return compareIntervals(a, b, dl) ? yes('interval') : NO;
  if (sameStructure(a, b)) return yes('set');
  if (a.t === 'union' && b.t === 'union') return matchAll(a.parts, b.parts, dl) ? yes('set') : NO;
  if ((a.t === 'set' || a.t === 'tuple') && (b.t === 'set' || b.t === 'tuple')) {
    if (a.items.length !== b.items.length) return NO;
    // a gold set ignores order; a gold tuple is compared in the prediction's written order
    const ok =
      a.t === 'set' ? matchAll(a.items, b.items, dl) : a.items.every((g, i) => compareValues(g, b.items[i]!, dl).equal);
    return ok ? yes('set') : NO;
  }
  // non-strict: a set equals a tuple or an open interval with the same items
  if (!active.strict && a.t === 'set' && b.t === 'interval' && b.lopen && b.ropen && a.items.length === 2)
    return matchAll(a.items, [b.lo, b.hi], dl) ? yes('set') : NO;
  // (1, 2) is read as an open interval; it still equals the pair "1, 2"
  if (a.t === 'interval' && a.lopen && a.ropen && (b.t === 'set' || b.t === 'tuple') && b.items.length === 2)
    return compareValues(a.lo, b.items[0]!, dl).equal && compareValues(a.hi, b.items[1]!, dl).equal ? yes('set') : NO;
  if (b.t === 'interval' && b.lopen && b.ropen && (a.t === 'set' || a.t === 'tuple') && a.items.length === 2) {
    const ok =
      a.t === 'set'
        ? matchAll(a.items, [b.lo, b.hi], dl)
        : compareValues(a.items[0]!, b.lo, dl).equal && compareValues(a.items[1]!, b.hi, dl).equal;
    return ok ? yes('set') : NO;
  }
  return NO;
}

function compareIntervals(a: Value & { t: 'interval' }, b: Value & { t: 'interval' }, dl: Deadline): boolean {
  return (
    a.lopen === b.lopen &&
    a.ropen === b.ropen &&
    compareValues(a.lo, b.lo, dl).equal &&
    compareValues(a.hi, b.hi, dl).equal
  );
}

/** Every gold item pairs with a distinct equal prediction item (any order). */
function matchAll(gold: Value[], pred: Value[], dl: Deadline): boolean {
  if (gold.length !== pred.length) return false;
  const used = new Array<boolean>(pred.length).fill(false);
  const go = (i: number): boolean => {
    if (i === gold.length) return true;
    for (let k = 0; k < pred.length; k++) {
      if (used[k] || !compareValues(gold[i]!, pred[k]!, dl).equal) continue;
      used[k] = true;
      if (go(i + 1)) return true;
      used[k] = false;
    }
    return false;
  };
  return go(0);
}

// ---- words ------------------------------------------------------------------------------------

function compareWords(gold: Value, pred: Value): Comparison {
  if (gold.t !== 'word' || pred.t !== 'word') return NO;
  if (gold.name === pred.name) return yes('word');
  // "ab" and "ba" are the same product a·b
  if (gold.product && pred.product && [...gold.name].sort().join('') === [...pred.name].sort().join(''))
    return yes('word');
  return NO;
}

// ---- scalars ----------------------------------------------------------------------------------

type Scalar = Value & ({ t: 'expr' } | { t: 'matrix' });

function valueJson(v: Value & { t: 'expr' }): Json {
  return v.pct ? ['Divide', v.json, 100] : v.json;
}

function compareScalars(gold: Scalar, pred: Scalar, dl: Deadline): Comparison {
  if (gold.t === 'matrix' || pred.t === 'matrix') {
    if (gold.t !== 'matrix' || pred.t !== 'matrix') return NO;
    if (gold.rows.length !== pred.rows.length || gold.rows[0]!.length !== pred.rows[0]!.length) return NO;
    const ok = gold.rows.every((r, i) => r.every((g, k) => compareValues(g, pred.rows[i]![k]!, dl).equal));
    return ok ? yes('structure') : NO;
  }
  if (gold.atom || pred.atom) {
    const r = compareNumbers(gold, pred);
    if (r) return r;
  }
  return compareExpressions(valueJson(gold), valueJson(pred), dl);
}

/** The number rules; null hands the pair on to the expression rules. */
function compareNumbers(gold: Value & { t: 'expr' }, pred: Value & { t: 'expr' }): Comparison | null {
  if (gold.atom === 'float' || pred.atom === 'float') {
    const a = exactOrApprox(valueJson(gold));
    const b = exactOrApprox(valueJson(pred));
    if (a === null || b === null) return NO;
    if (typeof a !== 'number' && typeof b !== 'number')
      return ratEq(roundRat(a, active.floatRounding), roundRat(b, active.floatRounding)) ? yes('float-6-places') : NO;
    const x = typeof a === 'number' ? a : Number(a.n) / Number(a.d);
    const y = typeof b === 'number' ? b : Number(b.n) / Number(b.d);
    return roundTo(x) === roundTo(y) ? yes('float-6-places') : NO;
  }
  if (gold.atom === 'int' && pred.atom === 'int') {
    const a = exactRational(gold.json);
    const b = exactRational(pred.json);
    return a && b && ratEq(a, b) ? yes('integer') : NO;
  }
  const g = valueJson(gold);
  const p = valueJson(pred);
  const a = exactRational(g);
  const b = exactRational(p);
  if (a && b) {
    const inFloats = rationalsInFloats(g, p, a, b, false);
    if (inFloats !== null) return inFloats ? yes('rational') : NO;
    return ratEq(a, b) ? yes('rational') : NO;
  }
  return null;
}

// evalf(a − b, chop=True) at sympy's 15 digits drops a difference below 2^-54 (absolute)
const CHOP = { n: 1n, d: 1n << 54n };

/**
 * Two rational-valued expressions when a decimal is in either, as sympy computes them: the side
 * holding a decimal in binary floating point (Float), the other exactly (Rational). They are equal
 * when the two agree once the exact side is rounded to a double (sympy's simplify works in Floats),
 * or — only when neither is a bare number (`chop`) — when they differ by under 2^-54 (its chopped
 * evalf). So 2.2 × 10^2 (220.00000000000003) ≠ 220 and ≠ 22 × 10^1, 9.5 × 10^{-1}
 * (0.9500000000000001) ≠ 95 × 10^{-2} (19/20), but 6.4 × 10^{-5} = 64 × 10^{-6} (they differ by
 * 1e-20). Null when neither holds a decimal.
 */
function rationalsInFloats(g: Json, p: Json, a: Rat, b: Rat, chop: boolean): boolean | null {
  const dg = hasDecimal(g);
  const dp = hasDecimal(p);
  if (!dg && !dp) return null;
  const x = dg ? evalComplex(g) : null;
  const y = dp ? evalComplex(p) : null;
  if ((x && x[1] !== 0) || (y && y[1] !== 0)) return false;
  if ((x ? x[0] : ratToNumber(a)) === (y ? y[0] : ratToNumber(b))) return true;
  if (!chop) return false;
  const ea = x ? ratFromDouble(x[0]) : a;
  const eb = y ? ratFromDouble(y[0]) : b;
  if (!ea || !eb) return false;
  const d = ratSub(ea, eb);
  return (d.n < 0n ? -d.n : d.n) * CHOP.d < CHOP.n * d.d;
}

/** A non-integer number literal somewhere inside `j`. */
function hasDecimal(j: Json): boolean {
  if (typeof j === 'number') return !Number.isInteger(j);
  if (Array.isArray(j)) return j.slice(1).some(hasDecimal);
  return typeof j === 'object' && 'num' in j && /[.eE]/.test(j.num);
}

/** Renames the free variables of gold and pred to v0, v1, … in order of first appearance; null when there are none. */
function renameVariables(gold: Value, pred: Value): [Value, Value] | null {
  const rename = (v: Value): Value => {
    const names: string[] = [];
    const collect = (j: Json) => {
      if (typeof j === 'string') {
        if (
          !['Pi', 'ExponentialE', 'ImaginaryUnit', 'PositiveInfinity', 'NegativeInfinity', 'Half'].includes(j) &&
          !names.includes(j)
        )
          names.push(j);
      } else if (Array.isArray(j)) for (const x of j.slice(1)) collect(x);
    };
    const map = (j: Json): Json =>
      typeof j === 'string' && names.includes(j)
        ? `v${names.indexOf(j)}`
        : Array.isArray(j)
          ? [j[0]!, ...j.slice(1).map(map)]
          : j;
    const walk = (x: Value): Value => {
      if (x.t === 'expr') {
        collect(x.json);
        return { ...x, json: map(x.json) };
      }
      if (x.t === 'word' && !x.product) {
        if (!names.includes(x.name)) names.push(x.name);
        return { t: 'word', name: `v${names.indexOf(x.name)}` };
      }
      return x;
    };
    return walk(v);
  };
  if (gold.t !== 'expr' && gold.t !== 'word') return null;
  if (pred.t !== 'expr' && pred.t !== 'word') return null;
  return [rename(gold), rename(pred)];
}

const roundTo = (x: number) => Math.round(x * 10 ** active.floatRounding) / 10 ** active.floatRounding;

function exactOrApprox(j: Json): Rat | number | null {
  const r = exactRational(j);
  if (r) return r;
  const c = evalComplex(j);
  return c && c[1] === 0 && Number.isFinite(c[0]) ? c[0] : null;
}

// Sample points for the random-point test: irrational-looking, both signs, away from 0 and ±1.
const POINTS = [0.5413, 1.7459, -0.8791, 2.3137, -1.4219, 0.3271];

function compareExpressions(g: Json, p: Json, dl: Deadline): Comparison {
  const vars = [...new Set([...freeSymbols(g), ...freeSymbols(p)])].sort();
  if (vars.length === 0) {
    const a = evalComplex(g);
    const b = evalComplex(p);
    if (a && b && (hasDecimal(g) || hasDecimal(p))) {
      // rational-valued: sympy's Float/Rational arithmetic (2.2 × 10^2 ≠ 22 × 10^1)
      const ra = exactRational(g);
      const rb = exactRational(p);
      if (ra && rb) return rationalsInFloats(g, p, ra, rb, true) ? yes('numeric') : NO;
      // with π or a root sympy's exact difference is chopped below 2^-54 (0.1π = π/10); ours is
      // computed in doubles, so a few units in the last place of the values are rounding too
      const tol = Math.max(2 ** -49, 1e-15 * Math.max(Math.hypot(a[0], a[1]), Math.hypot(b[0], b[1])));
      return Math.hypot(a[0] - b[0], a[1] - b[1]) < tol ? yes('numeric') : NO;
    }
    if (a && b) return closeEnough(a, b) ? yes('numeric') : NO;
  }
  dl.check();
  if (simplifiesToZero(['Subtract', g, p])) return yes('symbolic');
  dl.check();
  return samePointwise(g, p, vars, 1e-8) ? yes('random-points') : NO;
}

function simplifiesToZero(diff: Json): boolean {
  const ce = computeEngine();
  ce.pushScope();
  try {
    const s = ce.box(diff as never).simplify();
    return s.json === 0;
  } catch {
    return false;
  } finally {
    ce.popScope();
  }
}

/** g and p agree at ≥ 3 sample points where both are finite, and disagree at none. */
function samePointwise(g: Json, p: Json, vars: string[], rel: number): boolean {
  let agreed = 0;
  for (let k = 0; k < POINTS.length; k++) {
    const env = new Map<string, C>(vars.map((v, i) => [v, [POINTS[(k + i * 2) % POINTS.length]! + i * 0.1173, 0]]));
    const a = evalComplex(g, env);
    const b = evalComplex(p, env);
    if (!a || !b) return false;
    if (![...a, ...b].every(Number.isFinite)) continue;
    if (!closeEnough(a, b, rel)) return false;
    agreed++;
  }
  return agreed >= 3;
}

/** d1 = c·d2 for a constant c ≠ 0 (equations with the same solutions). */
function proportional(d1: Json, d2: Json, dl: Deadline): boolean {
  const vars = [...new Set([...freeSymbols(d1), ...freeSymbols(d2)])].sort();
  if (vars.length === 0) return false;
  dl.check();
  let ratio: C | null = null;
  let seen = 0;
  for (let k = 0; k < POINTS.length; k++) {
    const env = new Map<string, C>(vars.map((v, i) => [v, [POINTS[(k + i * 2) % POINTS.length]! + i * 0.1173, 0]]));
    const a = evalComplex(d1, env);
    const b = evalComplex(d2, env);
    if (!a || !b) return false;
    if (![...a, ...b].every(Number.isFinite) || Math.hypot(b[0], b[1]) < 1e-12) continue;
    const den = b[0] * b[0] + b[1] * b[1];
    const q: C = [(a[0] * b[0] + a[1] * b[1]) / den, (a[1] * b[0] - a[0] * b[1]) / den];
    if (Math.hypot(q[0], q[1]) < 1e-12) return false;
    if (ratio && !closeEnough(ratio, q, 1e-8)) return false;
    ratio = q;
    seen++;
  }
  return seen >= 3;
}
