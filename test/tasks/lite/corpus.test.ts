// The pretraining corpus: deterministic, sized as asked, in plain question–answer style (tags only
// in the demo prompt's own wording, which some documents answer, a declared share of them in the R1
// template), covering every mini domain and every fact of the world, and holding no
// train, validation or test item's text (not even a test function's name).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../../src/paths.js';
import { generateRows } from '../../../src/tasks/kk/rows.js';
import { kkHeldOutSet } from '../../../src/tasks/kk-heldout.js';
import {
  buildCorpus,
  CORPUS_SECTIONS,
  codeLitePool,
  corpusDocuments,
  DEFAULT_MIX,
  getWorld,
  kkCorpusDocuments,
  mathLiteItems,
  mcqLiteItems,
  PROMPTED,
  PROMPTED_CLOSED,
  SHORT_PROMPTS,
  STATEMENTS,
} from '../../../src/tasks/lite/index.js';
import { loadTokenizer } from '../../../src/tokenizer/load.js';

// Text holding no think/answer tag (code answers hold '<' and '>>>').
const NO_TAG = '(?:(?!</?(?:think|answer)>)[\\s\\S])+';
const BIG = buildCorpus({ seed: 0, chars: 3_000_000 });

test('corpus: deterministic for its options, within the size asked, the seeds matter', () => {
  assert.equal(buildCorpus({ seed: 0, chars: 200_000 }), BIG.slice(0, buildCorpus({ seed: 0, chars: 200_000 }).length));
  const a = buildCorpus({ seed: 3, chars: 100_000 });
  assert.equal(buildCorpus({ seed: 3, chars: 100_000 }), a);
  assert.ok(a.length <= 100_000 && a.length > 98_000, `${a.length}`);
  assert.notEqual(buildCorpus({ seed: 4, chars: 100_000 }), a);
  assert.notEqual(buildCorpus({ seed: 3, chars: 100_000, worldSeed: 2 }), a);
  assert.ok(BIG.length <= 3_000_000 && BIG.length > 2_990_000);
});

test('corpus: tags only in the demo prompt and, closing a prompted answer, in the R1 template', () => {
  // The fixed text of each demo prompt (between its placeholders) is where a tag may appear, and
  // a prompted answer may end in the R1 template: " … </think> <answer> … </answer>".
  const fixed = Object.values(SHORT_PROMPTS)
    .flatMap((t) => t.split(/\{\{\w+\}\}/))
    .filter((x) => x.length > 0)
    .sort((a, b) => b.length - a.length);
  const R1_END = new RegExp(` ${NO_TAG} </think> <answer> ${NO_TAG} </answer>$`);
  let prompted = 0;
  let closed = 0;
  for (const doc of BIG.split('\n\n')) {
    let rest = doc;
    for (const f of fixed) rest = rest.split(f).join('\u0000');
    if (rest !== doc) prompted++;
    if (rest !== doc && R1_END.test(rest)) {
      closed++;
      rest = rest.replace(R1_END, '');
    }
    for (const tag of ['<think>', '</think>', '<answer>', '</answer>'])
      assert.ok(!rest.includes(tag), `${tag} in: ${doc}`);
  }
  assert.ok(prompted > 500, `${prompted} prompted documents`);
  assert.ok(closed > 100, `${closed} closed documents`);
  // Each domain's prompt appears, ending in "Assistant: <think>", answered both ways.
  assert.match(BIG, /\nAssistant: <think> \d+ [-+*/] \d+ = \d+.*The answer is \\boxed\{\d+\}\./);
  assert.match(BIG, /\nAssistant: <think> \d+ [-+*/] \d+ = \d+[^<]*\. <\/think> <answer> \\boxed\{\d+\} <\/answer>/);
  assert.match(BIG, /Assistant: <think> ```python\ndef /);
  assert.match(BIG, /Assistant: <think> [^`<]+ <\/think> <answer> ```python\ndef [^<]+``` <\/answer>/);
  assert.match(BIG, /\nJ\. [^\n]+\nAssistant: <think> .+ The answer is \\boxed\{[A-J]\}\./);
  assert.match(BIG, /\nJ\. [^\n]+\nAssistant: <think> [^<]+ <\/think> <answer> \\boxed\{[A-J]\} <\/answer>/);
});

