// Words the teacher uses to talk about statements: quoting a claim, naming roles, and explaining
// why a (partly known) claim is true or false, the way a person would say it.
import { statementText } from '../formatter.js';
import { evaluatePartial, isLeaf, type Statement } from '../puzzle.js';
import type { Roles } from '../vocabulary.js';

export type Known = readonly (boolean | undefined)[];

/** A leaf or a negated leaf: "P is (not) a knight" ⇔ P has role `want`. */
export interface Literal {
  person: number;
  want: boolean;
}

export function literal(s: Statement): Literal | null {
  if (isLeaf(s)) return { person: s.person, want: s.op === 'knight' };
  if (s.op === 'not' && isLeaf(s.arg)) return { person: s.arg.person, want: s.arg.op !== 'knight' };
  return null;
}

export class Words {
  constructor(
    readonly names: readonly string[],
    readonly roles: Roles,
  ) {}
  name(p: number): string {
    return this.names[p]!;
  }
  role(b: boolean): string {
    return b ? this.roles.knight : this.roles.knave;
  }
  aRole(b: boolean): string {
    return b ? this.roles.a_knight : this.roles.a_knave;
  }
  /** A claim's text as the quiz writes it (sentence-initial "If"). */
  claim(s: Statement): string {
    return statementText(s, this.names, this.roles, true);
  }
  /** An operand's text inside a sentence ("if" in lower case). */
  part(s: Statement): string {
    return statementText(s, this.names, this.roles, false);
  }
  q(s: Statement): string {
    return `"${this.part(s)}"`;
  }
  tf(b: boolean): string {
    return b ? 'true' : 'false';
  }
  /** "P is a knight" as a fact. */
  fact(p: number, b: boolean): string {
    return `${this.name(p)} is ${this.aRole(b)}`;
  }
  list(items: readonly string[]): string {
    if (items.length <= 1) return items.join('');
    if (items.length === 2) return `${items[0]} and ${items[1]}`;
    return `${items.slice(0, -1).join(', ')}, and ${items[items.length - 1]}`;
  }
  /** "Emma is a knight, Liam is a knave, and Noah is a knight" for the known people. */
  summary(k: Known, people?: readonly number[]): string {
    const who = people ?? k.flatMap((v, i) => (v === undefined ? [] : [i]));
    return this.list(who.map((p) => this.fact(p, k[p]!)));
  }

  /** Why a literal has the truth value it has: `"P is a knave" is false, since P is a knight`. */
  literalWhy(s: Statement, k: Known, short = false): string {
    const lit = literal(s)!;
    const v = k[lit.person]!;
    const truth = v === lit.want;
    if (short) return `${this.q(s)} is ${this.tf(truth)} (${this.name(lit.person)} is ${this.aRole(v)})`;
    return `${this.q(s)} is ${this.tf(truth)}, since ${this.name(lit.person)} is ${this.aRole(v)}`;
  }

  /**
   * Explains the truth value of `s` when the known people already decide it; mentions only the
   * parts that decide it (an 'or' with one true part is true whatever the rest is).
   */
  explainValue(s: Statement, k: Known): string {
    const v = evaluatePartial(s, k);
    if (v === undefined) throw new Error('internal: explainValue on an undecided statement');
    if (literal(s)) return this.literalWhy(s, k);
    const val = (x: Statement) => evaluatePartial(x, k);
    const sub = (x: Statement) => (literal(x) ? this.literalWhy(x, k, true) : `${this.q(x)} is ${this.tf(val(x)!)}`);
    switch (s.op) {
      case 'not':
        return `${sub(s.arg)}, so its negation is ${this.tf(v)}`;
      case 'and':
      case 'or': {
        const decisive = s.op !== 'and';
        if (v === decisive) {
          const d = s.args.find((x) => val(x) === decisive)!;
          const rest = s.args.some((x) => val(x) === undefined) ? ' no matter what the other part is' : '';
          return `${sub(d)}, so the whole "${s.op}" is ${this.tf(v)}${rest}`;
        }
        return `${this.list(s.args.map(sub))}, so the "${s.op}" is ${this.tf(v)}`;
      }
      case 'implies': {
        const p = val(s.antecedent);
        const c = val(s.consequent);
        if (p === false) return `the "if" part, ${sub(s.antecedent)}, so the "if … then" holds automatically`;
        if (c === true && p === undefined)
          return `the "then" part, ${sub(s.consequent)}, so the "if … then" holds whatever the "if" part is`;
        if (c === true) return `${sub(s.antecedent)} and ${sub(s.consequent)}, so the "if … then" is true`;
        return `${sub(s.antecedent)} but ${sub(s.consequent)}, so the "if … then" is broken — it is false`;
      }
      case 'iff':
        return `${sub(s.left)} and ${sub(s.right)}; the two sides ${val(s.left) === val(s.right) ? 'match' : 'differ'}, so the "if and only if" is ${this.tf(v)}`;
      default:
        return `it is ${this.tf(v)}`;
    }
  }

  /** A plain-language reading of a claim, used when restating the puzzle. */
  gloss(s: Statement, speaker: number): string | null {
    const self = (p: number) => p === speaker;
    const lit = literal(s);
    if (lit) {
      if (self(lit.person) && lit.want)
        return `Anyone could say that — a ${this.role(true)} truthfully, a ${this.role(false)} falsely — so on its own it tells us nothing.`;
      if (s.op === 'not') return `That is just another way of saying ${this.fact(lit.person, lit.want)}.`;
      return `If ${this.name(speaker)} is ${this.aRole(true)}, then ${this.fact(lit.person, lit.want)}; if ${this.name(speaker)} is ${this.aRole(false)}, then ${this.fact(lit.person, !lit.want)}.`;
    }
    switch (s.op) {
      case 'and':
        return `That is true only if every part holds.`;
      case 'or':
        return `That is true as long as at least one part holds.`;
      case 'implies':
        return `An "if … then" is false only when the "if" part is true and the "then" part is false.`;
      case 'iff':
        return `So the two sides must be both true or both false.`;
      default:
        return null;
    }
  }
}
