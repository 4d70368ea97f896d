// Quiz text → names, role words and statement trees: the inverse of formatQuiz for every sentence
// form the formatter writes (the 18 saying templates, any speaking order, the nested-operand
// extension). Anything else fails with an error naming the sentence that could not be read.
import type { Surface } from './formatter.js';
import type { Statement } from './puzzle.js';
import { type Roles, rolesFrom, SAYING_TEMPLATES } from './vocabulary.js';

export interface ParsedQuiz extends Surface {
  statements: Statement[];
  roles: Roles;
  order: number[];
}

export class KkParseError extends Error {
  override name = 'KkParseError';
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const INTRO =
  /^A very special island is inhabited only by (\S+)s and (\S+)s\. (\S+)s always tell the truth, and (\S+)s always lie\. You meet (\d+) inhabitants: ([^.]*)\./;
const CLOSING = / So who is (an? \S+) and who is (an? \S+)\?$/;

/** Splits "A, B, and C" (and the dataset's two-name form "A, and B"). */
function splitNames(list: string): string[] {
  const m = /^(.*), and ([^,]+)$/.exec(list);
  if (!m) throw new KkParseError(`cannot read the list of inhabitants "${list}" (expected "A, B, and C")`);
  const head = m[1] === '' ? [] : m[1]!.split(', ');
  return [...head, m[2]!];
}

/** Content grammar, recursive descent over words and parentheses. */
class ContentParser {
  private toks: string[];
  private i = 0;
  constructor(
    private readonly text: string,
    private readonly names: ReadonlyMap<string, number>,
    private readonly roles: Roles,
  ) {
    this.toks = text.replace(/\(/g, ' ( ').replace(/\)/g, ' ) ').split(/\s+/).filter(Boolean);
  }

  private fail(what: string): never {
    throw new KkParseError(`${what} in "${this.text}"`);
  }
  private peek(k = 0): string | undefined {
    return this.toks[this.i + k];
  }
  private accept(...words: string[]): boolean {
    for (let k = 0; k < words.length; k++) if (this.peek(k) !== words[k]) return false;
    this.i += words.length;
    return true;
  }
  private expect(...words: string[]): void {
    if (!this.accept(...words)) this.fail(`expected "${words.join(' ')}" at word ${this.i + 1}`);
  }

  parse(): Statement {
    const s = this.expr(true);
    if (this.i !== this.toks.length) this.fail(`unexpected "${this.toks.slice(this.i).join(' ')}"`);
    return s;
  }

  private role(): 'knight' | 'knave' {
    const [k1, k2] = this.roles.a_knight.split(' ');
    const [v1, v2] = this.roles.a_knave.split(' ');
    if (this.accept(k1!, k2!)) return 'knight';
    if (this.accept(v1!, v2!)) return 'knave';
    return this.fail(`expected "${this.roles.a_knight}" or "${this.roles.a_knave}" at word ${this.i + 1}`);
  }

  private operand(): Statement {
    if (this.accept('(')) {
      const s = this.expr(false);
      this.expect(')');
      return s;
    }
    if (this.accept('it', 'is', 'not', 'the', 'case', 'that')) return { op: 'not', arg: this.operand() };
    const name = this.peek();
    const person = name === undefined ? undefined : this.names.get(name);
    if (person === undefined)
      return this.fail(`expected an inhabitant's name at word ${this.i + 1}${name ? ` (got "${name}")` : ''}`);
    this.i++;
    this.expect('is');
    const negated = this.accept('not');
    const leaf: Statement = { op: this.role(), person };
    return negated ? { op: 'not', arg: leaf } : leaf;
  }

