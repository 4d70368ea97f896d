// The teacher's search, narrated. Knowledge is a partial assignment. Each person i contributes one
// constraint, role(i) = value(statement i). A step looks at one constraint: if no completion of its
// unknown people satisfies it, that is a contradiction; if every completion agrees on someone, that
// person is forced. Steps are told the way a person would explain them (the speaker is a knight so
// the claim holds, so…), falling back to an explicit case table for tangled, self-referential
// claims. When nothing more follows, the reasoner assumes a role for someone and follows it; a
// contradiction sends it back to try the other role.
import { evaluatePartial, mentioned, type Statement } from '../puzzle.js';
import { type Known, literal, Words } from './logic-text.js';
import type { Rand } from './rand.js';

export type Verbosity = 0 | 1 | 2;

interface Analysis {
  contradiction: boolean;
  forced: Map<number, boolean>;
  unknowns: number[];
}

/** Most unknown people a case table may list (2^4 = 16 cases). */
const TABLE_LIMIT = 4;

export interface Alternative {
  before: (boolean | undefined)[];
  person: number;
  value: boolean;
}

export class Reasoner {
  readonly w: Words;
  readonly out: string[] = [];
  slips = 0;
  private focus: number[] = [];
  /** Assumptions on the path to the solution whose other side was never tried. */
  readonly untried: Alternative[] = [];
  private readonly strategy: 'order' | 'informative' | 'mentioned' | 'random';
  private readonly knightFirst: number;

  constructor(
    readonly st: readonly Statement[],
    names: readonly string[],
    roles: ConstructorParameters<typeof Words>[1],
    readonly r: Rand,
    readonly verbosity: Verbosity,
    readonly slipRate: number,
  ) {
    this.w = new Words(names, roles);
    this.strategy = r.pick(['order', 'informative', 'informative', 'mentioned', 'random'] as const);
    this.knightFirst = r.pick([1, 1, 1, 0.5, 0]);
  }

  say(text: string): void {
    this.out.push(text);
  }
  /** Picks one phrasing. */
  p(...options: string[]): string {
    return this.r.pick(options);
  }

  // ---------------------------------------------------------------- analysis

  analyze(i: number, k: Known): Analysis | null {
    const unknowns = [i, ...mentioned(this.st[i]!)].filter(
      (p, idx, arr) => k[p] === undefined && arr.indexOf(p) === idx,
    );
    if (unknowns.length > 10) return null;
    const full = k.slice();
    const agree = new Map<number, boolean | null>();
    let any = false;
    for (let bits = 0; bits < 1 << unknowns.length; bits++) {
      unknowns.forEach((p, b) => {
        full[p] = ((bits >> b) & 1) === 0;
      });
      if (evaluatePartial(this.st[i]!, full) !== full[i]) continue;
      any = true;
      for (const p of unknowns) {
        const prev = agree.get(p);
        if (prev === undefined) agree.set(p, full[p]!);
        else if (prev !== full[p]) agree.set(p, null);
      }
    }
    const forced = new Map<number, boolean>();
    if (any) for (const [p, v] of agree) if (v !== null) forced.set(p, v);
    return { contradiction: !any, forced, unknowns };
  }

