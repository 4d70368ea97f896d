// Fresh K&K test puzzles for evaluation (the Logic-RL test splits are not shipped with the data).
// Disjoint from the training puzzles twice over:
//   by construction — drawn with the dataset's generator (same grammar, depth 2, width 2, unique
//     solution) but from its own seed (KK_HELDOUT_SEED, not the training stream's 1234), and any
//     draw whose statements equal a training puzzle's statements is skipped;
//   checked — every emitted quiz text is compared with the quiz texts of the training files
//     ({n}ppl/train.parquet) and a collision is an error.
// Ids are `kk-heldout-s{seed}-{n}ppl-{i}`, so results cached under one seed never mix with another.
import { existsSync } from 'node:fs';
import { sharedDataDir } from '../paths.js';
import { type KkExample, logicRlFile, rowToExample } from './kk/dataset.js';
import { readRows } from './kk/files.js';
import { PuzzleSampler } from './kk/generator.js';
import { statementKey } from './kk/puzzle.js';
import { buildRow, sampleSurface } from './kk/rows.js';
import { statementsFromPython } from './kk/statements-codec.js';

/** The evaluation puzzles' seed (the paper's arXiv date); training used 1234. */
export const KK_HELDOUT_SEED = 20250519;

export interface HeldOutOptions {
  sizes: readonly number[];
  /** Puzzles per size (default 100, the size of each Logic-RL test split). */
  perSize?: number;
  seed?: number;
  dataDir?: string;
  /** Called with a warning when a training file to check against is missing. */
  warn?: (message: string) => void;
}

export interface HeldOutSet {
  examples: KkExample[];
  /** Draws skipped because their statements are a training puzzle's. */
  skippedAsTraining: number;
  /** Training files the quizzes were checked against. */
  checkedAgainst: string[];
}

interface TrainingSet {
  quizzes: Set<string>;
  statementKeys: Set<string>;
}

async function trainingSet(file: string): Promise<TrainingSet> {
  const quizzes = new Set<string>();
  const statementKeys = new Set<string>();
  for (const row of await readRows(file)) {
    if (typeof row.quiz === 'string') quizzes.add(row.quiz);
    if (typeof row.statements === 'string') {
      try {
        statementKeys.add(statementsFromPython(row.statements).map(statementKey).join(';'));
      } catch (e) {
        throw new Error(`${file}:row ${row._line}: field 'statements' does not parse (${(e as Error).message})`);
      }
    }
  }
  return { quizzes, statementKeys };
}

export async function kkHeldOutSet(o: HeldOutOptions): Promise<HeldOutSet> {
  const perSize = o.perSize ?? 100;
  const seed = o.seed ?? KK_HELDOUT_SEED;
  if (!Number.isInteger(perSize) || perSize < 1)
    throw new RangeError(`K&K puzzles per size must be ≥ 1, got ${perSize}`);
  const dataDir = o.dataDir ?? sharedDataDir();
  const examples: KkExample[] = [];
  const checkedAgainst: string[] = [];
  let skippedAsTraining = 0;
  for (const n of o.sizes) {
    const file = logicRlFile(dataDir, n, 'train');
    let train: TrainingSet | null = null;
    if (existsSync(file)) {
      train = await trainingSet(file);
      checkedAgainst.push(file);
    } else {
      o.warn?.(`K&K ${n} people: no training file at ${file}; held-out puzzles not checked against it`);
    }
    const sampler = new PuzzleSampler({ people: n, seed });
    for (let i = 0, kept = 0; kept < perSize; i++) {
      const p = sampler.next();
      if (train?.statementKeys.has(p.statements.map(statementKey).join(';'))) {
        skippedAsTraining++;
        continue;
      }
      const row = buildRow(p.statements, p.solution!, sampleSurface(n, seed + i), i, { index: kept, name: 'test' });
      if (train?.quizzes.has(row.quiz))
        throw new Error(`K&K held-out puzzle ${n}ppl #${i} (seed ${seed}) has the same quiz text as a row of ${file}`);
      const id = `kk-heldout-s${seed}-${n}ppl-${kept}`;
      examples.push(rowToExample(row as unknown as Record<string, unknown>, `generated ${id}`, id));
      kept++;
    }
  }
  return { examples, skippedAsTraining, checkedAgainst };
}
