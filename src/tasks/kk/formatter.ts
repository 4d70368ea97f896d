// Puzzle → natural language, as the dataset writes it. For the dataset's grammar (depth ≤ 2) the text
// is exactly the original's: a leaf "X is a knight", "X is not a knave", operands joined by " and " /
// " or ", "If A then B", "A if and only if B". Deeper trees (our extension) put every compound operand
// in parentheses and write a negated compound as "it is not the case that (…)", so the parser can
// read any tree back unambiguously.
import { isLeaf, type Statement } from './puzzle.js';
import { closingSentence, DEFAULT_ROLES, introSentence, type Roles, SAYING_TEMPLATES } from './vocabulary.js';

/** How one puzzle is worded: everything the text depends on besides the statements. */
export interface Surface {
  names: readonly string[];
  /** Index into SAYING_TEMPLATES for each person's sentence. */
  templates: readonly number[];
  /** Speaking order (person indices); default 0..n-1. */
  order?: readonly number[];
  roles?: Roles;
}

function leafText(s: Statement, names: readonly string[], roles: Roles, negated: boolean): string {
  if (!isLeaf(s)) throw new Error('internal: leafText on a compound statement');
  const name = names[s.person];
  if (name === undefined)
    throw new Error(`statement mentions person ${s.person} but the puzzle has ${names.length} names`);
  return `${name} is ${negated ? 'not ' : ''}${s.op === 'knight' ? roles.a_knight : roles.a_knave}`;
}

/** Atomic = written without parentheses when used as an operand: a leaf or a negated leaf. */
function isAtomic(s: Statement): boolean {
  return isLeaf(s) || (s.op === 'not' && isLeaf(s.arg));
}

function operandText(s: Statement, names: readonly string[], roles: Roles): string {
  return isAtomic(s) ? statementText(s, names, roles, false) : `(${statementText(s, names, roles, false)})`;
}

/** The content of one person's claim (what goes into {content}). `top`: sentence-initial "If". */
export function statementText(
  s: Statement,
  names: readonly string[],
  roles: Roles = DEFAULT_ROLES,
  top = true,
): string {
  switch (s.op) {
    case 'knight':
    case 'knave':
      return leafText(s, names, roles, false);
    case 'not':
      return isLeaf(s.arg)
        ? leafText(s.arg, names, roles, true)
        : `it is not the case that ${operandText(s.arg, names, roles)}`;
    case 'and':
    case 'or':
      return s.args.map((x) => operandText(x, names, roles)).join(` ${s.op} `);
    case 'implies':
      return `${top ? 'If' : 'if'} ${operandText(s.antecedent, names, roles)} then ${operandText(s.consequent, names, roles)}`;
    case 'iff':
      return `${operandText(s.left, names, roles)} if and only if ${operandText(s.right, names, roles)}`;
  }
}

function fill(template: string, name: string, content: string): string {
  return template.replace('{name}', () => name).replace('{content}', () => content);
}

/** "A, B, and C" exactly as the dataset joins names (two names give "A, and B"). */
export function joinNames(names: readonly string[]): string {
  return `${names.slice(0, -1).join(', ')}, and ${names[names.length - 1]}`;
}

/** The full quiz text. */
export function formatQuiz(statements: readonly Statement[], surface: Surface): string {
  const { names, templates } = surface;
  const roles = surface.roles ?? DEFAULT_ROLES;
  const n = statements.length;
  if (n < 2) throw new Error(`a puzzle needs at least 2 people, got ${n}`);
  if (names.length !== n) throw new Error(`${n} statements but ${names.length} names`);
  if (templates.length !== n) throw new Error(`${n} statements but ${templates.length} templates`);
  const order = surface.order ?? statements.map((_, i) => i);
  let text = `${introSentence(roles)}You meet ${n} inhabitants: ${joinNames(names)}.`;
  for (const i of order) {
    const t = SAYING_TEMPLATES[templates[i]!];
    if (t === undefined)
      throw new Error(`template index ${templates[i]} out of range 0..${SAYING_TEMPLATES.length - 1}`);
    text += ` ${fill(t, names[i]!, statementText(statements[i]!, names, roles))}`;
  }
  return `${text} ${closingSentence(roles)}`;
}

/** "Michael is a knight, Zoey is a knave, and Ethan is a knight." (the `solution_text` column). */
export function solutionText(
  names: readonly string[],
  solution: readonly boolean[],
  roles: Roles = DEFAULT_ROLES,
): string {
  const parts = names.map((name, i) => `${name} is ${solution[i] ? roles.a_knight : roles.a_knave}`);
  return `${parts.slice(0, -1).join(', ')}, and ${parts[parts.length - 1]}.`;
}

/** "(1) Michael is a knight\n(2) Zoey is a knave…" (the `solution_text_format` column). */
export function solutionTextFormat(
  names: readonly string[],
  solution: readonly boolean[],
  roles: Roles = DEFAULT_ROLES,
): string {
  return names.map((name, i) => `(${i + 1}) ${name} is ${solution[i] ? roles.a_knight : roles.a_knave}`).join('\n');
}
