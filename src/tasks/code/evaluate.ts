// Judging one program against one problem in the sandbox.
//  - HumanEval+ (rows with base_input/plus_input): evalplus semantics — expected outputs from the
//    reference solution (cached), per-input limits max(4 s, 4 × reference time), exact comparison
//    or allclose with the task's atol; pass = base ∧ plus.
//  - HumanEval (rows with only `test`): the program, the test code and check(entry_point), limited
//    to max(4 s, 4 × the reference solution's time on the same test).
import type { SandboxPool, SandboxResult } from '../../sandbox/index.js';
import { EVALPLUS_DRIVER } from './evalplus-driver.js';
import { evalplusRules } from './evalplus-rules.js';
import { type GroundTruthOptions, groundTruth } from './ground-truth.js';
import { HUMANEVAL_DRIVER } from './humaneval-driver.js';
import { locateStep, planSteps, type StepPlan, type TimeLimitOptions } from './limits.js';
import { type CodeProblem, hasEvalplusInputs, ReferenceSolutionError, referenceProgram } from './problem.js';

export type CodeStatus = 'pass' | 'fail' | 'timeout' | 'error';

/** How one test set went; 'skipped' = not run because an earlier one failed and stopAfterBaseFailure was set. */
export type PhaseStatus = CodeStatus | 'skipped';

export interface CodeVerdict {
  base_passed: boolean;
  /** null for plain HumanEval (no plus tests). */
  plus_passed: boolean | null;
  passed: boolean;
  /** pass, or how the first test set that did not pass went: fail (wrong output or an exception on
   *  a test input), timeout (a limit was overrun), error (the program does not compile, raises at
   *  its top level, lacks the entry point, or crashed the interpreter). */
  status: CodeStatus;
  base_status: PhaseStatus;
  plus_status: PhaseStatus | null;
  /** Human-readable reason ('' when passed). */
  detail: string;
  /** Set when the problem's reference solution itself failed (status 'error', nothing was judged). */
  reference_error?: string;
}

export interface CheckOptions extends TimeLimitOptions, GroundTruthOptions {
  /** Skip the plus tests once the base tests failed (rewards only need pass/fail). Default false. */
  stopAfterBaseFailure?: boolean;
  /** Outputs must be built from built-in types only (default true; see docs/sandbox.md). */
  strictOutputTypes?: boolean;
}

interface PhaseResult {
  status: CodeStatus;
  detail: string;
}

const enc = new TextEncoder();

function describeStep(plan: StepPlan, step: number, counts: Record<string, number>): { phase: string; where: string } {
  const loc = locateStep(plan, step);
  if (!loc) return { phase: plan.phases[0]!.name, where: 'before the tests started' };
  const where = loc.input < 0 ? 'executing the program' : `input ${loc.input + 1} of ${counts[loc.phase]}`;
  return { phase: loc.phase, where };
}

/** Runs the named test sets of a HumanEval+ problem in one fresh interpreter. */
async function runPhases(
  pool: SandboxPool,
  p: CodeProblem,
  program: string,
  names: ('base' | 'plus')[],
  times: { base: number[]; plus: number[] },
  expected: Uint8Array,
  o: CheckOptions,
): Promise<Map<string, PhaseResult>> {
  const plan = planSteps(
    names.map((name) => ({ name, timesS: times[name] })),
    o,
  );
  const inputs = { base: p.base_input_json!, plus: p.plus_input_json! };
  const counts = { base: p.n_base, plus: p.n_plus };
  const r: SandboxResult = await pool.run({
    driver: EVALPLUS_DRIVER,
    program,
    payload: {
      mode: 'check',
      entry_point: p.entry_point,
      phases: names,
      atol: p.atol,
      ...evalplusRules(p.task_id, p.entry_point),
      strict: o.strictOutputTypes ?? true,
      stop_on_fail: o.stopAfterBaseFailure ?? false,
    },
    blobs: [...names.map((n) => enc.encode(inputs[n])), expected],
    stepLimitsMs: plan.stepLimitsMs,
    totalLimitMs: plan.totalLimitMs,
  });
  const results = new Map<string, PhaseResult>();
  const out = r.outcome;
  if (out.kind === 'done') {
    const phases = out.result.phases as Record<string, { status: CodeStatus; index: number | null; detail: string }>;
    for (const [name, ph] of Object.entries(phases)) results.set(name, { status: ph.status, detail: ph.detail });
    return results;
  }
  if (out.kind === 'driver_error') {
    results.set(names[0]!, { status: 'error', detail: `the checker failed: ${out.message}` });
    return results;
  }
  // Timeout or crash: the interpreter's report is lost; the mark tells how the earlier test sets went.
  const { phase, where } = describeStep(plan, out.step, counts);
  for (const [k, name] of names.entries()) {
    if (name === phase) break;
    if (((out.mark >> (2 * k)) & 1) === 1) {
      const passed = ((out.mark >> (2 * k + 1)) & 1) === 1;
      results.set(name, {
        status: passed ? 'pass' : 'fail',
        detail: passed ? '' : 'failed (details lost when a later test set was stopped)',
      });
    }
  }
  if (out.kind === 'timeout') {
    const detail =
      out.scope === 'total'
        ? `the sample exceeded its ${Math.round(out.limitMs)} ms cap (${where})`
        : out.scope === 'setup'
          ? `the interpreter did not start within ${out.limitMs} ms`
          : `${where} exceeded its ${Math.round(out.limitMs)} ms limit`;
    results.set(phase, { status: 'timeout', detail });
  } else {
    results.set(phase, { status: 'error', detail: `${where}: the interpreter crashed (${out.message})` });
  }
  return results;
}

