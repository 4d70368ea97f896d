// A degenerate-text measure for RLVR: the share of words in a step's completions that the run had
// never seen — neither in its training prompts nor in the starting policy's own first-step
// completions. A policy drifting into non-words (what a 2.3 M-parameter model does when only
// negative advantages are left) raises it; a policy that keeps writing its language keeps it near 0.
// The reference is written to <out>/reference-words.txt at the first step, so a resumed run compares
// against the same words.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const WORD = /[A-Za-z]{2,}/g;

export const wordsOf = (text: string): string[] => text.match(WORD) ?? [];

export class WordDrift {
  private reference: Set<string> | null = null;
  private readonly file: string;

  /** `resume`: read the reference a previous process of this run wrote (else start afresh). */
  constructor(out: string, resume: boolean) {
    this.file = join(out, 'reference-words.txt');
    if (resume && existsSync(this.file))
      this.reference = new Set(readFileSync(this.file, 'utf8').split('\n').filter(Boolean));
  }

  /**
   * The share of word occurrences in `completions` outside the reference. The first call (no
   * reference yet) builds it from `prompts` and these completions, writes it when `write`, and returns 0.
   */
  novelRatio(prompts: () => readonly string[], completions: readonly string[], write: boolean): number {
    if (!this.reference) {
      this.reference = new Set([...prompts(), ...completions].flatMap(wordsOf));
      if (write) writeFileSync(this.file, `${[...this.reference].sort().join('\n')}\n`);
      return 0;
    }
    let all = 0;
    let novel = 0;
    for (const c of completions)
      for (const w of wordsOf(c)) {
        all++;
        if (!this.reference.has(w)) novel++;
      }
    return all ? novel / all : 0;
  }
}
