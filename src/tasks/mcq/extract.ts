// Answer-letter extraction for multiple choice (MMLU-Pro), two chains, each tried in order:
//   paper:    \boxed{X} (also \boxed{\text{X}}) → <answer> X …</answer> → the last standalone letter
//   official: "answer is (X)" → "Answer: X" (the last on the first line that has one) → the last
//             standalone letter — the MMLU-Pro harness's chain.
// Letters are A–J. The first two rules of each chain take the first match in the text (Python's
// re.search, as both reference implementations use). "Standalone" uses Python's Unicode word
// boundaries (a letter glued to "é" or "1" is not standalone).

export type Chain = 'paper' | 'official';
export const CHAINS: readonly Chain[] = ['paper', 'official'];

const W = String.raw`[\p{L}\p{N}_]`;
const LETTER = `(?<!${W})[A-J](?!${W})`;
/** The last standalone letter (dot matches newline). */
const LAST_LETTER = new RegExp(`${LETTER}(?!.*${LETTER})`, 'su');

const PAPER: RegExp[] = [
  /\\boxed\{(?:\\text\{)?\s*([A-J])\s*(?:\})?\}/,
  /<answer>\s*([A-J])(\.\s*(.*?))?\s*<\/answer>/,
];
const OFFICIAL: RegExp[] = [/answer is \(?([A-J])\)?/, /.*[aA]nswer:\s*([A-J])/];

export interface LetterExtraction {
  letter: string | null;
  /** Which rule found it: boxed, answer_tag, answer_is, answer_colon, last_letter, or none. */
  rule: string;
}

const NAMES: Record<Chain, string[]> = { paper: ['boxed', 'answer_tag'], official: ['answer_is', 'answer_colon'] };

export function extractLetter(text: string, chain: Chain = 'paper'): LetterExtraction {
  const rules = chain === 'paper' ? PAPER : OFFICIAL;
  for (let i = 0; i < rules.length; i++) {
    const m = rules[i]!.exec(text);
    if (m) return { letter: m[1]!, rule: NAMES[chain][i]! };
  }
  const m = LAST_LETTER.exec(text);
  return m ? { letter: m[0], rule: 'last_letter' } : { letter: null, rule: 'none' };
}