function combine(base: PhaseResult, plus: PhaseResult | null, hasPlus: boolean): CodeVerdict {
  const basePassed = base.status === 'pass';
  const plusPassed = hasPlus ? plus?.status === 'pass' : null;
  const firstBad = !basePassed ? ['base', base] : hasPlus && !plusPassed ? ['plus', plus] : null;
  const bad = firstBad?.[1] as PhaseResult | null | undefined;
  return {
    base_passed: basePassed,
    plus_passed: plusPassed,
    passed: basePassed && (plusPassed ?? true),
    status: bad ? bad.status : 'pass',
    base_status: base.status,
    plus_status: hasPlus ? (plus?.status ?? 'skipped') : null,
    detail: bad ? `${firstBad![0]}: ${bad.detail}` : '',
  };
}

/** Judges `program` (a full Python program) on a HumanEval+ problem with evalplus semantics. */
export async function checkEvalplus(
  pool: SandboxPool,
  p: CodeProblem,
  program: string,
  o: CheckOptions = {},
): Promise<CodeVerdict> {
  const gt = await groundTruth(pool, p, o);
  const results = await runPhases(pool, p, program, ['base', 'plus'], gt.times, gt.expected, o);
  const base = results.get('base') ?? { status: 'error' as const, detail: 'no result' };
  let plus = results.get('plus') ?? null;
  if (!plus && !o.stopAfterBaseFailure) {
    // The base run was stopped (timeout or crash) before the plus tests: run them on their own, as
    // evalplus runs the two test sets in separate processes.
    plus = (await runPhases(pool, p, program, ['plus'], gt.times, gt.expected, o)).get('plus') ?? null;
  }
  return combine(base, plus, true);
}

const humanEvalTimes = new Map<string, Promise<number>>();

/** Seconds the reference solution takes on the problem's own test (cached per process). */
function humanEvalReferenceTime(pool: SandboxPool, p: CodeProblem): Promise<number> {
  const key = `${p.task_id}\0${p.prompt}\0${p.canonical_solution}\0${p.test}`;
  let t = humanEvalTimes.get(key);
  if (!t) {
    t = (async () => {
      const r = await pool.run({
        driver: HUMANEVAL_DRIVER,
        program: referenceProgram(p),
        payload: { mode: 'record', entry_point: p.entry_point, test: p.test! },
        stepLimitsMs: [],
        totalLimitMs: 600_000,
      });
      const out = r.outcome;
      if (out.kind !== 'done' || out.result.status !== 'pass') {
        const why =
          out.kind === 'done' ? String(out.result.detail) : out.kind === 'timeout' ? 'timed out' : out.message;
        throw new ReferenceSolutionError(p.task_id, `it does not pass its own test: ${why}`);
      }
      return out.result.time as number;
    })();
    humanEvalTimes.set(key, t);
    t.catch(() => humanEvalTimes.delete(key));
  }
  return t;
}

/** Judges `program` on a plain HumanEval problem: its `test` code and check(entry_point). */
export async function checkHumanEvalTest(
  pool: SandboxPool,
  p: CodeProblem,
  program: string,
  o: CheckOptions = {},
): Promise<CodeVerdict> {
  if (p.test === null) throw new Error(`${p.task_id}: the problem has no test`);
  const refS = await humanEvalReferenceTime(pool, p);
  const plan = planSteps([{ name: 'base', timesS: [refS] }], o);
  const limit = plan.stepLimitsMs[1]!;
  const r = await pool.run({
    driver: HUMANEVAL_DRIVER,
    program,
    payload: { mode: 'check', entry_point: p.entry_point, test: p.test },
    stepLimitsMs: [limit],
    totalLimitMs: limit,
  });
  const out = r.outcome;
  let base: PhaseResult;
  if (out.kind === 'done') base = { status: out.result.status as CodeStatus, detail: String(out.result.detail) };
  else if (out.kind === 'timeout')
    base = { status: 'timeout', detail: `the test run exceeded its ${Math.round(limit)} ms limit` };
  else if (out.kind === 'crash') base = { status: 'error', detail: `the interpreter crashed (${out.message})` };
  else base = { status: 'error', detail: `the checker failed: ${out.message}` };
  return combine(base, null, false);
}

/**
 * HumanEval+ / MBPP+ semantics when the problem has base/plus inputs, else HumanEval's test
 * program. A problem whose reference solution fails gives an 'error' verdict carrying
 * reference_error, so one broken row does not stop a run over many.
 */
export async function checkProgram(
  pool: SandboxPool,
  p: CodeProblem,
  program: string,
  o: CheckOptions = {},
): Promise<CodeVerdict> {
  try {
    return await (hasEvalplusInputs(p) ? checkEvalplus(pool, p, program, o) : checkHumanEvalTest(pool, p, program, o));
  } catch (e) {
    if (!(e instanceof ReferenceSolutionError)) throw e;
    return {
      base_passed: false,
      plus_passed: hasEvalplusInputs(p) ? false : null,
      passed: false,
      status: 'error',
      base_status: 'skipped',
      plus_status: hasEvalplusInputs(p) ? 'skipped' : null,
      detail: `not judged: ${e.message}`,
      reference_error: e.message,
    };
  }
}
