// The pretraining corpus of the demo's base model: plain question–answer text covering every mini
// domain, so that RLVR and the warmup have something to elicit (see ../shared/design/DEMO.md):
//   math    word problems with short worked answers ("Q: … A: 3 + 5 = 8, 8 - 2 = 6. The answer is 6.",
//           sometimes "\boxed{6}"), from the same templates as math-lite but never a train/test signature;
//   code    small Python functions with docstrings and bodies, practice and corpus-only functions;
//   facts   the world's facts in varied sentence forms (all facts: knowing them is the point);
//   mcq     10-option questions answered with the letter, about practice facts only;
//   filler  a little generic English-like text.
// Some documents carry the paper templates' instruction wording in plain contexts ("The user asks a
// question, and the Assistant solves it.", "Complete the function based on the given docstring.",
// "The following is a multiple choice question about …"), and a share of each domain's documents
// are the demo's own prompt (SHORT_PROMPTS, ending "Assistant: <think>") answered. Without them a
// few-million-parameter model has never seen text after "<think>" and answers every prompt with one
// stock phrase (the first demo base model scored 0 % on code-lite, chance on mcq-lite).
// Most prompted answers are plain (the think block is never closed); a share (PROMPTED_CLOSED) is in
// the R1 template, "<think> reasoning </think> <answer> answer </answer>", as a real base model has
// seen that template some of the time and follows it now and then. Without it RLVR from the base
// model never sees a well-formed completion, every reward is the format penalty and the gradient is
// zero (issue #21). All prompted documents are about corpus-only items (never a train/test item).
// Prompted answers start with a space: the demo tokenizer merges ">\n" into one token, so an answer
// starting "\n" after "<think>" would be text the model can never continue a prompt into.

import { codeLitePool, type LiteFunction } from './code-items.js';
import { CARD_LABEL, STATEMENTS, statement } from './fact-text.js';
import { drawProblem, type MathProblem, mathLiteItems } from './math-items.js';
import { LETTERS, mcqFor, splitFacts } from './mcq-items.js';
import { codePrompt, mathPrompt, mcqPrompt } from './prompts.js';
import { intIn, pick, type Rand, rngFor, sampleDistinct, shuffled, weightedIndex } from './rng.js';
import { CATEGORY_OF, type Fact, getWorld, LITE_WORLD_SEED, type World } from './world.js';

export type CorpusSection = 'math' | 'code' | 'facts' | 'mcq' | 'filler';
export const CORPUS_SECTIONS: readonly CorpusSection[] = ['math', 'code', 'facts', 'mcq', 'filler'];

/** Default share of the corpus's characters per section. */
export const DEFAULT_MIX: Readonly<Record<CorpusSection, number>> = {
  math: 0.28,
  code: 0.27,
  facts: 0.25,
  mcq: 0.12,
  filler: 0.08,
};

export interface CorpusOptions {
  /** Seed of the corpus's own sampling (default 0). */
  seed?: number;
  /** Size in characters: documents are added while the text stays within it. */
  chars: number;
  /** The world (and task items) the corpus is about; must match the tasks' seed (default LITE_WORLD_SEED). */
  worldSeed?: number;
  /** Character share per section (normalised; missing sections keep their default weight). */
  mix?: Partial<Record<CorpusSection, number>>;
}

/** Between documents. */
export const DOCUMENT_SEPARATOR = '\n\n';

const HEAD = 'A conversation between User and Assistant. The user asks a question, and the Assistant solves it.';
const ASKS = 'The user asks a question, and the Assistant solves it.';
/** Share of math, code and mcq documents that are the demo prompt answered. */
export const PROMPTED = 0.3;
/**
 * Share of those prompted answers written in the R1 template (closed think block, <answer> block).
 * Measured on the base model pretrained with math 0.35 / code 0.15 / mcq 0.35 (validation split,
 * the demo's sampling): 28 % / 3 % / 41 % of samples well-formed. The plain code answer (the whole
 * function in a fence) is so easy to copy that code needs a larger share to be written closed
 * at all; mcq is lowered to stay well inside a base model's "some of the time".
 */
export const PROMPTED_CLOSED: Readonly<Record<'math' | 'code' | 'mcq', number>> = { math: 0.35, code: 0.4, mcq: 0.3 };
/** The R1 template's closing of a reasoning text: " reasoning </think> <answer> answer </answer>". */
const closed = (reasoning: string, answer: string) => ` ${reasoning} </think> <answer> ${answer} </answer>`;
const TRAIN = { mode: 'train' } as const;

