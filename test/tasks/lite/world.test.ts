// The synthetic world and the items made from it: determinism, uniqueness, plausible distractors,
// train/test disjointness by construction, and a pinned fingerprint (the demo's base model was
// pretrained on this exact world, so a silent change would make its checkpoint meaningless).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import {
  ATTRIBUTES,
  buildCorpus,
  buildWorld,
  codeLitePool,
  FAMILIES,
  getWorld,
  LETTERS,
  LITE_WORLD_SEED,
  mathLiteItems,
  mcqLiteItems,
  splitFacts,
} from '../../../src/tasks/lite/index.js';
import { kindOf } from '../../../src/tasks/lite/world.js';

const sha = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex').slice(0, 16);

test('world: the same seed gives the same world; another seed another world', () => {
  const a = buildWorld(LITE_WORLD_SEED);
  const b = buildWorld(LITE_WORLD_SEED);
  assert.deepEqual(a, b);
  const c = buildWorld(LITE_WORLD_SEED + 1);
  assert.notDeepEqual(a.countries, c.countries);
  assert.equal(getWorld(), getWorld(), 'getWorld memoises');
});

test('world: names are unique across every kind and no name could pass for an answer letter', () => {
  const w = getWorld();
  const names = [
    ...w.countries.map((c) => c.name),
    ...w.cities,
    ...w.countries.map((c) => c.currency),
    ...w.countries.map((c) => c.language),
    ...w.animals.map((a) => a.name),
    ...w.people.map((p) => p.name),
  ];
  assert.equal(new Set(names.map((n) => n.toLowerCase())).size, names.length);
  for (const n of names) assert.match(n, /^[A-Za-z]{4,}( [A-Za-z]{4,})?$/, n);
  assert.equal(w.countries.length, 30);
  assert.equal(w.people.length, 120);
  assert.equal(w.animals.length, 40);
});

test('world: enough facts for 400+ distinct questions, each attribute with at least 10 values', () => {
  const w = getWorld();
  assert.ok(w.facts.length >= 400 + 100, `${w.facts.length} facts`);
  assert.equal(new Set(w.facts.map((f) => f.id)).size, w.facts.length);
  for (const a of ATTRIBUTES) assert.ok(new Set(w.domains[a]).size >= 10, `${a}: ${w.domains[a].length} values`);
  for (const f of w.facts) {
    assert.equal(f.kind, kindOf(f.attribute));
    assert.ok(w.domains[f.attribute].includes(f.value), `${f.id} = ${f.value} outside its domain`);
  }
  assert.throws(() => buildWorld(1, { countries: 5 }), /at least 10 countries/);
  assert.throws(() => buildWorld(1, { people: 0 }), /'people' must be a positive integer/);
});

test('mcq-lite items: 10 distinct options of the asked attribute, the gold one true, letters A–J', () => {
  const w = getWorld();
  const { train, test: testRows } = mcqLiteItems();
  const byId = new Map(w.facts.map((f) => [f.id, f]));
  for (const e of [...train, ...testRows]) {
    const f = byId.get(e.fact)!;
    assert.equal(e.options.length, 10);
    assert.equal(new Set(e.options).size, 10, e.id);
    for (const o of e.options) assert.ok(w.domains[f.attribute].includes(o), `${e.id}: '${o}' is not a ${f.attribute}`);
    assert.equal(e.options[e.answerIndex], f.value);
    assert.equal(e.answer, LETTERS[e.answerIndex]);
    assert.equal(e.category, { country: 'geography', person: 'people', animal: 'animals' }[f.kind]);
    assert.ok(e.question.includes(f.subject) && e.question.endsWith('?'));
  }
  // gold letters are spread over A–J (a model cannot win by always answering one letter)
  const counts = new Map<string, number>();
  for (const e of testRows) counts.set(e.answer, (counts.get(e.answer) ?? 0) + 1);
  assert.equal(counts.size, 10);
  assert.ok(Math.max(...counts.values()) <= 50, JSON.stringify([...counts]));
  // every attribute is asked about in the test split
  assert.equal(new Set(testRows.map((e) => e.attribute)).size, ATTRIBUTES.length);
});

