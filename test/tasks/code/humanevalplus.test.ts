// HumanEval+ in the sandbox, on the real data: every canonical solution passes base + plus;
// mutants fail; and the same samples — canonical solutions, mutants of a fixed subset of tasks,
// and synthetic problems for evalplus's comparison rules (NaN/Infinity/big-integer inputs,
// tolerances, broadcasting, types) — get the same pass/fail from evalplus's own evaluator
// (PyPI evalplus in .venv, pointed at the same rows). Disagreements must be listed, with the
// reason, in fixtures/evalplus-differences.json.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { REPO_ROOT } from '../../../src/paths.js';
import { SandboxPool } from '../../../src/sandbox/index.js';
import { type CodeVerdict, checkEvalplus, loadHumanEvalPlus, referenceProgram } from '../../../src/tasks/code/index.js';
import { PYTHON } from '../../peers.js';
import { mutantsOf, type Sample, sample, syntheticSamples } from './samples.js';

const pool = new SandboxPool({ workers: 2 });
after(() => pool.close());
const problems = loadHumanEvalPlus();
const byId = new Map(problems.map((p) => [p.task_id, p]));

// CI time: seven tasks have extreme plus inputs that take ~90% of the reference solutions' time
// (measured: HumanEval/15, 139, 36, 130, 59, 94 and 83 ≈ 137 of 151 s in the sandbox); CI judges
// the other 157 canonical solutions and mutants of a fixed subset of 10 tasks. KINDLING_CODE_FULL=1
// runs every task for both; bench/humanevalplus.mjs times the full canonical run.
const FULL = Boolean(process.env.KINDLING_CODE_FULL);
const HEAVY = new Set([15, 36, 59, 83, 94, 130, 139].map((i) => `HumanEval/${i}`));
const MUTANT_TASKS = FULL
  ? problems.map((p) => p.task_id)
  : [0, 2, 21, 32, 45, 53, 108, 137, 148, 155].map((i) => `HumanEval/${i}`);
// Kinds judged with strictOutputTypes off: they return a non-built-in value on purpose, and the
// differential compares with evalplus, which accepts anything that compares equal.
const NOT_STRICT = new Set(['custom_eq', 'counter']);

const canonical = problems
  .filter((p) => FULL || !HEAVY.has(p.task_id))
  .map((p) => sample(p, 'canonical', referenceProgram(p)));
const mutants = MUTANT_TASKS.flatMap((id) => {
  const p = byId.get(id)!;
  return mutantsOf(p)
    .filter((m) => m.kind !== 'canonical')
    .map((m) => sample(p, m.kind, m.program));
});
const timeoutMutant = sample(
  byId.get('HumanEval/0')!,
  'infinite_loop',
  `${byId.get('HumanEval/0')!.prompt}    while True:\n        pass\n`,
);
const synthetic = syntheticSamples();
const all: Sample[] = [...canonical, ...mutants, timeoutMutant, ...synthetic];

// evalplus judges every sample once the sandbox is done (running both at once on two cores would
// only make wall-clock limits noisier).
function runEvalplus(samples: Sample[]): Promise<Record<string, { base_status: string; plus_status: string }>> {
  if (!existsSync(PYTHON))
    throw new Error(
      `${PYTHON} is missing: run \`bash scripts/setup.sh --peers\` (evalplus is the reference for this test)`,
    );
  const input = samples
    .map((s) => `${s.rowJson.slice(0, -1)}, "id": ${JSON.stringify(s.id)}, "solution": ${JSON.stringify(s.program)}}`)
    .join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [join(REPO_ROOT, 'test', 'peers', 'evalplus_judge.py'), '4'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' },
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
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`evalplus peer exited with ${code}: ${err}`));
      else resolve(JSON.parse(out));
    });
    child.stdin.end(input);
  });
}
const verdicts = new Map<string, Promise<CodeVerdict>>();
/**
 * Limits are wall-clock, as in evalplus: on a machine busier than when the reference solution was
 * timed, a correct program can overrun. A sample that times out is judged once more with 4× the
 * time (factor 16, floor 16 s): a program that is merely slowed down then passes, one that loops
 * still times out, so the assertions below stay about correctness.
 */
const judge = (s: Sample): Promise<CodeVerdict> => {
  let v = verdicts.get(s.id);
  if (!v) {
    const strictOutputTypes = !NOT_STRICT.has(s.kind);
    v = checkEvalplus(pool, s.problem, s.program, { strictOutputTypes }).then((first) =>
      first.status !== 'timeout' || s.kind === 'infinite_loop'
        ? first
        : checkEvalplus(pool, s.problem, s.program, { strictOutputTypes, timeLimitFactor: 16, minTimeLimitMs: 16_000 }),
    );
    verdicts.set(s.id, v);
  }
  return v;
};

