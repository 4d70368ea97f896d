// The Knights & Knaves part of the demo base model's pretraining corpus: quizzes with one-line
// answers (no reasoning, no <think>/<answer>), so the warmup's puzzles are not foreign text. Drawn
// from seeds of their own (90,000 + 10·seed + people), never the demo's warmup puzzles (seed 4321),
// the Logic-RL training stream (1234) or the held-out evaluation puzzles (KK_HELDOUT_SEED); a test
// checks by quiz text that none of those appears.
import { generateRows } from '../kk/rows.js';

/** Seed of the corpus's K&K stream for `people` (what scripts/make-demo-corpus.mjs uses). */
export const kkCorpusSeed = (seed: number, people: number): number => 90_000 + 10 * seed + people;

/** 3- and 4-person quizzes, alternating, each as `quiz\nAnswer: Zoey is a knight, Oliver is a knave.` */
export function* kkCorpusDocuments(seed = 0): Generator<string> {
  const streams = [3, 4].map((people) => generateRows({ people, count: 100_000, seed: kkCorpusSeed(seed, people) }));
  for (;;)
    for (const it of streams) {
      const row = it.next().value;
      if (!row) return;
      const answer = row.solution_text_format
        .replace(/\(\d+\) /g, '')
        .split('\n')
        .join(', ');
      yield `${row.quiz}\nAnswer: ${answer}.`;
    }
}