test('splits are pairwise disjoint by content (test, train, validation): facts, math signatures and texts, code functions', () => {
  const facts = splitFacts(getWorld());
  const ids = (xs: { id: string }[]) => new Set(xs.map((x) => x.id));
  const disjoint = (a: Set<string>, b: Set<string>, what: string) => {
    for (const x of a) assert.ok(!b.has(x), `${what}: ${x} is in both`);
  };
  const pairs = <T>(o: Record<string, T>, each: (a: T, b: T, what: string) => void) => {
    const ks = Object.keys(o);
    for (let i = 0; i < ks.length; i++)
      for (let j = i + 1; j < ks.length; j++) each(o[ks[i]!]!, o[ks[j]!]!, `${ks[i]}/${ks[j]}`);
  };
  pairs({ test: facts.test, train: facts.train, validation: facts.validation, practice: facts.practice }, (a, b, w) =>
    disjoint(ids(a), ids(b), `facts ${w}`),
  );
  assert.equal(facts.validation.length, 50);

  const mcq = mcqLiteItems();
  pairs({ test: mcq.test, train: mcq.train, validation: mcq.validation }, (a, b, w) => {
    disjoint(ids(a), ids(b), `mcq ids ${w}`);
    disjoint(new Set(a.map((e) => e.question)), new Set(b.map((e) => e.question)), `mcq questions ${w}`);
  });

  const math = mathLiteItems();
  pairs({ test: math.test, train: math.train, validation: math.validation }, (a, b, w) => {
    disjoint(ids(a), ids(b), `math ids (= signatures) ${w}`);
    disjoint(new Set(a.map((e) => e.problem)), new Set(b.map((e) => e.problem)), `math problems ${w}`);
  });
  assert.equal(math.reserved.size, math.test.length + math.train.length + math.validation.length);

  const code = codeLitePool();
  pairs({ test: code.test, train: code.train, validation: code.validation }, (a, b, w) => {
    disjoint(ids(a), ids(b), `code ids ${w}`);
    disjoint(new Set(a.map((e) => e.prompt)), new Set(b.map((e) => e.prompt)), `code prompts ${w}`);
    disjoint(new Set(a.map((e) => e.entry_point)), new Set(b.map((e) => e.entry_point)), `code function names ${w}`);
  });
  const taskNames = new Set([...code.test, ...code.train, ...code.validation].map((e) => e.entry_point));
  for (const f of code.corpus) assert.ok(!taskNames.has(f.spec.name), `corpus function ${f.spec.name} is a task`);
});

test('items: counts, unique ids, the spread the demo needs', () => {
  const math = mathLiteItems();
  assert.equal(math.test.length, 300);
  assert.equal(math.train.length, 100);
  assert.equal(new Set(math.test.map((e) => e.id)).size, 300);
  for (const e of [...math.test, ...math.train]) {
    assert.match(e.answer, /^\d+$/);
    assert.ok(e.level >= 1 && e.level <= 3);
    assert.equal(e.solution.split(', ').length, e.level);
    assert.ok(e.solution.endsWith(`= ${e.answer}`), `${e.id}: ${e.solution} does not end in the answer`);
  }
  const levels = [1, 2, 3].map((l) => math.test.filter((e) => e.level === l).length);
  for (const n of levels) assert.ok(n >= 70, `ops spread ${levels}`);

  const code = codeLitePool();
  assert.equal(code.test.length, 300);
  assert.equal(code.train.length, 100);
  const taskFunctions = FAMILIES.filter((f) => !f.corpusOnly).reduce((a, f) => a + f.params.length, 0);
  assert.ok(taskFunctions >= 400, `${taskFunctions} distinct code tasks`);
  assert.ok(code.corpus.length >= 100, `${code.corpus.length} corpus functions`);
  assert.deepEqual(new Set(code.test.map((e) => e.group)), new Set(['int', 'list', 'str']));
  for (const e of code.test) {
    assert.equal(e.id, `CodeLite/${e.entry_point}`);
    assert.ok(e.prompt.startsWith(`def ${e.entry_point}(`) && e.prompt.endsWith('    """\n'));
    assert.equal(JSON.parse(e.base_input_json!).length, e.n_base);
    assert.equal(JSON.parse(e.plus_input_json!).length, e.n_plus);
  }
});

test('items are a pure function of the seed, and the seed matters', () => {
  assert.notDeepEqual(mathLiteItems(7).test.slice(0, 5), mathLiteItems(LITE_WORLD_SEED).test.slice(0, 5));
  assert.notDeepEqual(mcqLiteItems(7).test.slice(0, 5), mcqLiteItems(LITE_WORLD_SEED).test.slice(0, 5));
  assert.notDeepEqual(
    codeLitePool(7).test.map((e) => e.id),
    codeLitePool(LITE_WORLD_SEED).test.map((e) => e.id),
  );
});

test('pinned: the default world and items (the shipped demo checkpoint was pretrained on them)', () => {
  // If you change the generators on purpose, re-pretrain the demo model and update these values.
  const w = getWorld();
  const print = {
    world: sha([w.countries, w.people, w.animals]),
    math: sha(mathLiteItems().test.concat(mathLiteItems().train)),
    code: sha(codeLitePool().test.concat(codeLitePool().train)),
    mcq: sha(mcqLiteItems().test.concat(mcqLiteItems().train)),
    validation: sha([mathLiteItems().validation, codeLitePool().validation, mcqLiteItems().validation]),
    corpus: sha(buildCorpus({ seed: 0, chars: 100_000 })),
  };
  assert.deepEqual(print, PINNED);
});

const PINNED = {
  world: '5d359fea83732120',
  math: '62decfe9cd892a00',
  code: 'b7fb6e17113dd408',
  mcq: 'b628341d773a275b',
  validation: 'b54a2d062e392978',
  corpus: '5a2c149634a9f5bb',
};