test('corpus: every prompted document tokenizes with its prompt as a prefix (the shipped demo tokenizer)', () => {
  // Else the base model could never continue the demo prompt into the answers it was taught: the
  // tokenizer merges ">\n" into one token, so an answer starting "\n" after "<think>" is unreachable.
  const tok = loadTokenizer(join(REPO_ROOT, 'models', 'demo-base'), 'model');
  let checked = 0;
  // Documents as generated (not split on blank lines: an answer may start with one).
  let n = 0;
  for (const { text: doc } of corpusDocuments({ seed: 0 })) {
    if (++n > 3000) break;
    const at = doc.indexOf('Assistant: <think>');
    if (at < 0 || !doc.startsWith('A conversation between User and Assistant.')) continue;
    const prompt = doc.slice(0, at + 'Assistant: <think>'.length);
    const ids = tok.encode(doc, { addSpecialTokens: false });
    const head = tok.encode(prompt, { addSpecialTokens: false });
    assert.deepEqual(ids.slice(0, head.length), head, `the prompt is not a token prefix of: ${doc.slice(at, at + 80)}`);
    checked++;
  }
  assert.ok(checked > 100, `${checked} prompted documents checked`);
});

test('corpus: the shares of prompted and R1-template answers are the ones the generator declares', () => {
  // Counted by content, per section, over the documents the generator yields.
  const R1 = new RegExp(`Assistant: <think> ${NO_TAG} </think> <answer> ${NO_TAG} </answer>$`);
  const count = { math: [0, 0, 0], code: [0, 0, 0], mcq: [0, 0, 0] } as Record<string, [number, number, number]>;
  let n = 0;
  for (const d of corpusDocuments({ seed: 0 })) {
    const c = count[d.section];
    if (!c) continue;
    c[0]++;
    if (/Assistant: <think>/.test(d.text)) {
      c[1]++;
      if (R1.test(d.text)) c[2]++;
    }
    if (++n === 40_000) break;
  }
  for (const [s, [docs, prompted, closed]] of Object.entries(count)) {
    assert.ok(Math.abs(prompted / docs - PROMPTED) < 0.03, `${s}: prompted ${(prompted / docs).toFixed(3)}`);
    const want = PROMPTED_CLOSED[s as keyof typeof PROMPTED_CLOSED];
    assert.ok(Math.abs(closed / prompted - want) < 0.04, `${s}: R1 share ${(closed / prompted).toFixed(3)} vs ${want}`);
  }
});

test('corpus: no train, validation or test item text — math problems, MCQ questions, code prompts and function names', () => {
  const math = mathLiteItems();
  for (const e of [...math.test, ...math.train, ...math.validation])
    assert.ok(!BIG.includes(e.problem), `math ${e.id}: ${e.problem}`);
  const mcq = mcqLiteItems();
  for (const e of [...mcq.test, ...mcq.train, ...mcq.validation])
    assert.ok(!BIG.includes(e.question), `mcq ${e.id}: ${e.question}`);
  const code = codeLitePool();
  for (const e of [...code.test, ...code.train, ...code.validation]) {
    assert.ok(!BIG.includes(e.prompt), `code ${e.id}: prompt`);
    assert.ok(!BIG.includes(`def ${e.entry_point}(`), `code ${e.id}: its definition is in the corpus`);
  }
  // stricter for train and test: the function's name is never even mentioned (a validation
  // function may be called 'absolute', a word docstrings use)
  for (const e of [...code.test, ...code.train])
    assert.ok(!new RegExp(`\\b${e.entry_point}\\b`).test(BIG), `code ${e.id}: its name is in the corpus`);
});

test('corpus: states every fact of the world, in more than one sentence form', () => {
  const w = getWorld();
  const missing: string[] = [];
  let forms = 0;
  for (const f of w.facts) {
    const found = STATEMENTS[f.attribute].filter((s) => BIG.includes(s(f.subject, f.value)));
    if (found.length === 0) missing.push(f.id);
    forms += found.length;
  }
  assert.deepEqual(missing, []);
  assert.ok(forms / w.facts.length >= 2, `${(forms / w.facts.length).toFixed(2)} forms per fact`);
});

