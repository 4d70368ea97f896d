// The K&K puzzle model: each inhabitant makes one statement, a tree over "person j is a knight /
// a knave" leaves. A knight's statement is true and a knave's is false, so an assignment solves a
// puzzle when every person's role equals the truth value of their own statement.

/** A statement tree. `knight`/`knave` leaves name a person by index (0-based, in the quiz's order). */
export type Statement =
  | { op: 'knight'; person: number }
  | { op: 'knave'; person: number }
  | { op: 'not'; arg: Statement }
  | { op: 'and'; args: Statement[] }
  | { op: 'or'; args: Statement[] }
  | { op: 'implies'; antecedent: Statement; consequent: Statement }
  | { op: 'iff'; left: Statement; right: Statement };

export type Leaf = Extract<Statement, { op: 'knight' | 'knave' }>;

/** One role per person: true = knight, false = knave. */
export type Assignment = readonly boolean[];

export const knight = (person: number): Statement => ({ op: 'knight', person });
export const knave = (person: number): Statement => ({ op: 'knave', person });
export const not = (arg: Statement): Statement => ({ op: 'not', arg });
export const and = (...args: Statement[]): Statement => ({ op: 'and', args });
export const or = (...args: Statement[]): Statement => ({ op: 'or', args });
export const implies = (a: Statement, b: Statement): Statement => ({ op: 'implies', antecedent: a, consequent: b });
export const iff = (left: Statement, right: Statement): Statement => ({ op: 'iff', left, right });

export function isLeaf(s: Statement): s is Leaf {
  return s.op === 'knight' || s.op === 'knave';
}

/** Direct operands of a node (empty for a leaf). */
export function children(s: Statement): Statement[] {
  switch (s.op) {
    case 'knight':
    case 'knave':
      return [];
    case 'not':
      return [s.arg];
    case 'and':
    case 'or':
      return s.args;
    case 'implies':
      return [s.antecedent, s.consequent];
    case 'iff':
      return [s.left, s.right];
  }
}

/** Truth value of a statement under a full assignment. */
export function evaluate(s: Statement, a: Assignment): boolean {
  switch (s.op) {
    case 'knight':
      return a[s.person] === true;
    case 'knave':
      return a[s.person] === false;
    case 'not':
      return !evaluate(s.arg, a);
    case 'and':
      return s.args.every((x) => evaluate(x, a));
    case 'or':
      return s.args.some((x) => evaluate(x, a));
    case 'implies':
      return !evaluate(s.antecedent, a) || evaluate(s.consequent, a);
    case 'iff':
      return evaluate(s.left, a) === evaluate(s.right, a);
  }
}

/**
 * Three-valued truth under a partial assignment (undefined = unknown person): true/false when the
 * known people already decide it, undefined otherwise. Used by the solver to prune and by the
 * teacher to notice when a claim is settled.
 */
export function evaluatePartial(s: Statement, a: readonly (boolean | undefined)[]): boolean | undefined {
  switch (s.op) {
    case 'knight':
    case 'knave': {
      const v = a[s.person];
      return v === undefined ? undefined : v === (s.op === 'knight');
    }
    case 'not': {
      const v = evaluatePartial(s.arg, a);
      return v === undefined ? undefined : !v;
    }
    case 'and': {
      let unknown = false;
      for (const x of s.args) {
        const v = evaluatePartial(x, a);
        if (v === false) return false;
        if (v === undefined) unknown = true;
      }
      return unknown ? undefined : true;
    }
    case 'or': {
      let unknown = false;
      for (const x of s.args) {
        const v = evaluatePartial(x, a);
        if (v === true) return true;
        if (v === undefined) unknown = true;
      }
      return unknown ? undefined : false;
    }
    case 'implies': {
      const p = evaluatePartial(s.antecedent, a);
      const q = evaluatePartial(s.consequent, a);
      if (p === false || q === true) return true;
      if (p === true && q === false) return false;
      return undefined;
    }
    case 'iff': {
      const p = evaluatePartial(s.left, a);
      const q = evaluatePartial(s.right, a);
      return p === undefined || q === undefined ? undefined : p === q;
    }
  }
}

/** People a statement mentions, in first-mention order, without repeats. */
export function mentioned(s: Statement): number[] {
  const out: number[] = [];
  const walk = (x: Statement): void => {
    if (isLeaf(x)) {
      if (!out.includes(x.person)) out.push(x.person);
    } else for (const c of children(x)) walk(c);
  };
  walk(s);
  return out;
}

/** Operator nesting depth: a leaf is 1, `not leaf` and `a and b` (leaves) are 2. */
export function depth(s: Statement): number {
  return isLeaf(s) ? 1 : 1 + Math.max(...children(s).map(depth));
}

/** A canonical string key (structural equality, hashing for de-duplication). */
export function statementKey(s: Statement): string {
  switch (s.op) {
    case 'knight':
      return `T${s.person}`;
    case 'knave':
      return `F${s.person}`;
    case 'not':
      return `!(${statementKey(s.arg)})`;
    case 'and':
      return `&(${s.args.map(statementKey).join(',')})`;
    case 'or':
      return `|(${s.args.map(statementKey).join(',')})`;
    case 'implies':
      return `>(${statementKey(s.antecedent)},${statementKey(s.consequent)})`;
    case 'iff':
      return `=(${statementKey(s.left)},${statementKey(s.right)})`;
  }
}

export function statementsEqual(a: Statement, b: Statement): boolean {
  return statementKey(a) === statementKey(b);
}

/** The dataset's operator names for a node (as in the `statements` column). */
export function opName(s: Statement): 'telling-truth' | 'lying' | 'not' | 'and' | 'or' | '->' | '<=>' {
  switch (s.op) {
    case 'knight':
      return 'telling-truth';
    case 'knave':
      return 'lying';
    case 'implies':
      return '->';
    case 'iff':
      return '<=>';
    default:
      return s.op;
  }
}