  /** The next constraint with something to say, people in focus first. */
  private next(k: Known): { i: number; a: Analysis } | null {
    const order: number[] = [];
    const add = (i: number) => {
      if (!order.includes(i)) order.push(i);
    };
    for (const p of [...this.focus].reverse()) {
      add(p);
      this.st.forEach((s, i) => {
        if (mentioned(s).includes(p)) add(i);
      });
    }
    for (let i = 0; i < this.st.length; i++) add(i);
    for (const i of order) {
      const a = this.analyze(i, k);
      if (a && (a.contradiction || a.forced.size > 0)) {
        if (!a.contradiction && a.unknowns.length > TABLE_LIMIT && this.explainDirect(i, k, a, true) === null) continue;
        return { i, a };
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- narration of one step

  /**
   * Direct explanation when the speaker's role is known and the claim's parts are plain literals.
   * Returns null when the shape is not one we explain directly (or the explanation would not match
   * the analysis), so the caller uses the case table instead. `dry`: only check it is possible.
   */
  private explainDirect(i: number, k: Known, a: Analysis, dry = false): string | null {
    const s = this.st[i]!;
    const w = this.w;
    const speaker = k[i];
    if (speaker === undefined) return null;
    const t = speaker;
    const val = (x: Statement) => evaluatePartial(x, k);
    const lits = (xs: Statement[]) => (xs.every((x) => literal(x)) ? xs : null);
    const forced = new Map<number, boolean>();
    let contradiction: string | null = null;
    const steps: string[] = [];
    // Need literal x to have truth value `want`.
    const need = (x: Statement, want: boolean): void => {
      const lit = literal(x)!;
      const cur = k[lit.person];
      const role = want ? lit.want : !lit.want;
      if (cur === undefined) {
        if (forced.has(lit.person) && forced.get(lit.person) !== role)
          contradiction ??= `${w.q(x)} would need ${w.name(lit.person)} to be both roles at once`;
        forced.set(lit.person, role);
        steps.push(
          literal(s)
            ? this.p(`That means ${w.fact(lit.person, role)}.`, `So ${w.fact(lit.person, role)}.`)
            : `${cap(w.q(x))} must be ${w.tf(want)}, so ${w.fact(lit.person, role)}.`,
        );
      } else if (cur !== role) {
        contradiction ??= literal(s)
          ? `we already know ${w.fact(lit.person, cur)}, so the claim is ${w.tf(!want)}`
          : `${w.q(x)} would have to be ${w.tf(want)}, and it is ${w.tf(!want)}: we already know ${w.fact(lit.person, cur)}`;
      }
    };
    let lead = '';
    const lookAt = this.p('', '', '', 'Now, ', 'Next, ', `Let's look at ${w.name(i)} again. `, 'Then ');
    const must0 = t
      ? this.p(
          `${w.name(i)} is ${w.aRole(true)}, so their claim "${w.claim(s)}" must be true.`,
          `Since ${w.name(i)} is ${w.aRole(true)}, "${w.claim(s)}" has to be true.`,
        )
      : this.p(
          `${w.name(i)} is ${w.aRole(false)}, so their claim "${w.claim(s)}" must be false.`,
          `Since ${w.name(i)} is ${w.aRole(false)}, "${w.claim(s)}" has to be false.`,
        );
    const must =
      lookAt && !lookAt.startsWith('Let') && must0.startsWith('Since')
        ? `${lookAt}s${must0.slice(1)}`
        : `${lookAt}${must0}`;
    if (literal(s)) {
      need(s, t);
    } else if ((s.op === 'and' || s.op === 'or') && lits(s.args)) {
      const allNeeded = (s.op === 'and') === t; // and-true / or-false: every part gets the same value
      if (allNeeded) {
        lead =
          s.op === 'and'
            ? 'For an "and" to be true, every part has to be true.'
            : 'For an "or" to be false, every part has to be false.';
        for (const x of s.args) need(x, t);
      } else {
        // and-false needs one false part; or-true needs one true part.
        const wantPart = s.op !== 'and';
        const unknown = s.args.filter((x) => val(x) === undefined);
        const satisfied = s.args.some((x) => val(x) === wantPart);
        if (satisfied) return null;
        lead =
          s.op === 'and'
            ? 'For an "and" to be false, at least one part has to be false.'
            : 'For an "or" to be true, at least one part has to be true.';
        const known = s.args.filter((x) => val(x) !== undefined).map((x) => w.literalWhy(x, k, true));
        if (unknown.length === 0) contradiction = `${w.list(known)} — no part is ${w.tf(wantPart)}`;
        else if (unknown.length === 1) {
          if (known.length) lead += ` ${cap(w.list(known))}.`;
          need(unknown[0]!, wantPart);
        } else return null;
      }
    } else if (s.op === 'implies' && literal(s.antecedent) && literal(s.consequent)) {
      const p = val(s.antecedent);
      const c = val(s.consequent);
      if (!t) {
        lead = 'An "if … then" is false only when the "if" part is true and the "then" part is false.';
        need(s.antecedent, true);
        need(s.consequent, false);
      } else if (p === true) {
        lead = `The "if" part holds: ${w.literalWhy(s.antecedent, k)}. So the "then" part must hold too.`;
        need(s.consequent, true);
      } else if (c === false) {
        lead = `The "then" part fails: ${w.literalWhy(s.consequent, k)}. So the "if" part cannot be true either.`;
        need(s.antecedent, false);
      } else return null;
    } else if (s.op === 'iff' && literal(s.left) && literal(s.right)) {
      const l = val(s.left);
      const rr = val(s.right);
      const same = t;
      const rule = same ? 'both sides must have the same truth value' : 'the two sides must have opposite truth values';
      if (l !== undefined) {
        lead = `For the "if and only if" to be ${w.tf(t)}, ${rule}. ${w.literalWhy(s.left, k)}.`;
        need(s.right, same ? l : !l);
      } else if (rr !== undefined) {
        lead = `For the "if and only if" to be ${w.tf(t)}, ${rule}. ${w.literalWhy(s.right, k)}.`;
        need(s.left, same ? rr : !rr);
      } else return null;
    } else return null;

    // Only tell it this way when it says exactly what the analysis found.
    if (Boolean(contradiction) !== a.contradiction) return null;
    if (!a.contradiction) {
      if (forced.size !== a.forced.size) return null;
      for (const [p, v] of forced) if (a.forced.get(p) !== v) return null;
    }
    if (dry) return '';
    const body = [must, lead].filter(Boolean).join(' ');
    if (contradiction)
      return `${body} ${this.p('But', 'However,', 'Yet')} ${contradiction}. ${this.p("That's a contradiction.", 'Contradiction!', 'That cannot be.', "That doesn't work.")}`;
    return `${body} ${steps.join(' ')}`;
  }

  /** Speaker unknown, claim already decided by what we know → the speaker's role. */
  private explainSpeaker(i: number, k: Known): string | null {
    const s = this.st[i]!;
    const v = evaluatePartial(s, k);
    if (k[i] !== undefined || v === undefined) return null;
    const w = this.w;
    const open = this.p(
      `Now look at ${w.name(i)}'s claim: "${w.claim(s)}".`,
      `What about ${w.name(i)}? They said "${w.claim(s)}".`,
      `Next, ${w.name(i)}'s statement, "${w.claim(s)}".`,
    );
    return `${open} ${cap(w.explainValue(s, k))}. So the claim is ${w.tf(v)}, which means ${w.name(i)} ${v ? 'is telling the truth' : 'is lying'}: ${w.fact(i, v)}.`;
  }

  /** Speaker unknown and the claim comes out the same whatever the others are (e.g. "X is a knight iff X is a knave"). */
  private explainConstant(i: number, k: Known, a: Analysis): string | null {
    if (k[i] !== undefined || a.contradiction || a.forced.size !== 1 || !a.forced.has(i)) return null;
    const s = this.st[i]!;
    const others = a.unknowns.filter((p) => p !== i);
    const full = k.slice();
    let value: boolean | undefined;
    for (let bits = 0; bits < 1 << others.length; bits++) {
      others.forEach((p, b) => {
        full[p] = ((bits >> b) & 1) === 0;
      });
      const v = evaluatePartial(s, full);
      if (v === undefined || (value !== undefined && v !== value)) return null;
      value = v;
    }
    if (value === undefined || value !== a.forced.get(i)) return null;
    const w = this.w;
    let reason = '';
    const parts =
      s.op === 'iff'
        ? [s.left, s.right]
        : s.op === 'and' || s.op === 'or' || s.op === 'implies'
          ? s.op === 'implies'
            ? [s.antecedent, s.consequent]
            : s.args
          : [];
    const lits = parts.map(literal);
    if (lits.length === 2 && lits[0] && lits[1] && lits[0].person === lits[1].person) {
      const same = lits[0].want === lits[1].want;
      const who = w.name(lits[0].person);
      if (s.op === 'iff')
        reason = same
          ? ` — both sides say the same thing about ${who}`
          : ` — the two sides say opposite things about ${who}, so they can never match`;
      else if (s.op === 'or' && !same) reason = ` — ${who} is one or the other, so one part always holds`;
      else if (s.op === 'and' && !same) reason = ` — ${who} cannot be both, so the two parts never hold together`;
    }
    const whatever = others.length
      ? ` no matter what ${w.list(others.map((p) => w.name(p)))} ${others.length === 1 ? 'is' : 'are'}`
      : '';
    return `${this.p('Look at', 'Consider', 'Interesting:')} ${w.name(i)}'s claim "${w.claim(s)}". It is ${w.tf(value)}${whatever}${reason}. ${value ? 'Only a knight can make a true claim' : 'A knight could never say something false'}, so ${w.fact(i, value)}.`;
  }

  /** Case table over the constraint's unknown people; always correct, used for tangled claims. */
  private explainTable(i: number, k: Known, a: Analysis): string {
    const w = this.w;
    const s = this.st[i]!;
    const u = a.unknowns;
    const lines: string[] = [];
    const full = k.slice();
    for (let bits = 0; bits < 1 << u.length; bits++) {
      u.forEach((p, b) => {
        full[p] = ((bits >> b) & 1) === 0;
      });
      const v = evaluatePartial(s, full)!;
      const ok = v === full[i];
      const cond = u.map((p) => w.fact(p, full[p]!)).join(' and ');
      const speakerPart = u.includes(i) ? '' : ` (and ${w.name(i)} is ${w.aRole(full[i]!)})`;
      lines.push(
        `- If ${cond}${speakerPart}: the claim is ${w.tf(v)}, ${ok ? `which fits ${w.name(i)} being ${w.aRole(full[i]!)}.` : `but ${w.name(i)} would be ${w.aRole(full[i]!)}, who ${full[i] ? 'cannot say something false' : 'cannot say something true'}. ✗`}`,
      );
    }
    const head = this.p(
      `${w.name(i)}'s claim "${w.claim(s)}" needs a careful look, so let me go through the cases for ${w.list(u.map((p) => w.name(p)))}.`,
      `Let me check ${w.name(i)}'s statement "${w.claim(s)}" case by case over ${w.list(u.map((p) => w.name(p)))}.`,
    );
    let tail: string;
    if (a.contradiction)
      tail = `None of the cases works. ${this.p("That's a contradiction.", 'So this line of reasoning is impossible.')}`;
    else tail = `In every case that works, ${w.list([...a.forced].map(([p, v]) => w.fact(p, v)))}.`;
    return [head, ...lines, tail].join('\n');
  }

  /** Narrates one step (with an occasional caught slip) and returns what it forced. */
  private narrate(i: number, k: Known, a: Analysis): void {
    const direct =
      this.explainDirect(i, k, a) ?? (a.forced.size > 0 && !a.contradiction ? this.explainSpeakerOnly(i, k, a) : null);
    const text = direct ?? this.explainConstant(i, k, a) ?? this.explainTable(i, k, a);
    if (!a.contradiction && a.forced.size > 0 && direct && this.r.chance(this.slipRate)) {
      this.slip(i, k, a, text);
      return;
    }
    this.say(text);
  }

  private explainSpeakerOnly(i: number, k: Known, a: Analysis): string | null {
    if (a.forced.size !== 1 || !a.forced.has(i)) return null;
    return this.explainSpeaker(i, k);
  }

  /** A plausible wrong conclusion, a line later noticed and corrected. */
  private slip(i: number, k: Known, a: Analysis, correct: string): void {
    const w = this.w;
    const [p, v] = [...a.forced][0]!;
    this.slips++;
    const s = this.st[i]!;
    const wrong =
      p === i
        ? `${w.name(i)} said "${w.claim(s)}". That looks ${w.tf(!evaluatePartial(s, k))} to me, so ${w.fact(i, !v)}.`
        : `From ${w.name(i)}'s claim "${w.claim(s)}", it seems ${w.fact(p, !v)}.`;
    const bridge = this.p(
      `Then ${w.name(p)}'s own statement would have to be ${w.tf(!v)}…`,
      `Let me see where that leads for ${w.name(p)}…`,
      `So I'll mark ${w.name(p)} as ${w.aRole(!v)} for now.`,
    );
    const catchIt = this.p(
      "Wait, that's not right. Let me redo that step.",
      'Hmm, wait. I think I slipped there — let me re-read the claim.',
      'Hold on, let me double-check that, I may have mixed it up.',
    );
    this.say(`${wrong} ${bridge}`);
    this.say(`${catchIt} ${correct} So ${w.fact(p, v)}, not ${w.aRole(!v)}.`);
  }

  // ---------------------------------------------------------------- search

  private recap(k: Known): void {
    const known = k.flatMap((v, i) => (v === undefined ? [] : [i]));
    if (!known.length) return;
    const unknown = k.flatMap((v, i) => (v === undefined ? [i] : []));
    const rest = unknown.length ? ` Still open: ${this.w.list(unknown.map((p) => this.w.name(p)))}.` : '';
    this.say(
      `${this.p('So far:', 'What we have so far:', 'To recap:', 'Current state:')} ${this.w.summary(k)}.${rest}`,
    );
  }

  /** Follows every consequence; true when this ends in a contradiction. */
  private propagate(k: (boolean | undefined)[]): boolean {
    let steps = 0;
    for (;;) {
      const n = this.next(k);
      if (!n) break;
      this.narrate(n.i, k, n.a);
      if (n.a.contradiction) return true;
      for (const [p, v] of n.a.forced) {
        k[p] = v;
        this.focus.push(p);
      }
      steps++;
      if (this.verbosity >= 1 && steps % 4 === 0 && k.includes(undefined)) this.recap(k);
    }
    return false;
  }

  private choosePerson(k: Known): number {
    const open = k.flatMap((v, i) => (v === undefined ? [i] : []));
    switch (this.strategy) {
      case 'order':
        return open[0]!;
      case 'random':
        return this.r.pick(open);
      case 'mentioned': {
        const count = (p: number) => this.st.filter((s) => mentioned(s).includes(p)).length;
        return open.reduce((best, p) => (count(p) > count(best) ? p : best), open[0]!);
      }
      case 'informative': {
        const score = (p: number) =>
          [true, false].reduce((acc, v) => {
            const k2 = k.slice();
            k2[p] = v;
            const a = this.analyze(p, k2);
            return acc + (a ? a.forced.size + (a.contradiction ? 2 : 0) : 0);
          }, 0);
        return open.reduce((best, p) => (score(p) > score(best) ? p : best), open[0]!);
      }
    }
  }

  private noteUndecided(p: number, k: Known): void {
    const s = this.st[p]!;
    if (evaluatePartial(s, k) !== undefined) return;
    const w = this.w;
    const open = mentioned(s).filter((q) => k[q] === undefined);
    if (!open.length) return;
    this.say(
      `${w.name(p)} being ${w.aRole(k[p]!)} means "${w.claim(s)}" is ${w.tf(k[p]!)}, but that alone doesn't decide ${w.list(open.map((q) => w.name(q)))}${this.p('.', ' yet.', ' — I need more information.')}`,
    );
  }

  private whyPick(p: number, k: Known): string | null {
    if (this.verbosity === 0 || this.r.chance(0.35)) return null;
    const w = this.w;
    const about = mentioned(this.st[p]!).filter((q) => q !== p && k[q] === undefined);
    const mentionedBy = this.st.filter((s, i) => i !== p && mentioned(s).includes(p)).length;
    switch (this.strategy) {
      case 'informative':
        return about.length
          ? `${w.name(p)}'s statement is about ${w.list(about.map((q) => w.name(q)))}, so deciding ${w.name(p)} should tell us a lot. Let me branch on ${w.name(p)}.`
          : `Deciding ${w.name(p)} looks like the quickest way in.`;
      case 'mentioned':
        return mentionedBy > 1
          ? `${w.name(p)} is mentioned in ${mentionedBy} statements, so fixing ${w.name(p)}'s role should unlock several claims.`
          : null;
      case 'order':
        return k.every((v) => v === undefined)
          ? 'No single statement settles anything by itself, so I will branch, taking people in order.'
          : null;
      default:
        return null;
    }
  }

  /**
   * Depth-first search from `k` (modified in place). Returns the full assignment or null when every
   * branch ends in a contradiction. `record`: remember untried alternatives on the solution path.
   */
  search(k: (boolean | undefined)[], level: number, record: boolean, assumed?: number): boolean[] | null {
    let firstRound = true;
    for (;;) {
      const before = this.out.length;
      if (this.propagate(k)) return null;
      // The assumption itself said nothing new: say so, as a person would, before branching again.
      if (firstRound && assumed !== undefined && this.out.length === before) this.noteUndecided(assumed, k);
      firstRound = false;
      if (!k.includes(undefined)) return k as boolean[];
      if (this.verbosity >= 1 && level === 0 && k.some((v) => v !== undefined)) this.recap(k);
      const p = this.choosePerson(k);
      const first = this.r.chance(this.knightFirst);
      const w = this.w;
      const why = this.whyPick(p, k);
      if (why) this.say(why);
      this.say(
        level === 0
          ? this.p(
              `${k.some((v) => v !== undefined) ? 'Nothing more follows directly, so' : 'Nothing is forced yet, so'} let me make an assumption. Suppose ${w.fact(p, first)}.`,
              `Let's try assuming ${w.fact(p, first)} and see what follows.`,
              `I'll start with ${w.name(p)}. Assume ${w.name(p)} is ${w.aRole(first)}.`,
              `Let me suppose ${w.fact(p, first)}.`,
            )
          : this.p(
              `Within this case nothing more is forced, so I need a second assumption: suppose ${w.fact(p, first)}.`,
              `Still inside this assumption, ${w.name(p)} is undecided. Let me try ${w.name(p)} as ${w.aRole(first)}.`,
            ),
      );
      const snapshot = k.slice();
      const child = k.slice();
      child[p] = first;
      this.focus.push(p);
      const sol = this.search(child, level + 1, record, p);
      if (sol) {
        if (record) this.untried.unshift({ before: snapshot, person: p, value: first });
        return sol;
      }
      this.say(
        this.p(
          `So the assumption that ${w.fact(p, first)} leads to a contradiction. Therefore ${w.fact(p, !first)}.`,
          `That means ${w.name(p)} cannot be ${w.aRole(first)}; ${w.name(p)} must be ${w.aRole(!first)}.`,
          `OK, so ${w.name(p)} being ${w.aRole(first)} is impossible. Let me switch: ${w.fact(p, !first)}.`,
        ),
      );
      k[p] = !first;
      this.focus.push(p);
      if (this.propagate(k)) {
        this.say(
          this.p(
            `Both possibilities for ${w.name(p)} fail here, so the assumption above this one must be wrong.`,
            `So ${w.name(p)} can be neither ${w.aRole(true)} nor ${w.aRole(false)} in this case — the earlier assumption is impossible.`,
          ),
        );
        return null;
      }
    }
  }
}

export function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
