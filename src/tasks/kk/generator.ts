// Random K&K puzzles with the dataset generator's grammar and defaults, drawing from NumPy's PCG64
// in the same order as the original so seed 1234 regenerates the published statement trees.
//   statement(depth): dice = integers(0, 6)   (drawn even at depth 1)
//     depth == 1 or dice 0 → leaf: role = choice([knight, knave]), person = integers(0, n),
//                            redrawn while it is "I am a knave" (unless allowed)
//     dice 1 → not(statement(depth-1));  dice 2/3 → and/or of integers(2, width+1) operands;
//     dice 4/5 → implies/iff of 2 operands; operands are statement(depth-1), duplicates redrawn.
// A puzzle is kept when it is new and (by default) has exactly one solution.
import { NumpyGenerator } from './numpy-random.js';
import { type Statement, statementKey } from './puzzle.js';
import { solve } from './solver.js';

export interface GeneratorOptions {
  /** Number of inhabitants (≥ 2). */
  people: number;
  /** Seed of the puzzle stream (the dataset used 1234). */
  seed?: number;
  /** Maximum operator nesting depth (a leaf is depth 1). Default 2. */
  depth?: number;
  /** Maximum operands of and/or. Default 2. */
  width?: number;
  /** Allow a person to say "I am a knave" (a statement no one can make). Default false. */
  allowSelfKnave?: boolean;
  /** Redraw an operand equal to an earlier operand of the same node. Default true. */
  dedupOperands?: boolean;
  /** Keep only puzzles with at least one solution. Default true. */
  requireSolution?: boolean;
  /** Keep only puzzles with at most one solution. Default true. */
  requireUnique?: boolean;
  /** Never emit the same statements twice. Default true. */
  dedupPuzzles?: boolean;
  /** Attempts per kept puzzle before giving up. Default 1000. */
  maxRetry?: number;
  /**
   * Relative weights of [leaf, not, and, or, implies, iff] at depth > 1. Default: the dataset's
   * uniform die. Any other weights draw from a different stream (not dataset-compatible).
   */
  operatorWeights?: readonly [number, number, number, number, number, number];
}

export interface GeneratedPuzzle {
  statements: Statement[];
  /** The unique solution (the first of `allSolutions` when uniqueness is not required), or null. */
  solution: boolean[] | null;
  allSolutions: boolean[][];
}

export class PuzzleSampler {
  readonly rng: NumpyGenerator;
  private readonly o: Required<Omit<GeneratorOptions, 'operatorWeights'>> & Pick<GeneratorOptions, 'operatorWeights'>;
  private readonly seen = new Set<string>();

  constructor(options: GeneratorOptions) {
    this.o = {
      seed: 1234,
      depth: 2,
      width: 2,
      allowSelfKnave: false,
      dedupOperands: true,
      requireSolution: true,
      requireUnique: true,
      dedupPuzzles: true,
      maxRetry: 1000,
      ...options,
    };
    const { people, depth, width, operatorWeights } = this.o;
    if (!Number.isInteger(people) || people < 2) throw new Error(`people must be an integer ≥ 2, got ${people}`);
    if (!Number.isInteger(depth) || depth < 1) throw new Error(`depth must be an integer ≥ 1, got ${depth}`);
    if (!Number.isInteger(width) || width < 2) throw new Error(`width must be an integer ≥ 2, got ${width}`);
    if (
      operatorWeights &&
      (operatorWeights.length !== 6 || operatorWeights.some((w) => !(w >= 0)) || operatorWeights.every((w) => w === 0))
    )
      throw new Error('operatorWeights must be 6 non-negative numbers, not all zero');
    this.rng = new NumpyGenerator(this.o.seed);
  }

  private dice(): number {
    const w = this.o.operatorWeights;
    if (!w) return this.rng.integers(0, 6);
    const total = w.reduce((a, b) => a + b, 0);
    let u = this.rng.random() * total;
    for (let k = 0; k < 6; k++) {
      u -= w[k]!;
      if (u < 0) return k;
    }
    return w.findLastIndex((x) => x > 0);
  }

  /** One statement for `speaker`, at most `depth` deep. */
  statement(speaker: number, depth: number): Statement {
    const dice = this.dice();
    if (depth === 1 || dice === 0) {
      for (;;) {
        const role = this.rng.choice(['telling-truth', 'lying'] as const);
        const person = this.rng.integers(0, this.o.people);
        if (this.o.allowSelfKnave || !(role === 'lying' && person === speaker))
          return { op: role === 'telling-truth' ? 'knight' : 'knave', person };
      }
    }
    if (dice === 1) return { op: 'not', arg: this.statement(speaker, depth - 1) };
    if (dice === 2 || dice === 3) {
      const count = this.rng.integers(2, this.o.width + 1);
      return { op: dice === 2 ? 'and' : 'or', args: this.operands(speaker, depth, count) };
    }
    const [a, b] = this.operands(speaker, depth, 2) as [Statement, Statement];
    return dice === 4 ? { op: 'implies', antecedent: a, consequent: b } : { op: 'iff', left: a, right: b };
  }

  private operands(speaker: number, depth: number, count: number): Statement[] {
    const out: Statement[] = [];
    const keys = new Set<string>();
    while (out.length < count) {
      const s = this.statement(speaker, depth - 1);
      if (this.o.dedupOperands) {
        const k = statementKey(s);
        if (keys.has(k)) continue;
        keys.add(k);
      }
      out.push(s);
    }
    return out;
  }

  /** One unfiltered draw: a statement per person. */
  draw(): Statement[] {
    return Array.from({ length: this.o.people }, (_, i) => this.statement(i, this.o.depth));
  }

  /** The next puzzle that passes the filters (new, solvable, unique by default). */
  next(): GeneratedPuzzle {
    for (let attempt = 0; attempt < this.o.maxRetry; attempt++) {
      const statements = this.draw();
      const key = statements.map(statementKey).join(';');
      if (this.o.dedupPuzzles && this.seen.has(key)) continue;
      // Two solutions are enough to reject when uniqueness is required.
      const allSolutions = solve(statements, this.o.requireUnique ? { limit: 2 } : {});
      if (allSolutions.length === 0 && this.o.requireSolution) continue;
      if (allSolutions.length > 1 && this.o.requireUnique) continue;
      if (this.o.dedupPuzzles) this.seen.add(key);
      return { statements, solution: allSolutions[0] ?? null, allSolutions };
    }
    throw new Error(
      `no puzzle passed the filters in ${this.o.maxRetry} attempts (${this.o.people} people, depth ${this.o.depth}); relax the options or raise maxRetry`,
    );
  }
}

/** `count` puzzles from one seeded stream. */
export function generatePuzzles(count: number, options: GeneratorOptions): GeneratedPuzzle[] {
  const sampler = new PuzzleSampler(options);
  return Array.from({ length: count }, () => sampler.next());
}
