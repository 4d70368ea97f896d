// The `symbolic` teacher: the K&K issue's trace writer (teachTrace, what `kindling kk teach` runs)
// behind the teacher interface, so users without a reasoning model build the same kind of dataset
// through the same builder. Sample s of puzzle P uses seed "<seed>/<P>/<s>", as `kk teach` does,
// so both commands write the same completion for the same puzzle, sample and options.
import { type ParsedQuiz, parseQuiz, teachTrace } from '../tasks/kk/index.js';
import { type Teacher, TeacherError, type TeacherPuzzle, type TeacherSample, type TeachRequest } from './teacher.js';

export interface SymbolicTeacherOptions {
  seed?: number;
  slipRate?: number;
  wrongRate?: number;
  verbosity?: 'low' | 'medium' | 'high';
}

export class SymbolicTeacher implements Teacher {
  readonly id = 'symbolic';
  readonly params: Readonly<Record<string, unknown>>;
  private readonly parsed = new Map<string, ParsedQuiz>();

  constructor(private readonly o: SymbolicTeacherOptions = {}) {
    for (const [k, v] of [
      ['slip rate', o.slipRate ?? 0],
      ['wrong rate', o.wrongRate ?? 0],
    ] as const)
      if (!(v >= 0 && v <= 1)) throw new Error(`symbolic teacher: ${k} must be in [0, 1], got ${v}`);
    if (!['low', 'medium', 'high'].includes(o.verbosity ?? 'high'))
      throw new Error(`symbolic teacher: verbosity must be low, medium or high, got '${o.verbosity}'`);
    this.params = {
      seed: o.seed ?? 0,
      slip_rate: o.slipRate ?? 0,
      wrong_rate: o.wrongRate ?? 0,
      verbosity: o.verbosity ?? 'high',
    };
  }

  /** Parses a puzzle up front so a bad quiz fails the run at load time with its file and line. */
  check(puzzle: TeacherPuzzle): void {
    this.quiz(puzzle);
  }

  async generate(request: TeachRequest, signal: AbortSignal): Promise<TeacherSample[]> {
    if (signal.aborted) throw new TeacherError('aborted', 'stopped by the user');
    const q = this.quiz(request.puzzle);
    return request.samples.map((s) => {
      try {
        const t = teachTrace(q, {
          seed: `${this.o.seed ?? 0}/${request.puzzle.id}/${s}`,
          slipRate: this.o.slipRate ?? 0,
          wrongAnswerRate: this.o.wrongRate ?? 0,
          verbosity: this.o.verbosity ?? 'high',
        });
        return { completion: t.completion, finishReason: 'stop', completionTokens: null };
      } catch (e) {
        throw new TeacherError('request', `${request.puzzle.where}: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
  }

  private quiz(p: TeacherPuzzle): ParsedQuiz {
    let q = this.parsed.get(p.id);
    if (!q) {
      try {
        q = parseQuiz(p.quiz);
      } catch (e) {
        throw new Error(`${p.where}: field 'quiz': ${e instanceof Error ? e.message : String(e)}`);
      }
      this.parsed.set(p.id, q);
    }
    return q;
  }
}
