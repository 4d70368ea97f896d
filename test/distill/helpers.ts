// Shared pieces of the distill tests: real K&K puzzles and a teacher answer made from their gold.
import { join } from 'node:path';
import { loadPuzzles, type TeacherPuzzle } from '../../src/distill/index.js';
import { sharedDataDir } from '../../src/paths.js';
import { kkPrompt } from '../../src/tasks/kk/index.js';
import type { Choice } from './fault-server.js';

export const kkFile = (people: number) => join(sharedDataDir(), 'kk', 'logic-rl', `${people}ppl`, 'train.parquet');

export async function somePuzzles(people: number, count: number): Promise<TeacherPuzzle[]> {
  return loadPuzzles([kkFile(people)], count);
}

/**
 * A server-side answer for the puzzles: choice 0 correct, choice 1 wrong (first role flipped),
 * choice 2 cut by the length limit, the rest correct. The stop string is stripped, as vLLM does.
 */
export function answerer(puzzles: readonly TeacherPuzzle[]): (prompt: string, index: number) => Choice {
  const gold = new Map(puzzles.map((p) => [kkPrompt(p.quiz), p.solution_text_format]));
  return (prompt, index) => {
    const g = gold.get(prompt) ?? gold.get(prompt.trim());
    if (g === undefined) return { text: 'I do not know this puzzle.', finish_reason: 'stop', stop_reason: null };
    if (index === 2) return { text: 'Let me think step by step about who', finish_reason: 'length', stop_reason: null };
    const answer = index === 1 ? g.replace(/knight|knave/, (r) => (r === 'knight' ? 'knave' : 'knight')) : g;
    return {
      text: `Let me check each claim.\n</think> <answer> ${answer} `,
      finish_reason: 'stop',
      stop_reason: '</answer>',
    };
  };
}