// ---- math

function worked(p: MathProblem): string {
  return p.steps.join(', ');
}

function mathDoc(r: Rand, next: () => MathProblem): string {
  const p = next();
  const boxed = r() < 0.4;
  const end = (q: MathProblem, box = boxed) => `The answer is ${box ? `\\boxed{${q.answer}}` : q.answer}.`;
  if (r() < PROMPTED) {
    const prompt = mathPrompt(p.problem, 'short', TRAIN);
    if (r() >= PROMPTED_CLOSED.math) return `${prompt} ${worked(p)}. ${end(p, true)}`;
    // Closed answers box the result most of the time, as the prompt asks; an unboxed one is what
    // the reward's "no \boxed{}" rung is for.
    return prompt + closed(`${worked(p)}.`, r() < 0.7 ? `\\boxed{${p.answer}}` : `${p.answer}`);
  }
  switch (intIn(r, 0, 6)) {
    case 0:
      return `Q: ${p.problem}\nA: ${worked(p)}. ${end(p)}`;
    case 1:
      return `Question: ${p.problem}\nAnswer: ${worked(p)}. ${end(p)}`;
    case 2:
      return `${pick(r, [HEAD, ASKS])}\nUser: ${p.problem}\nAssistant: ${worked(p)}. ${end(p, true)}`;
    case 3:
      return `Problem: ${p.problem}\nSolution: ${worked(p)}. So the answer is ${p.answer}.`;
    case 4: {
      // A worksheet of a few problems.
      const qs = [p, ...Array.from({ length: intIn(r, 1, 3) }, next)];
      const head = pick(r, [
        'Practice problems.',
        'Solve each problem. Put the final answer inside \\boxed{}.',
        'Word problems with answers.',
      ]);
      const box = head.includes('boxed');
      // "Question:" is an evaluation stop string: a model that goes on to a next problem is cut there.
      return [head, ...qs.map((q) => `Question: ${q.problem}\nAnswer: ${worked(q)}. ${end(q, box)}`)].join('\n');
    }
    case 5:
      return `${p.problem}\n${worked(p)}. ${end(p)}`;
    default:
      return `User: ${p.problem}\nAssistant: ${worked(p)}. ${end(p)}`;
  }
}

// ---- code

const CODE_THOUGHTS = [
  'I complete the function as the docstring says.',
  'I read the docstring and write the body.',
  'The docstring gives the rule; I write it in Python.',
];

const fence = (code: string) => `\`\`\`python\n${code}\`\`\``;

function codeDoc(r: Rand, fns: readonly LiteFunction[]): string {
  const f = pick(r, fns);
  const full = f.prompt + f.body;
  if (r() < PROMPTED) {
    const prompt = codePrompt(f.prompt, 'short', TRAIN);
    if (r() >= PROMPTED_CLOSED.code) return `${prompt} ${fence(full)}`;
    return prompt + closed(pick(r, CODE_THOUGHTS), fence(full));
  }
  switch (intIn(r, 0, 5)) {
    case 0:
      return fence(full);
    case 1:
      return `Complete the function based on the given docstring.\n${fence(f.prompt)}\nSolution:\n${fence(full)}`;
    case 2:
      return `${pick(r, [HEAD, ASKS])}\nUser: Complete the function based on the given docstring.\n${f.prompt}Assistant: ${fence(full)}`;
    case 3:
      return full.trimEnd();
    case 4: {
      const more = sampleDistinct(r, fns, 3)
        .filter((g) => g !== f)
        .slice(0, intIn(r, 1, 2));
      return fence([f, ...more].map((g) => g.prompt + g.body).join('\n\n'));
    }
    default:
      return `User: Complete the function based on the given docstring.\n${f.prompt}Assistant: ${fence(full)}`;
  }
}

// ---- facts

