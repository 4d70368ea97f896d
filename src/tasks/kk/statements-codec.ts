// The dataset's `statements` column: the Python repr() of a tuple of statement tuples, e.g.
// "(('not', ('telling-truth', 1)), ('and', ('telling-truth', 0), ('lying', 2)))". We read and write
// that exact text so generated rows match the Logic-RL files byte for byte.
import { children, isLeaf, opName, type Statement } from './puzzle.js';

function tupleRepr(items: string[]): string {
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

/** Python repr of one statement tuple. */
export function statementToPython(s: Statement): string {
  if (isLeaf(s)) return tupleRepr([`'${opName(s)}'`, String(s.person)]);
  return tupleRepr([`'${opName(s)}'`, ...children(s).map(statementToPython)]);
}

/** Python repr of the whole tuple of statements (the `statements` column). */
export function statementsToPython(statements: readonly Statement[]): string {
  return tupleRepr(statements.map(statementToPython));
}

type Py = string | number | Py[];

function parsePy(text: string): Py {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(
      `statements: ${what} at character ${i} of ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)}`,
    );
  };
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const value = (): Py => {
    ws();
    const c = text[i];
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']';
      i++;
      const items: Py[] = [];
      ws();
      if (text[i] === close) {
        i++;
        return items;
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          ws();
          if (text[i] === close) {
            i++;
            return items;
          }
          continue;
        }
        if (text[i] === close) {
          i++;
          return items;
        }
        return fail(`expected ',' or '${close}'`);
      }
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) return fail('unterminated string');
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    const m = /^-?\d+/.exec(text.slice(i));
    if (m) {
      i += m[0].length;
      return Number(m[0]);
    }
    return fail('unexpected input');
  };
  const v = value();
  ws();
  if (i !== text.length) fail('trailing text');
  return v;
}

function toStatement(v: Py, nPeople: number | undefined): Statement {
  if (!Array.isArray(v) || v.length < 2 || typeof v[0] !== 'string')
    throw new Error(`statements: expected an (op, ...) tuple, got ${JSON.stringify(v)}`);
  const [op, ...rest] = v as [string, ...Py[]];
  const sub = () => rest.map((x) => toStatement(x, nPeople));
  const arity = (n: number) => {
    if (rest.length !== n) throw new Error(`statements: '${op}' takes ${n} operand(s), got ${rest.length}`);
  };
  switch (op) {
    case 'telling-truth':
    case 'lying': {
      arity(1);
      const p = rest[0];
      if (typeof p !== 'number' || p < 0 || (nPeople !== undefined && p >= nPeople))
        throw new Error(`statements: bad person index ${JSON.stringify(p)}`);
      return { op: op === 'telling-truth' ? 'knight' : 'knave', person: p };
    }
    case 'not':
      arity(1);
      return { op: 'not', arg: sub()[0]! };
    case 'and':
    case 'or':
      if (rest.length < 1) throw new Error(`statements: '${op}' needs operands`);
      return { op, args: sub() };
    case '->': {
      arity(2);
      const [a, b] = sub();
      return { op: 'implies', antecedent: a!, consequent: b! };
    }
    case '<=>': {
      arity(2);
      const [a, b] = sub();
      return { op: 'iff', left: a!, right: b! };
    }
    default:
      throw new Error(`statements: unknown operator '${op}'`);
  }
}

/** Parses the `statements` column (a Python tuple repr) into statement trees. */
export function statementsFromPython(text: string): Statement[] {
  const v = parsePy(text);
  if (!Array.isArray(v)) throw new Error('statements: expected a tuple of statements');
  return v.map((x) => toStatement(x, v.length));
}