test('humanevalplus: every canonical solution passes base + plus in the sandbox (all 164 with KINDLING_CODE_FULL=1)', async () => {
  assert.equal(problems.length, 164);
  assert.equal(canonical.length, FULL ? 164 : 157);
  const results = await Promise.all(canonical.map(async (s) => [s.id, await judge(s)] as const));
  const failed = results.filter(([, v]) => !v.passed).map(([id, v]) => `${id}: ${v.status} ${v.detail}`);
  assert.deepEqual(failed, []);
});

test('humanevalplus: mutants (return None, raise, off-by-one, stdin reads) fail on every task', async () => {
  const mustFail = mutants.filter((s) => ['return_none', 'raise', 'off_by_one', 'reads_stdin'].includes(s.kind));
  const results = await Promise.all(mustFail.map(async (s) => [s.id, await judge(s)] as const));
  const passed = results.filter(([, v]) => v.passed).map(([id]) => id);
  assert.deepEqual(passed, []);
  for (const [id, v] of results) {
    assert.equal(v.base_passed, false, id);
    assert.equal(v.plus_passed, false, `${id}: the plus tests run (and fail) too`);
  }
  // A swapped branch (the first `if` negated) changes behaviour on at least one input of these tasks.
  const swapped = mutants.filter((s) => s.kind === 'swapped_branch');
  assert.ok(swapped.length >= 3, `${swapped.length} swapped-branch mutants`);
  const swappedPassed = [];
  for (const s of swapped) if ((await judge(s)).passed) swappedPassed.push(s.id);
  assert.deepEqual(swappedPassed, []);
});

test('humanevalplus: an infinite loop times out on base and on plus, each in a fresh interpreter', async () => {
  const v = await judge(timeoutMutant);
  assert.equal(v.status, 'timeout');
  assert.equal(v.base_status, 'timeout');
  assert.equal(v.plus_status, 'timeout');
});

test('humanevalplus: strict output types reject non-built-in values that evalplus would accept', async () => {
  const custom = synthetic.filter((s) => NOT_STRICT.has(s.kind));
  assert.equal(custom.length, 2);
  for (const s of custom) {
    const strict = await checkEvalplus(pool, s.problem, s.program);
    assert.equal(strict.passed, false, s.id);
    assert.match(strict.detail, /not a built-in value/);
    assert.equal((await judge(s)).passed, true, `${s.id} passes without strict types, as under evalplus`);
  }
});

test('humanevalplus: pass/fail agrees with evalplus on canonical solutions, mutants and synthetic problems', async () => {
  const known: Record<string, string> = JSON.parse(
    readFileSync(join(REPO_ROOT, 'test', 'tasks', 'code', 'fixtures', 'evalplus-differences.json'), 'utf8'),
  );
  const ours = new Map<string, CodeVerdict>();
  for (const s of all) ours.set(s.id, await judge(s));
  const ref = await runEvalplus(all);
  const disagreements: string[] = [];
  const unexplained: string[] = [];
  let agreed = 0;
  for (const s of all) {
    const mine = ours.get(s.id)!;
    const theirs = ref[s.id];
    assert.ok(theirs, `evalplus judged ${s.id}`);
    const same =
      (mine.base_status === 'pass') === (theirs.base_status === 'pass') &&
      (mine.plus_status === 'pass') === (theirs.plus_status === 'pass');
    if (same) {
      agreed++;
      continue;
    }
    const line = `${s.id}: ours base=${mine.base_status} plus=${mine.plus_status}, evalplus base=${theirs.base_status} plus=${theirs.plus_status}`;
    disagreements.push(line);
    if (!known[s.problem.task_id]) unexplained.push(`${line} (${mine.detail})`);
  }
  assert.deepEqual(unexplained, [], 'every disagreement is documented in fixtures/evalplus-differences.json');
  // The documented difference is still real (evalplus still fails HumanEval/32's own solution).
  assert.equal(ref['HumanEval/32#canonical']?.plus_status, 'fail');
  assert.ok(agreed >= all.length - 20, `${agreed}/${all.length} agree`);
  console.log(
    `agreement with evalplus: ${agreed}/${all.length} samples; documented differences: ${disagreements.length}`,
  );
});
