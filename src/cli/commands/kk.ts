// `kindling kk generate|solve|teach`: make K&K puzzles (Logic-RL row format), solve quizzes from
// files, and write long reasoning traces with the built-in symbolic teacher.

import type { Command } from 'commander';
import type { KkGenerateOptions } from '../../pipeline/calls.js';
import { Progress } from '../../util/progress.js';
import { parseFloatOption, parseIntOption } from '../options.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerKk(program: Command): void {
  const kk = program
    .command('kk')
    .description('Knights & Knaves: generate puzzles, solve quizzes, write teacher traces');

  const generate = kk.command('generate');
  generate
    .description(
      'generate unique-solution K&K puzzles as JSONL rows with the Logic-RL columns (seed 1234, --start-index 100, --per-size 900 reproduces the published train files)',
    )
    .requiredOption('--out <file>', 'output .jsonl')
    .option('--people <sizes>', 'puzzle sizes: 3-7, 5 or 2,4,8', '3-7')
    .option('--per-size <n>', 'puzzles per size', parseIntOption('--per-size', 1), 900)
    .option(
      '--seed <n>',
      'seed of each size’s puzzle stream (puzzle i is worded with seed+i)',
      parseIntOption('--seed', 0),
      1234,
    )
    .option(
      '--start-index <n>',
      'skip the first n puzzles of each stream (the dataset’s train split starts at 100)',
      parseIntOption('--start-index', 0),
      0,
    )
    .option('--split <name>', 'value written to extra_info.split', 'train')
    .option('--depth <n>', 'maximum statement depth (a leaf is 1)', parseIntOption('--depth', 1), 2)
    .option('--width <n>', 'maximum operands of and/or', parseIntOption('--width', 2), 2)
    .option('--allow-self-knave', 'allow "I am a knave" statements', false)
    .option('--no-dedup-operands', 'allow repeated operands within a statement')
    .option('--max-retry <n>', 'draws per kept puzzle before giving up', parseIntOption('--max-retry', 1), 1000)
    .action(() => kkGenerateStage({ ...generate.opts<KkGenerateOptions>() }));

  kk.command('solve')
    .description(
      'parse and solve every row that has a `quiz`, adding predicted_solution_text_format (null unless exactly one solution) and num_solutions',
    )
    .requiredOption('--in <file>', 'input .jsonl or .parquet (repeat for several)', collect)
    .requiredOption('--out <file>', 'output .jsonl')
    .action(async (o: { in: string[]; out: string }) => {
      const { readRows, cleanRow, parseQuiz, solve, solutionTextFormat, JsonlWriter } = await import(
        '../../tasks/kk/index.js'
      );
      const out = new JsonlWriter(o.out);
      let solved = 0;
      let unique = 0;
      for (const file of o.in) {
        const rows = await readRows(file);
        const progress = new Progress({ label: `solve ${file}`, total: rows.length, unit: 'row' });
        for (const [i, row] of rows.entries()) {
          const clean = cleanRow(row);
          if (typeof row.quiz === 'string') {
            let parsed: ReturnType<typeof parseQuiz>;
            try {
              parsed = parseQuiz(row.quiz);
            } catch (e) {
              throw new Error(`${file}:${row._line}: field 'quiz': ${e instanceof Error ? e.message : String(e)}`);
            }
            const sols = solve(parsed.statements);
            clean.predicted_solution_text_format =
              sols.length === 1 ? solutionTextFormat(parsed.names, sols[0]!, parsed.roles) : null;
            clean.num_solutions = sols.length;
            solved++;
            if (sols.length === 1) unique++;
          }
          await out.write(clean);
          progress.set(i + 1);
        }
        progress.close();
      }
      await out.close();
      console.log(`kk solve: ${solved} quizzes solved (${unique} with exactly one solution), written to ${o.out}`);
    });

  kk.command('teach')
    .description(
      "write reasoning traces with the built-in symbolic teacher: rows {id, prompt, completion, correct, chars} with the paper's K&K prompt (chars = completion length in characters; no token counts yet)",
    )
    .requiredOption(
      '--in <file>',
      'input .jsonl or .parquet with `quiz` and `solution_text_format` (repeat for several)',
      collect,
    )
    .requiredOption('--out <file>', 'output .jsonl')
    .option(
      '--samples-per-puzzle <n>',
      'traces per puzzle (each with its own seed)',
      parseIntOption('--samples-per-puzzle', 1),
      4,
    )
    .option(
      '--slip-rate <p>',
      'probability of a caught-and-corrected slip per deduction and per re-checked claim',
      parseFloatOption('--slip-rate', 0, 1),
      0,
    )
    .option(
      '--wrong-rate <p>',
      'probability that a trace deliberately ends in a wrong answer',
      parseFloatOption('--wrong-rate', 0, 1),
      0,
    )
    .option('--verbosity <level>', 'low | medium | high', 'high')
    .option('--seed <n>', 'seed (traces depend on seed, puzzle and sample number)', parseIntOption('--seed', 0), 0)
    .option('--limit <n>', 'use at most n puzzles', parseIntOption('--limit', 1))
    .action(
      async (o: {
        in: string[];
        out: string;
        samplesPerPuzzle: number;
        slipRate: number;
        wrongRate: number;
        verbosity: string;
        seed: number;
        limit?: number;
      }) => {
        if (!['low', 'medium', 'high'].includes(o.verbosity))
          throw new Error(`--verbosity must be low, medium or high, got '${o.verbosity}'`);
        const { readRows, parseQuiz, teachTrace, kkPrompt, paperReward, JsonlWriter, rowToExample } = await import(
          '../../tasks/kk/index.js'
        );
        const puzzles: { id: string; quiz: string; gold: string; where: string }[] = [];
        for (const file of o.in) {
          for (const row of await readRows(file)) {
            const ex = rowToExample(row, `${file}:${row._line}`, '');
            const idx = typeof row.index === 'number' ? row.index : row._line;
            puzzles.push({
              id: typeof row.id === 'string' ? row.id : `kk-${ex.people}ppl-${idx}`,
              quiz: ex.quiz,
              gold: ex.solution_text_format,
              where: `${file}:${row._line}`,
            });
          }
        }
        const chosen = o.limit !== undefined ? puzzles.slice(0, o.limit) : puzzles;
        const out = new JsonlWriter(o.out);
        const progress = new Progress({ label: 'teach', total: chosen.length * o.samplesPerPuzzle, unit: 'trace' });
        let done = 0;
        let correct = 0;
        let chars = 0;
        for (const p of chosen) {
          let parsed: ReturnType<typeof parseQuiz>;
          try {
            parsed = parseQuiz(p.quiz);
          } catch (e) {
            throw new Error(`${p.where}: field 'quiz': ${e instanceof Error ? e.message : String(e)}`);
          }
          for (let s = 0; s < o.samplesPerPuzzle; s++) {
            let t: ReturnType<typeof teachTrace>;
            try {
              t = teachTrace(parsed, {
                seed: `${o.seed}/${p.id}/${s}`,
                slipRate: o.slipRate,
                wrongAnswerRate: o.wrongRate,
                verbosity: o.verbosity as 'low' | 'medium' | 'high',
              });
            } catch (e) {
              throw new Error(`${p.where}: ${e instanceof Error ? e.message : String(e)}`);
            }
            const ok = paperReward(t.completion, p.gold).score === 2;
            await out.write({
              id: `${p.id}-s${s}`,
              prompt: kkPrompt(p.quiz),
              completion: t.completion,
              correct: ok,
              chars: t.completion.length,
            });
            correct += ok ? 1 : 0;
            chars += t.completion.length;
            progress.set(++done);
          }
        }
        await out.close();
        progress.close();
        console.log(
          `kk teach: ${done} traces for ${chosen.length} puzzles → ${o.out}; correct ${correct}/${done}; mean ${(chars / Math.max(done, 1)).toFixed(0)} characters`,
        );
      },
    );
}

/** `kindling kk generate`: write the puzzles of every size. */
export async function kkGenerateStage(o: KkGenerateOptions): Promise<void> {
  const { generateRows, JsonlWriter } = await import('../../tasks/kk/index.js');
  const { parseSizes } = await import('../../tasks/registry.js');
  const sizes = parseSizes(o.people, '--people');
  const out = new JsonlWriter(o.out);
  const progress = new Progress({ label: 'generate', total: sizes.length * o.perSize, unit: 'puzzle' });
  let done = 0;
  for (const people of sizes) {
    for (const row of generateRows({
      people,
      count: o.perSize,
      seed: o.seed,
      startIndex: o.startIndex,
      split: o.split,
      depth: o.depth,
      width: o.width,
      allowSelfKnave: o.allowSelfKnave,
      dedupOperands: o.dedupOperands,
      maxRetry: o.maxRetry,
    })) {
      await out.write(row);
      progress.set(++done);
    }
  }
  await out.close();
  progress.close();
  console.log(`kk generate: wrote ${done} puzzles (${sizes.join(', ')} people) to ${o.out}`);
}