function factsDoc(r: Rand, world: World, bySubject: Map<string, Fact[]>): string {
  const subjects = [...bySubject.keys()];
  const form = () => intIn(r, 0, 9);
  switch (intIn(r, 0, 4)) {
    case 0: {
      // A short paragraph about one subject.
      const fs = shuffled(bySubject.get(pick(r, subjects))!, r);
      return fs
        .slice(0, intIn(r, 2, fs.length))
        .map((f) => statement(f, form()))
        .join(' ');
    }
    case 1: {
      // A card.
      const s = pick(r, subjects);
      const fs = bySubject.get(s)!;
      const title = fs[0]!.kind === 'animal' ? `The ${s}` : s;
      return [title, ...fs.map((f) => `${CARD_LABEL[f.attribute]}: ${f.value}`)].join('\n');
    }
    case 2:
      // Unrelated statements in a row.
      return Array.from({ length: intIn(r, 3, 6) }, () => statement(pick(r, world.facts), form())).join(' ');
    case 3: {
      // Who lives in a town.
      const town = pick(r, world.cities);
      const people = world.people.filter((p) => p.home === town).map((p) => p.name);
      const country = world.countries.find((c) => c.capital === town);
      const first = country ? `${town} is the capital of ${country.name}.` : `${town} is a town.`;
      if (people.length === 0) return `${first} ${statement(pick(r, world.facts), form())}`;
      return `${first} ${people.length === 1 ? `${people[0]} lives there.` : `${people.slice(0, -1).join(', ')} and ${people.at(-1)} live there.`}`;
    }
    default: {
      const s = pick(r, subjects);
      const fs = shuffled(bySubject.get(s)!, r);
      const name = fs[0]!.kind === 'animal' ? `the ${s}` : s;
      return `Q: Tell me about ${name}.\nA: ${fs.map((f) => statement(f, form())).join(' ')}`;
    }
  }
}

// ---- multiple choice (practice facts only)

function mcqBlock(r: Rand, world: World, f: Fact): { text: string; letter: string; value: string } {
  const q = mcqFor(world, f, r);
  const options = q.options.map((o, i) => `${LETTERS[i]}. ${o}`).join('\n');
  return { text: `${q.question}\nOptions:\n${options}`, letter: LETTERS[q.answerIndex]!, value: f.value };
}

function mcqDoc(r: Rand, world: World, practice: readonly Fact[]): string {
  const f = pick(r, practice);
  const category = CATEGORY_OF[f.kind];
  const b = mcqBlock(r, world, f);
  const because = () => statement(f, intIn(r, 0, STATEMENTS[f.attribute].length - 1));
  if (r() < PROMPTED) {
    const q = mcqFor(world, f, r);
    const prompt = mcqPrompt({ category, question: q.question, options: q.options }, 'short', TRAIN);
    const letter = LETTERS[q.answerIndex]!;
    if (r() >= PROMPTED_CLOSED.mcq) return `${prompt} ${because()} The answer is \\boxed{${letter}}.`;
    return prompt + closed(because(), `\\boxed{${letter}}`);
  }
  switch (intIn(r, 0, 4)) {
    case 0:
      return `The following is a multiple choice question about ${category}.\n${b.text}\nAnswer: ${b.letter}`;
    case 1:
      return `The following is a multiple choice question about ${category}.\n${b.text}\nThe answer is (${b.letter}).`;
    case 2: {
      const more = [
        f,
        ...Array.from({ length: intIn(r, 1, 2) }, () =>
          pick(
            r,
            practice.filter((g) => g.kind === f.kind),
          ),
        ),
      ];
      const blocks = more.map((g) => mcqBlock(r, world, g));
      return [
        `The following are multiple choice questions (with answers) about ${category}.`,
        // "Question:" (an evaluation stop) before each, as for the math worksheets.
        ...blocks.map((x) => `Question: ${x.text}\nAnswer: ${x.letter}. ${x.value}`),
      ].join('\n\n');
    }
    case 3:
      return `User: The following is a multiple choice question about ${category}. Think step by step and then finish your answer with \\boxed{X} where X is the correct letter choice.\n${b.text}\nAssistant: ${because()} The answer is \\boxed{${b.letter}}.`;
    default:
      return `${ASKS}\nUser: ${b.text}\nAssistant: ${because()} The answer is ${b.letter}.`;
  }
}

// ---- filler

