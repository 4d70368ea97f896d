// MBPP+ rows with evalplus's semantics, built here in MbppPlus.jsonl's row format (no copy of the
// dataset ships). For every input-decoding rule: a program that checks it received the decoded
// Python values passes, and the same program reading the inputs as raw JSON fails. For the MBPP
// special oracles: the reference passes, an answer only the oracle accepts passes, a wrong one
// fails. Rows whose reference solution fails are that row's error and the run goes on. Everything
// runs through `kindling verify code` (the real sandbox), then through evalplus itself (the peer in
// .venv) on the same rows: the statuses must agree.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { REPO_ROOT } from '../../../src/paths.js';
import { createMbppPlusTask, type InputRule, MBPP_RULE_EXAMPLES } from '../../../src/tasks/code/index.js';
import { kindlingAsync } from '../../cli/run.js';
import { tinyModelDir } from '../../eval/helpers.js';
import { PYTHON } from '../../peers.js';

const dir = mkdtempSync(join(tmpdir(), 'kindling-mbppplus-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Row {
  id: string;
  row: Record<string, unknown>;
  completion: string;
  /** Expected verdict: pass, fail, or not judged (the reference fails). */
  want: 'pass' | 'fail' | 'reference_error';
}

const PROMPT = (text: string) => `"""\n${text}\n"""\n`;
const mbppRow = (n: number, entry: string, canonical: string, base: unknown[][], plus: unknown[][], atol = 0) => ({
  task_id: `Mbpp/${n}`,
  prompt: PROMPT(`Mbpp/${n}-shaped test row`),
  entry_point: entry,
  canonical_solution: canonical,
  base_input: base,
  plus_input: plus,
  atol,
  contract: '',
  assertion: '',
});

// One stored input per rule and the arguments evalplus builds from it (as repr shows them).
const RULE_CASES: Record<InputRule, { stored: unknown[]; args: string }> = {
  tuple_args: {
    stored: [
      [1, 2],
      [3, 4],
    ],
    args: '((1, 2), (3, 4))',
  },
  tuple_items: {
    stored: [
      [
        [1, 2],
        [3, 4],
      ],
    ],
    args: '([(1, 2), (3, 4)],)',
  },
  tuple_items_of_first: { stored: [[[1, 2], [3]], 5], args: '([(1, 2), (3,)], 5)' },
  tuple_second: {
    stored: [
      [1, 2],
      [3, 4],
    ],
    args: '([1, 2], (3, 4))',
  },
  sets_of_first: { stored: [[[1, 2], [], 7]], args: '([{1, 2}, {}, {}],)' },
  float_complex: { stored: ['1.5', '(1+2j)'], args: '(1.5, (1+2j))' },
  tuple_first: { stored: [[1, 2], 3], args: '((1, 2), 3)' },
  tuple_items_then_args: {
    stored: [
      [
        [1, 2],
        [3, 4],
      ],
      [[5, 6]],
    ],
    args: '(((1, 2), (3, 4)), ((5, 6),))',
  },
  tuple_list_items_then_first: { stored: [[1, [2, 3], 4]], args: '((1, (2, 3), 4),)' },
  tuple_first_of_three: { stored: [[1, 2], 3, 4], args: '((1, 2), 3, 4)' },
  dict_values_tuple: { stored: [{ a: [1, 2] }, 3, 4], args: "({'a': (1, 2)}, 3, 4)" },
  complex_first: { stored: ['(1+2j)'], args: '((1+2j),)' },
  all_tuples: { stored: [[1, [2, 3]], 4], args: '((1, (2, 3)), 4)' },
};

const rows: Row[] = [];
for (const { rule, taskNumber } of MBPP_RULE_EXAMPLES) {
  const c = RULE_CASES[rule];
  // The reference refuses anything but the decoded arguments, so it passes only if they were decoded.
  const canonical = `def f(*args):\n    assert repr(args) == ${JSON.stringify(c.args)}, repr(args)\n    return repr(args)\n`;
  const row = mbppRow(taskNumber, 'f', canonical, [c.stored], [c.stored]);
  rows.push({ id: `${rule}/canonical`, row, completion: `${row.prompt}${canonical}`, want: 'pass' });
  // The mutant treats the inputs as the JSON they were stored as: tuples, sets and complex numbers
  // do not survive the round trip (or cannot be written at all), so its output differs.
  const mutant = 'import json\ndef f(*args):\n    return repr(tuple(json.loads(json.dumps(list(args)))))\n';
  rows.push({ id: `${rule}/raw-json`, row, completion: mutant, want: 'fail' });
}

// The MBPP oracles, keyed by entry point: [reference, accepted only by the oracle, wrong].
const ORACLES: { n: number; entry: string; ref: string; oracleOnly: string; wrong: string; inputs: unknown[][] }[] = [
  {
    n: 7,
    entry: 'find_char_long',
    ref: 'def find_char_long(text):\n    return [w for w in text.split() if len(w) >= 4]\n',
    oracleOnly: 'def find_char_long(text):\n    return [w for w in reversed(text.split()) if len(w) >= 4]\n',
    wrong: 'def find_char_long(text):\n    return [w for w in text.split() if len(w) > 4]\n',
    inputs: [['Please move back to stream']],
  },
  {
    n: 787,
    entry: 'text_match_three',
    ref: "import re\ndef text_match_three(text):\n    return re.search('ab{3}', text)\n",
    oracleOnly: "import re\ndef text_match_three(text):\n    return re.search('b{3}', text)\n",
    wrong: 'def text_match_three(text):\n    return None\n',
    inputs: [['abbbba'], ['ac']],
  },
  {
    n: 295,
    entry: 'sum_div',
    ref: 'def sum_div(n):\n    return sum(i for i in range(1, n) if n % i == 0)\n',
    oracleOnly: 'def sum_div(n):\n    return 0\n',
    wrong: 'def sum_div(n):\n    return 1\n',
    inputs: [[8]],
  },
  {
    n: 164,
    entry: 'are_equivalent',
    ref: 'def are_equivalent(a, b):\n    return a == b\n',
    oracleOnly: 'def are_equivalent(a, b):\n    return None\n',
    wrong: 'def are_equivalent(a, b):\n    raise ValueError(a)\n',
    inputs: [[1, 2]],
  },
  {
    n: 581,
    entry: 'surface_Area',
    ref: 'def surface_Area(b, s):\n    return 2 * b * s + b * b\n',
    oracleOnly: 'def surface_Area(b, s):\n    return 35\n',
    wrong: 'def surface_Area(b, s):\n    return 34\n',
    inputs: [[3, 4]],
  },
  {
    n: 558,
    entry: 'digit_distance_nums',
    ref: 'def digit_distance_nums(x, y):\n    return sum(abs(int(a) - int(b)) for a, b in zip(str(x), str(y)))\n',
    oracleOnly: 'def digit_distance_nums(x, y):\n    return 7\n',
    wrong: 'def digit_distance_nums(x, y):\n    return 6\n',
    inputs: [[123, 56]],
  },
];
for (const o of ORACLES) {
  const row = mbppRow(o.n, o.entry, o.ref, o.inputs, o.inputs);
  rows.push({ id: `${o.entry}/reference`, row, completion: `${row.prompt}${o.ref}`, want: 'pass' });
  rows.push({ id: `${o.entry}/oracle-only`, row, completion: o.oracleOnly, want: 'pass' });
  rows.push({ id: `${o.entry}/wrong`, row, completion: o.wrong, want: 'fail' });
}

// Reference failures: the issue's case (a stored string where the reference needs a number) and an
// input the task's decoding rule cannot rebuild. Neither stops the run.
const sqrtRow = mbppRow(9001, 'root', 'import math\ndef root(x):\n    return math.sqrt(x)\n', [['4']], [['9']]);
rows.push({
  id: 'reference/raises',
  row: sqrtRow,
  completion: 'def root(x):\n    return 2\n',
  want: 'reference_error',
});
const badComplex = mbppRow(124, 'f', 'def f(a, b):\n    return a\n', [['abc', '1j']], [['1', '1j']]);
rows.push({
  id: 'reference/undecodable',
  row: badComplex,
  completion: 'def f(a, b):\n    return a\n',
  want: 'reference_error',
});

function runEvalplus(input: string): Promise<Record<string, Record<string, string>>> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [join(REPO_ROOT, 'test', 'peers', 'evalplus_judge.py'), '4'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err = (err + d).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`evalplus peer: ${err}`))));
    child.stdin.end(input);
  });
}

