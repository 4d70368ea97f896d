// The listed disagreements of a math differential test (fixtures/*.json): every pair where kindling
// and math-verify disagree must be listed, with the same texts and verdicts and a reason; entries
// that now agree are reported so the list stays short.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../src/paths.js';

export interface Listed {
  id: string;
  gold: string;
  pred: string;
  math_verify: boolean;
  kindling: boolean;
  reason: string;
}

export class Disagreements {
  private readonly listed: Map<string, Listed>;
  private readonly seen = new Set<string>();
  /** Every disagreement of this run, with the listed reason where there is one. */
  readonly all: Listed[] = [];
  /** Disagreements not listed (or listed with other texts, verdicts or no reason), as JSON lines. */
  readonly unlisted: string[] = [];

  constructor(fixture: string) {
    const file = join(REPO_ROOT, 'test', 'tasks', 'math', 'fixtures', fixture);
    this.listed = new Map((JSON.parse(readFileSync(file, 'utf8')) as Listed[]).map((d) => [d.id, d]));
  }

  /** Records one pair where the verdicts differ. */
  add(p: { id: string; gold: string; pred: string }, theirs: boolean, ours: boolean): void {
    this.seen.add(p.id);
    const d = this.listed.get(p.id);
    const row = { id: p.id, gold: p.gold, pred: p.pred, math_verify: theirs, kindling: ours, reason: d?.reason ?? '' };
    this.all.push(row);
    const same = d && d.gold === p.gold && d.pred === p.pred && d.math_verify === theirs && d.kindling === ours;
    if (!same || !d.reason.trim()) this.unlisted.push(JSON.stringify(row));
  }

  /** Prints the listed ids that agree now (to be removed from the fixture). */
  reportStale(): void {
    const stale = [...this.listed.keys()].filter((id) => !this.seen.has(id));
    if (stale.length) console.log(`fixture entries that now agree (remove them): ${stale.join(', ')}`);
  }
}
