// evalplus's time limits: each test input may take max(4 s, 4 × the reference solution's time on
// it) (the reference is timed in the same sandbox, so Pyodide's slowdown cancels out); the whole
// sample is capped at 60 s of test-input time. Module execution of the program (its top level)
// gets the largest input limit of its test set. A step layout numbers, per test set, one step for
// executing the program and one per input.

export interface TimeLimitOptions {
  /** Floor of a per-input limit, ms (default 4000). */
  minTimeLimitMs?: number;
  /** Multiple of the reference time (default 4). */
  timeLimitFactor?: number;
  /** Cap on the sum of per-input limits of a sample, ms (default 60000). */
  sampleCapMs?: number;
}

export const DEFAULT_MIN_TIME_LIMIT_MS = 4000;
export const DEFAULT_TIME_LIMIT_FACTOR = 4;
export const DEFAULT_SAMPLE_CAP_MS = 60_000;

export function inputLimitsMs(referenceTimesS: readonly number[], o: TimeLimitOptions = {}): number[] {
  const min = o.minTimeLimitMs ?? DEFAULT_MIN_TIME_LIMIT_MS;
  const factor = o.timeLimitFactor ?? DEFAULT_TIME_LIMIT_FACTOR;
  return referenceTimesS.map((t) => Math.max(min, factor * t * 1000));
}

export interface PhaseLayout {
  name: string;
  /** Step index of executing the program for this test set; inputs follow at firstStep + 1 + i. */
  firstStep: number;
  count: number;
}

export interface StepPlan {
  phases: PhaseLayout[];
  stepLimitsMs: number[];
  totalLimitMs: number;
}

/** Steps and limits for running `phases` (name → reference times in seconds) in order. */
export function planSteps(
  phases: readonly { name: string; timesS: readonly number[] }[],
  o: TimeLimitOptions = {},
): StepPlan {
  const min = o.minTimeLimitMs ?? DEFAULT_MIN_TIME_LIMIT_MS;
  const cap = o.sampleCapMs ?? DEFAULT_SAMPLE_CAP_MS;
  const layout: PhaseLayout[] = [];
  const steps: number[] = [];
  let inputSum = 0;
  let execSum = 0;
  for (const ph of phases) {
    const limits = inputLimitsMs(ph.timesS, o);
    const exec = Math.max(min, ...limits);
    layout.push({ name: ph.name, firstStep: steps.length, count: limits.length });
    steps.push(exec, ...limits);
    inputSum += limits.reduce((a, b) => a + b, 0);
    execSum += exec;
  }
  // Test inputs share the sample cap; executing the program is allowed on top of it.
  return { phases: layout, stepLimitsMs: steps, totalLimitMs: Math.min(cap, inputSum) + execSum };
}

/** Which test set and input a step index belongs to (input -1 = executing the program). */
export function locateStep(plan: StepPlan, step: number): { phase: string; input: number } | null {
  for (const ph of plan.phases) {
    if (step >= ph.firstStep && step <= ph.firstStep + ph.count)
      return { phase: ph.name, input: step - ph.firstStep - 1 };
  }
  return null;
}
