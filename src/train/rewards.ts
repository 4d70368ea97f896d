// Reward functions for RLVR: the task's own reward plus any others, weighted, run concurrently.
// A function that throws or outlives its time limit is reported and counts as `onError` (the
// lowest reward), so a bad verifier never kills a run.
import type { Example, Reward } from '../tasks/types.js';

export type RewardFn = (completion: string, example: Example) => Reward | number | Promise<Reward | number>;

export interface NamedReward {
  name: string;
  fn: RewardFn;
  weight: number;
}

export interface RewardFailure {
  name: string;
  index: number;
  message: string;
}

export interface ScoredBatch {
  /** Weighted sum per completion. */
  total: number[];
  /** Raw score per function per completion. */
  perFunction: Record<string, number[]>;
  /** The first function's reason per completion (the task's reason codes). */
  reasons: string[];
  failures: RewardFailure[];
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
    }),
  ]);
}

export async function scoreCompletions(
  items: readonly { completion: string; example: Example }[],
  fns: readonly NamedReward[],
  o: { timeoutSeconds: number; onError: number },
): Promise<ScoredBatch> {
  const perFunction: Record<string, number[]> = {};
  const reasons: string[] = items.map(() => '');
  const failures: RewardFailure[] = [];
  await Promise.all(
    fns.map(async (f, fi) => {
      const scores = await Promise.all(
        items.map(async (it, i) => {
          try {
            const r = await withTimeout(
              Promise.resolve().then(() => f.fn(it.completion, it.example)),
              o.timeoutSeconds * 1000,
              `reward '${f.name}'`,
            );
            const score = typeof r === 'number' ? r : r.score;
            if (!Number.isFinite(score)) throw new Error(`reward '${f.name}' returned ${score}`);
            if (fi === 0) reasons[i] = typeof r === 'number' ? '' : r.reason;
            return score;
          } catch (e) {
            failures.push({ name: f.name, index: i, message: (e as Error).message });
            if (fi === 0) reasons[i] = 'reward_error';
            return o.onError;
          }
        }),
      );
      perFunction[f.name] = scores;
    }),
  );
  const total = items.map((_, i) => fns.reduce((s, f) => s + f.weight * perFunction[f.name]![i]!, 0));
  return { total, perFunction, reasons, failures };
}
