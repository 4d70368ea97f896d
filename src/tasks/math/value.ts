// What a parsed answer is. The structure (sets, tuples, intervals, relations, matrices, ±, ∪) is
// ours; each scalar leaf is a MathJSON expression produced by @cortex-js/compute-engine.

/** MathJSON as the compute engine emits it: numbers, symbol names, {num: "…"} for big/precise numbers, [head, …args]. */
export type Json = number | string | { num: string } | { str: string } | Json[];

export type RelOp = '=' | '<' | '<=' | '>' | '>=' | '!=';

export type Value =
  /**
   * A scalar expression. `pct`: written with a % sign (value = json / 100). `atom`: it is a single
   * number literal — an integer, a decimal ("float"), or an integer fraction — which decides the
   * number rules (floats compare rounded to 6 places; integers exactly; 9% = 9 as integers).
   */
  | { t: 'expr'; json: Json; pct: boolean; atom?: 'int' | 'float' | 'rational' }
  /**
   * A bare word, lower-cased: \text{Navin}, a single letter, or letters written side by side
   * (`product`: "ab" is also the product a·b, so "ab" = "ba").
   */
  | { t: 'word'; name: string; product?: boolean }
  | { t: 'set'; items: Value[] }
  | { t: 'tuple'; items: Value[] }
  | { t: 'interval'; lo: Value; hi: Value; lopen: boolean; ropen: boolean }
  | { t: 'union'; parts: Value[] }
  /** A named set such as ℝ or ∅ (`\mathbb{R}`, `\emptyset`). */
  | { t: 'named-set'; name: string }
  | { t: 'rel'; op: RelOp; lhs: Value; rhs: Value }
  /** A chain a < b < c: each link a relation. */
  | { t: 'and'; rels: Value[] }
  | { t: 'matrix'; rows: Value[][] };

/** A short human-readable rendering, for `reason` strings and debugging. */
export function show(v: Value): string {
  switch (v.t) {
    case 'expr':
      return JSON.stringify(v.json) + (v.pct ? '%' : '');
    case 'word':
      return `word(${v.name})`;
    case 'set':
      return `{${v.items.map(show).join(', ')}}`;
    case 'tuple':
      return `(${v.items.map(show).join(', ')})`;
    case 'interval':
      return `${v.lopen ? '(' : '['}${show(v.lo)}, ${show(v.hi)}${v.ropen ? ')' : ']'}`;
    case 'union':
      return v.parts.map(show).join(' ∪ ');
    case 'named-set':
      return v.name;
    case 'rel':
      return `${show(v.lhs)} ${v.op} ${show(v.rhs)}`;
    case 'and':
      return v.rels.map(show).join(' ∧ ');
    case 'matrix':
      return `[${v.rows.map((r) => r.map(show).join(' & ')).join('; ')}]`;
  }
}