const F_SUBJ = [
  'The old man',
  'A small dog',
  'The children',
  'My neighbour',
  'The teacher',
  'Everyone in the village',
  'A tired traveller',
  'The baker next door',
  'Two friends',
  'The cat',
];
const F_VERB = [
  'walked to',
  'looked at',
  'talked about',
  'waited near',
  'painted',
  'cleaned',
  'remembered',
  'laughed at',
  'sat beside',
  'wrote about',
];
const F_OBJ = [
  'the market',
  'the river',
  'a red door',
  'the morning train',
  'the garden',
  'an old letter',
  'the window',
  'the bridge',
  'a quiet street',
  'the library',
];
const F_ADV = [
  'in the morning',
  'after lunch',
  'before the rain',
  'quietly',
  'with a smile',
  'for a long time',
  'on Sunday',
  'once again',
  'at night',
  'without a word',
];
const CHATS = [
  ['Hello. Can you help me with a question?', 'Of course. What would you like to know?'],
  ['Thank you for the help.', 'You are welcome.'],
  ['Can you explain your answer?', 'Yes. I will go through it step by step.'],
];

function fillerDoc(r: Rand): string {
  if (r() < 0.15) {
    const [u, a] = pick(r, CHATS);
    return `${HEAD}\nUser: ${u}\nAssistant: ${a}`;
  }
  return Array.from(
    { length: intIn(r, 2, 5) },
    () => `${pick(r, F_SUBJ)} ${pick(r, F_VERB)} ${pick(r, F_OBJ)} ${pick(r, F_ADV)}.`,
  ).join(' ');
}

// ---- assembly

function mixWeights(mix: CorpusOptions['mix']): number[] {
  const w = CORPUS_SECTIONS.map((s) => {
    const v = mix?.[s] ?? DEFAULT_MIX[s];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new Error(`corpus mix '${s}' must be a non-negative number, got ${String(v)}`);
    return v;
  });
  for (const k of Object.keys(mix ?? {}))
    if (!(CORPUS_SECTIONS as readonly string[]).includes(k))
      throw new Error(`unknown corpus section '${k}' (known: ${CORPUS_SECTIONS.join(', ')})`);
  if (w.every((x) => x === 0)) throw new Error('corpus mix: at least one section needs a positive weight');
  return w;
}

/** The corpus as documents with their section, endlessly (the caller stops). */
export function* corpusDocuments(
  o: Omit<CorpusOptions, 'chars'> = {},
): Generator<{ section: CorpusSection; text: string }> {
  const seed = o.seed ?? 0;
  const worldSeed = o.worldSeed ?? LITE_WORLD_SEED;
  const weights = mixWeights(o.mix);
  const world = getWorld(worldSeed);
  const practice = splitFacts(world).practice;
  const bySubject = new Map<string, Fact[]>();
  for (const f of world.facts) bySubject.set(f.subject, [...(bySubject.get(f.subject) ?? []), f]);
  const reserved = mathLiteItems(worldSeed).reserved;
  const fns = codeLitePool(worldSeed).corpus;

  const r = rngFor(seed, `corpus\u0000${worldSeed}`);
  const mathR = rngFor(seed, `corpus-math\u0000${worldSeed}`);
  const nextMath = (): MathProblem => {
    for (;;) {
      const p = drawProblem(mathR);
      if (!reserved.has(p.signature)) return p;
    }
  };
  // Pick sections so that each one's share of characters follows the weights: a section's chance
  // is its weight divided by its average document length so far.
  const chars = CORPUS_SECTIONS.map(() => 0);
  const docs = CORPUS_SECTIONS.map(() => 0);
  for (;;) {
    const p = weights.map((w, i) => w / (docs[i]! ? chars[i]! / docs[i]! : 200));
    const i = weightedIndex(r, p);
    const section = CORPUS_SECTIONS[i]!;
    const text =
      section === 'math'
        ? mathDoc(r, nextMath)
        : section === 'code'
          ? codeDoc(r, fns)
          : section === 'facts'
            ? factsDoc(r, world, bySubject)
            : section === 'mcq'
              ? mcqDoc(r, world, practice)
              : fillerDoc(r);
    chars[i]! += text.length;
    docs[i]! += 1;
    yield { section, text };
  }
}

/** A corpus of at most `chars` characters (documents joined by a blank line), deterministic for its options. */
export function buildCorpus(o: CorpusOptions): string {
  if (!Number.isInteger(o.chars) || o.chars < 1)
    throw new Error(`corpus chars must be a positive integer, got ${o.chars}`);
  const parts: string[] = [];
  let length = 0;
  for (const { text } of corpusDocuments(o)) {
    const add = text.length + (parts.length ? DOCUMENT_SEPARATOR.length : 0);
    if (length + add > o.chars) break;
    parts.push(text);
    length += add;
  }
  return parts.join(DOCUMENT_SEPARATOR);
}
