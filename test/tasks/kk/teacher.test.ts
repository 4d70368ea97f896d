// The symbolic teacher on all 4,500 Logic-RL train puzzles: every trace (no slips, no wrong answers)
// scores +2 under the paper's reward; slips are caught and still end right; wrong answers are wrong;
// traces are reflective (restate, assume, backtrack, re-check) and vary across seeds.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { sharedDataDir } from '../../../src/paths.js';
import {
  logicRlFile,
  type ParsedQuiz,
  paperReward,
  parseQuiz,
  readRows,
  teachTrace,
} from '../../../src/tasks/kk/index.js';

interface Puzzle {
  n: number;
  index: number;
  parsed: ParsedQuiz;
  gold: string;
}
const puzzles: Puzzle[] = [];

before(async () => {
  for (const n of [3, 4, 5, 6, 7])
    for (const row of await readRows(logicRlFile(sharedDataDir(), n, 'train')))
      puzzles.push({
        n,
        index: row.index as number,
        parsed: parseQuiz(row.quiz as string),
        gold: row.solution_text_format as string,
      });
});

describe('symbolic K&K teacher', () => {
  it('every trace for the 4,500 train puzzles scores +2 under the paper reward', () => {
    const lengths = new Map<number, number[]>();
    for (const p of puzzles) {
      const t = teachTrace(p.parsed, { seed: `test/${p.index}` });
      const reward = paperReward(t.completion, p.gold);
      assert.deepEqual(reward, { score: 2, reason: 'correct' }, `${p.n}ppl #${p.index}:\n${t.completion}`);
      assert.ok(t.correct && t.mode === 'solved' && t.slips === 0);
      assert.match(t.completion, /\n<\/think> <answer> \(1\) [^\n]+ is a kni?(ght|ave)\n[\s\S]* <\/answer>$/);
      lengths.get(p.n)?.push(t.completion.length) ?? lengths.set(p.n, [t.completion.length]);
    }
    const stats = [...lengths].map(([n, l]) => {
      l.sort((a, b) => a - b);
      return `${n}ppl median ${l[l.length >> 1]} chars (min ${l[0]}, max ${l[l.length - 1]})`;
    });
    console.log(`trace length: ${stats.join('; ')}`);
    // Long traces: even 3-person puzzles get well over a thousand characters of reasoning.
    for (const [, l] of lengths) assert.ok(l[0]! > 1000);
  });

  it('is reflective: restates claims, re-checks every statement, backtracks on contradictions', () => {
    let backtracked = 0;
    for (const p of puzzles.slice(0, 300)) {
      const t = teachTrace(p.parsed, { seed: 1 });
      for (const name of p.parsed.names)
        assert.ok(t.completion.includes(`- ${name} (`), `no re-check line for ${name}`);
      assert.match(t.completion, /says: "/);
      if (/contradiction|cannot be|impossible|doesn't work|fails/i.test(t.completion)) backtracked++;
    }
    assert.ok(backtracked > 150, `only ${backtracked}/300 traces meet a contradiction`);
  });

  it('slips are caught and corrected; the answer stays right', () => {
    let slips = 0;
    for (const p of puzzles.filter((_, i) => i % 9 === 0)) {
      const t = teachTrace(p.parsed, { seed: 'slips', slipRate: 0.3 });
      assert.equal(paperReward(t.completion, p.gold).score, 2, t.completion);
      slips += t.slips;
      if (t.slips) assert.match(t.completion, /Wait|Hold on|Hmm, wait/);
    }
    assert.ok(slips > 100, `only ${slips} slips`);
  });

  it('wrong-answer mode gives wrong answers that still pass the format gate', () => {
    const modes = new Set<string>();
    for (const p of puzzles.filter((_, i) => i % 45 === 0)) {
      const t = teachTrace(p.parsed, { seed: 'wrong', wrongAnswerRate: 1 });
      modes.add(t.mode);
      assert.equal(t.correct, false);
      assert.equal(paperReward(t.completion, p.gold).score, -0.5);
    }
    assert.ok(modes.has('misread'));
  });

  it('is deterministic per seed and varies across seeds; verbosity changes length', () => {
    const p = puzzles[4000]!;
    assert.equal(teachTrace(p.parsed, { seed: 3 }).completion, teachTrace(p.parsed, { seed: 3 }).completion);
    const variants = new Set([1, 2, 3, 4, 5, 6].map((seed) => teachTrace(p.parsed, { seed }).completion));
    assert.ok(variants.size >= 5, `only ${variants.size} distinct traces over 6 seeds`);
    const len = (verbosity: 'low' | 'medium' | 'high') =>
      puzzles.slice(0, 200).reduce((acc, q) => acc + teachTrace(q.parsed, { seed: 0, verbosity }).completion.length, 0);
    const [low, medium, high] = [len('low'), len('medium'), len('high')];
    assert.ok(low < medium && medium < high, `low ${low}, medium ${medium}, high ${high}`);
  });

  it('refuses puzzles without exactly one solution', () => {
    const names = ['Emma', 'Liam'];
    assert.throws(
      () =>
        teachTrace({
          names,
          statements: [
            { op: 'knight', person: 0 },
            { op: 'knight', person: 1 },
          ],
        }),
      /exactly one solution; this one has several/,
    );
  });
});
