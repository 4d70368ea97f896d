// One line per GRPO run from its metrics.jsonl: did the run get a learning signal at all (share of
// groups with reward variance, share of well-formed samples) and did it stay healthy (entropy from
// the first to the last step). A run whose every group is flat (frac_reward_zero_std 1) has a zero
// gradient; one whose entropy climbs far above its start is drifting into non-words.

export interface RlvrRunSummary {
  run: string;
  steps: number;
  /** Mean over steps of frac_reward_zero_std (1 = no group ever had a reward difference). */
  meanZeroStd: number;
  /** completions/well_formed_ratio at the first and the last step (NaN when the run did not log it). */
  wellFormedFirst: number;
  wellFormedLast: number;
  entropyFirst: number;
  entropyLast: number;
  rewardFirst: number;
  rewardLast: number;
  /** completions/novel_word_ratio at the last step: words the run had never seen (degenerate text). */
  novelLast: number;
}

const at = (rows: readonly Record<string, number>[], i: number, k: string) => rows[i]?.[k] ?? Number.NaN;

/** Summary of one run's metrics rows (those with a `reward`, i.e. GRPO steps), or null when it has none. */
export function summariseRlvrRun(run: string, rows: readonly Record<string, number>[]): RlvrRunSummary | null {
  const steps = rows.filter((r) => typeof r.reward === 'number' && typeof r.frac_reward_zero_std === 'number');
  if (steps.length === 0) return null;
  const last = steps.length - 1;
  return {
    run,
    steps: steps.length,
    meanZeroStd: steps.reduce((a, r) => a + r.frac_reward_zero_std!, 0) / steps.length,
    wellFormedFirst: at(steps, 0, 'completions/well_formed_ratio'),
    wellFormedLast: at(steps, last, 'completions/well_formed_ratio'),
    entropyFirst: at(steps, 0, 'entropy'),
    entropyLast: at(steps, last, 'entropy'),
    rewardFirst: at(steps, 0, 'reward'),
    rewardLast: at(steps, last, 'reward'),
    novelLast: at(steps, last, 'completions/novel_word_ratio'),
  };
}

export const RLVR_HEADER = [
  'run',
  'steps',
  'flat groups (mean frac_reward_zero_std)',
  'well-formed first → last',
  'entropy first → last',
  'reward first → last',
  'novel words at the end',
] as const;

export const RLVR_CAPTION =
  "Per GRPO run, from its metrics.jsonl: the mean share of groups whose G rewards were all equal (1.00 = the run never had a gradient), the share of sampled completions that pass the format gate, the policy entropy (last / first in brackets: far above 1 means the text is drifting apart) and the mean reward, each at the first and the last step; and the share of words in the last step's completions that the run had never seen (neither in its prompts nor in its first step's completions): drift into non-words raises it.";

const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '—');
const pc = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(0)}%` : '—');

/** The table's cells for one run, in RLVR_HEADER's order. */
export function rlvrCells(s: RlvrRunSummary): string[] {
  const ratio = s.entropyFirst > 0 ? ` (×${(s.entropyLast / s.entropyFirst).toFixed(2)})` : '';
  return [
    s.run,
    String(s.steps),
    f2(s.meanZeroStd),
    `${pc(s.wellFormedFirst)} → ${pc(s.wellFormedLast)}`,
    `${f2(s.entropyFirst)} → ${f2(s.entropyLast)}${ratio}`,
    `${f2(s.rewardFirst)} → ${f2(s.rewardLast)}`,
    pc(s.novelLast),
  ];
}
