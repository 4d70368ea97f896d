// The K&K dataset's fixed wording (Xie et al.'s generator, as used for the Logic-RL files): the
// 51-name list, the 18 saying templates, the intro and closing sentences, and the default role
// words. These strings are data: the formatter and parser must reproduce them exactly.

export const COMMON_NAMES: readonly string[] = [
  'Emma',
  'Liam',
  'Olivia',
  'Noah',
  'Ava',
  'Ethan',
  'Sophia',
  'Mason',
  'Isabella',
  'William',
  'Mia',
  'James',
  'Charlotte',
  'Benjamin',
  'Amelia',
  'Lucas',
  'Harper',
  'Henry',
  'Evelyn',
  'Alexander',
  'Abigail',
  'Michael',
  'Emily',
  'Daniel',
  'Elizabeth',
  'Jacob',
  'Sofia',
  'Logan',
  'Avery',
  'Jackson',
  'Ella',
  'Sebastian',
  'Scarlett',
  'Jack',
  'Grace',
  'Aiden',
  'Chloe',
  'Owen',
  'Victoria',
  'Samuel',
  'Riley',
  'Matthew',
  'Aria',
  'Joseph',
  'Lily',
  'Luke',
  'Aurora',
  'David',
  'Zoey',
  'Oliver',
  'Penelope',
];

/** Saying templates, in the dataset's order (the generator draws an index into this list). */
export const SAYING_TEMPLATES: readonly string[] = [
  '{name} said that {content}.',
  '{name} told you that {content}.',
  '{name} said, "{content}."',
  '{name} stated, "{content}".',
  'According to {name}, "{content}".',
  'In {name}\'s words: "{content}".',
  '{name} remarked, "{content}".',
  '"{content}," {name} declared.',
  '{name} was heard saying, "{content}".',
  '{name} expressed that {content}.',
  '"{content}" - {name}.',
  'As {name} put it, "{content}".',
  '{name} asserted: "{content}".',
  '"{content}," {name} mentioned.',
  '{name} commented, "{content}".',
  'In a statement by {name}: "{content}".',
  '{name} noted, "{content}".',
  '"{content}," {name} claimed.',
];

/** The role words of one puzzle (the dataset's `knight_knave` column). */
export interface Roles {
  knight: string;
  knave: string;
  a_knight: string;
  a_knave: string;
  Knight: string;
  Knave: string;
}

/** Builds the role words from their indefinite forms, e.g. ('a knight', 'a knave'). */
export function rolesFrom(aKnight: string, aKnave: string): Roles {
  const word = (s: string) => {
    const parts = s.split(' ');
    if (parts.length !== 2 || !/^an?$/.test(parts[0]!))
      throw new Error(`role '${s}' must look like 'a knight' or 'an angel'`);
    return parts[1]!;
  };
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const knight = word(aKnight);
  const knave = word(aKnave);
  // Key order as in the parquet files' struct column.
  return { Knave: cap(knave), Knight: cap(knight), a_knave: aKnave, a_knight: aKnight, knave, knight } as Roles;
}

export const DEFAULT_ROLES: Roles = rolesFrom('a knight', 'a knave');

export function introSentence(roles: Roles): string {
  return `A very special island is inhabited only by ${roles.knight}s and ${roles.knave}s. ${roles.Knight}s always tell the truth, and ${roles.knave}s always lie. `;
}

export function closingSentence(roles: Roles): string {
  return `So who is ${roles.a_knight} and who is ${roles.a_knave}?`;
}