  private expr(top: boolean): Statement {
    if (this.accept(top ? 'If' : 'if')) {
      const a = this.operand();
      this.expect('then');
      return { op: 'implies', antecedent: a, consequent: this.operand() };
    }
    const a = this.operand();
    if (this.accept('if', 'and', 'only', 'if')) return { op: 'iff', left: a, right: this.operand() };
    for (const op of ['and', 'or'] as const) {
      if (this.peek() === op) {
        const args = [a];
        while (this.accept(op)) args.push(this.operand());
        const other = op === 'and' ? 'or' : 'and';
        if (this.peek() === other) this.fail(`"and" and "or" mixed without parentheses`);
        return { op, args };
      }
    }
    return a;
  }
}

/** Parses one claim's text (the {content} of a saying template). */
export function parseStatement(content: string, names: readonly string[], roles: Roles): Statement {
  return new ContentParser(content, new Map(names.map((n, i) => [n, i])), roles).parse();
}

/** Parses a full quiz. Throws KkParseError naming the sentence that does not fit. */
export function parseQuiz(quiz: string): ParsedQuiz {
  const intro = INTRO.exec(quiz);
  if (!intro)
    throw new KkParseError(
      `the quiz does not start with the K&K introduction ("A very special island is inhabited only by knights and knaves. …"): "${quiz.slice(0, 120)}…"`,
    );
  const closing = CLOSING.exec(quiz);
  if (!closing)
    throw new KkParseError(
      `the quiz does not end with "So who is a knight and who is a knave?": "…${quiz.slice(-80)}"`,
    );
  const roles = rolesFrom(closing[1]!, closing[2]!);
  if (intro[1] !== roles.knight || intro[2] !== roles.knave || intro[3] !== roles.Knight || intro[4] !== roles.knave)
    throw new KkParseError(
      `the introduction's role words (${intro[1]}, ${intro[2]}) do not match the question's (${roles.a_knight}, ${roles.a_knave})`,
    );
  const names = splitNames(intro[6]!);
  const n = Number(intro[5]);
  if (names.length !== n)
    throw new KkParseError(`"You meet ${n} inhabitants" but ${names.length} names are listed: ${intro[6]}`);
  if (new Set(names).size !== n) throw new KkParseError(`an inhabitant's name is listed twice: ${intro[6]}`);
  for (const name of names)
    if (!/^[^\s,.()"]+$/.test(name)) throw new KkParseError(`name "${name}" contains spaces or punctuation`);

  const nameAlt = names.map(escapeRe).join('|');
  const patterns = SAYING_TEMPLATES.map((t) => {
    const src = escapeRe(t)
      .replace('\\{name\\}', `(?<name>${nameAlt})`)
      .replace('\\{content\\}', '(?<content>[^".,]+)');
    return new RegExp(` ${src}`, 'y');
  });
  const body = quiz.slice(intro[0].length, quiz.length - closing[0].length);
  const byName = new Map(names.map((name, i) => [name, i]));
  const statements: (Statement | undefined)[] = new Array(n).fill(undefined);
  const templates: number[] = new Array(n).fill(-1);
  const order: number[] = [];
  let pos = 0;
  let sentence = 0;
  while (pos < body.length) {
    sentence++;
    let matched = false;
    let lastError: unknown;
    for (let t = 0; t < patterns.length && !matched; t++) {
      const re = patterns[t]!;
      re.lastIndex = pos;
      const m = re.exec(body);
      if (!m) continue;
      const person = byName.get(m.groups!.name!)!;
      try {
        const s = parseStatement(m.groups!.content!, names, roles);
        if (statements[person] !== undefined) throw new KkParseError(`${names[person]} speaks twice`);
        statements[person] = s;
        templates[person] = t;
        order.push(person);
        pos = re.lastIndex;
        matched = true;
      } catch (e) {
        lastError = e;
      }
    }
    if (!matched) {
      const rest = body.slice(pos).trimStart();
      const end = /^.*?(?:\."|"\.|\.)(?= |$)/.exec(rest);
      const text = end ? end[0] : rest;
      const why = lastError instanceof Error ? `: ${lastError.message}` : ' (no saying template fits)';
      throw new KkParseError(`cannot read sentence ${sentence} of the statements, "${text}"${why}`);
    }
  }
  const silent = names.filter((_, i) => statements[i] === undefined);
  if (silent.length) throw new KkParseError(`no statement from ${silent.join(', ')}`);
  return { names, roles, statements: statements as Statement[], templates, order };
}