type Verdict = { passed: boolean; base_status: string; plus_status: string; reference_error?: string };
let ours: Map<string, Verdict>;

test('mbppplus: verify code decodes inputs per rule, applies the MBPP oracles, records reference failures', async () => {
  const file = join(dir, 'rows.jsonl');
  writeFileSync(
    file,
    `${rows.map((r) => JSON.stringify({ ...r.row, id: r.id, completion: r.completion })).join('\n')}\n`,
  );
  const r = await kindlingAsync(['verify', 'code', '--in', file, '--cache-dir', join(dir, 'cache'), '--no-progress']);
  assert.equal(r.status, 0, r.stderr);
  ours = new Map(
    r.stdout
      .trim()
      .split('\n')
      .map((l) => {
        const j = JSON.parse(l);
        return [j.id as string, j as Verdict];
      }),
  );
  const got = rows.map((x) => {
    const v = ours.get(x.id)!;
    return `${x.id}: ${v.reference_error !== undefined ? 'reference_error' : v.passed ? 'pass' : 'fail'}`;
  });
  assert.deepEqual(
    got,
    rows.map((x) => `${x.id}: ${x.want}`),
  );
  // The issue's message, on that row only; both broken rows are counted in the summary line.
  assert.match(ours.get('reference/raises')!.reference_error!, /TypeError: must be real number, not str/);
  assert.match(ours.get('reference/undecodable')!.reference_error!, /input rule float_complex/);
  assert.equal(ours.get('reference/raises')!.base_status, 'skipped');
  assert.match(r.stderr, /rows\.jsonl:\d+: Mbpp\/9001: running the canonical solution failed/);
  assert.match(r.stderr, /verify code: 25\/44 judged rows passed; 2 rows not judged: the reference solution failed/);
  // --no-progress: only the reference-failure notes and the summary line are on stderr.
  assert.deepEqual(
    r.stderr
      .trim()
      .split('\n')
      .filter((l) => !/running the canonical solution failed/.test(l)),
    [r.stderr.trim().split('\n').at(-1)],
  );
});