test("corpus: plain Q/A style with the paper templates' instruction wording, every section present", () => {
  for (const s of [
    'A conversation between User and Assistant.',
    'The user asks a question, and the Assistant solves it.',
    'Complete the function based on the given docstring.',
    'The following is a multiple choice question about geography.',
    'The following is a multiple choice question about people.',
    'The following is a multiple choice question about animals.',
    'Think step by step and then finish your answer with',
    'The answer is \\boxed{',
    '```python\ndef ',
    '\nOptions:\nA. ',
    '\nAnswer: ',
  ])
    assert.ok(BIG.includes(s), s);
  assert.match(BIG, /\nA: \d+ [-+*/] \d+ = \d+(, \d+ [-+*/] \d+ = \d+)*\. The answer is \d+\./);
  // character shares follow the mix (±3 points)
  const chars = Object.fromEntries(CORPUS_SECTIONS.map((s) => [s, 0])) as Record<string, number>;
  let total = 0;
  for (const d of corpusDocuments({ seed: 0 })) {
    chars[d.section]! += d.text.length;
    total += d.text.length;
    if (total > 1_000_000) break;
  }
  for (const s of CORPUS_SECTIONS)
    assert.ok(Math.abs(chars[s]! / total - DEFAULT_MIX[s]) < 0.03, `${s}: ${(chars[s]! / total).toFixed(3)}`);
});

test('corpus: mix option and errors', () => {
  let n = 0;
  for (const d of corpusDocuments({ mix: { math: 1, code: 0, facts: 0, mcq: 0, filler: 0 } })) {
    assert.equal(d.section, 'math');
    if (++n === 200) break;
  }
  assert.throws(() => buildCorpus({ chars: 0 }), /chars must be a positive integer/);
  assert.throws(() => buildCorpus({ chars: 10, mix: { math: -1 } }), /corpus mix 'math' must be a non-negative number/);
  assert.throws(() => buildCorpus({ chars: 10, mix: { poetry: 1 } as never }), /unknown corpus section 'poetry'/);
  assert.throws(
    () => buildCorpus({ chars: 10, mix: { math: 0, code: 0, facts: 0, mcq: 0, filler: 0 } }),
    /at least one section/,
  );
});

test("corpus: no K&K puzzle of the demo's warmup or of the held-out evaluation is among the corpus's K&K quizzes", async () => {
  // The demo's warmup puzzles as `kk generate` makes them from configs/demo.yaml, and the held-out
  // evaluation puzzles (kk:3 and kk:4, 100 each), compared by quiz text with the corpus's stream.
  const demo = parse(readFileSync(join(REPO_ROOT, 'configs', 'demo.yaml'), 'utf8'));
  const sizes = String(demo.kk.people).split(',').map(Number);
  const warmup = new Set(
    sizes.flatMap((people) =>
      [...generateRows({ people, count: demo.kk.per_size, seed: demo.kk.seed })].map((r) => r.quiz),
    ),
  );
  const heldOut = new Set((await kkHeldOutSet({ sizes: [3, 4], perSize: 100 })).examples.map((e) => e.quiz));
  assert.equal(warmup.size, demo.kk.per_size * sizes.length);
  let n = 0;
  for (const doc of kkCorpusDocuments(0)) {
    const quiz = doc.slice(0, doc.lastIndexOf('\nAnswer: '));
    assert.ok(!warmup.has(quiz), `a warmup puzzle is in the corpus: ${quiz.slice(0, 80)}`);
    assert.ok(!heldOut.has(quiz), `a held-out puzzle is in the corpus: ${quiz.slice(0, 80)}`);
    assert.doesNotMatch(doc, /<\/?(think|answer)>/);
    // the stream the script uses: about 10 % of a 6 M-character corpus is some 2,000 quizzes
    if (++n === 2500) break;
  }
  assert.equal(n, 2500);
});