test('mbppplus: evalplus itself gives the same verdicts on the same rows', async (t) => {
  if (!existsSync(PYTHON)) return t.skip(`${PYTHON} is missing (bash scripts/setup.sh --peers installs evalplus)`);
  assert.ok(ours, 'the verify code test ran first');
  const input = rows.map((r) => JSON.stringify({ ...r.row, id: r.id, solution: r.completion })).join('\n');
  const peer = await runEvalplus(input);
  const theirs = rows.map((r) => {
    const p = peer[r.id]!;
    return `${r.id}: ${p.reference_error ? 'reference_error' : `${p.base_status}/${p.plus_status}`}`;
  });
  const mine = rows.map((r) => {
    const v = ours.get(r.id)!;
    return `${r.id}: ${v.reference_error !== undefined ? 'reference_error' : `${v.base_status}/${v.plus_status}`}`;
  });
  assert.deepEqual(mine, theirs);
});

test('mbppplus: the eval task reads an MbppPlus.jsonl.gz release file given by path', async () => {
  const { gzipSync } = await import('node:zlib');
  const file = join(dir, 'MbppPlus.jsonl.gz');
  const picked = rows.filter((r) => r.id.endsWith('/canonical')).slice(0, 2);
  writeFileSync(file, gzipSync(`${picked.map((r) => JSON.stringify(r.row)).join('\n')}\n`));
  const task = createMbppPlusTask({ file });
  try {
    const all = await task.load('all');
    assert.deepEqual(
      all.map((p) => p.task_id),
      picked.map((r) => r.row.task_id),
    );
    const p = all[0]!;
    const fenced = '```python\n' + `${p.prompt}${p.canonical_solution}` + '\n```';
    const s = await task.score(`<think>x</think> <answer>${fenced}</answer>`, p);
    assert.equal(s.correct, true, s.reason);
  } finally {
    await task.close();
  }
  await assert.rejects(
    createMbppPlusTask({ file: join(dir, 'none.jsonl') }).load('all'),
    /MBPP\+ data: .*none\.jsonl: no such file \(evalplus release MbppPlus\.jsonl/,
  );
});

test('mbppplus: kindling eval runs the task from a file; a broken row is scored wrong and counted, the run goes on', async () => {
  const file = join(dir, 'eval-rows.jsonl');
  const good = rows.find((r) => r.id === 'tuple_args/canonical')!.row;
  writeFileSync(file, `${JSON.stringify(good)}\n${JSON.stringify(sqrtRow)}\n`);
  const model = tinyModelDir(dir, 'tiny', 3);
  const out = join(dir, 'eval');
  const r = await kindlingAsync([
    'eval',
    '--model',
    `tiny=${model}`,
    '--tasks',
    `mbppplus:${file}`,
    '--trials',
    '1',
    '--max-new-tokens',
    '4',
    '--out',
    out,
    '--no-progress',
  ]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stderr,
    /mbppplus:.*eval-rows\.jsonl: 1 example not judged \(the reference solution failed; .*\): Mbpp\/9001/,
  );
  assert.match(r.stdout, /tiny +mbppplus:/);
  const samples = (await import('node:fs')).readFileSync(join(out, 'samples.jsonl'), 'utf8').trim().split('\n');
  const reasons = samples.map((l) => JSON.parse(l)).map((x) => [x.example_id, x.score_reason.split(':')[0]]);
  assert.deepEqual(reasons.sort(), [
    ['Mbpp/2', reasons.find(([id]) => id === 'Mbpp/2')![1]],
    ['Mbpp/9001', 'reference_error'],
  ]);
  assert.notEqual(reasons.find(([id]) => id === 'Mbpp/2')![1], 'reference_error');
});
