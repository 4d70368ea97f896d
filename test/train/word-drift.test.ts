// The degenerate-text measure of GRPO runs: words outside the run's reference (training prompts +
// the starting policy's first-step completions), kept across a resume, rebuilt on a fresh run.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { WordDrift, wordsOf } from '../../src/train/word-drift.js';

test('novel-word ratio: 0 at the first step, then the share of word occurrences never seen; kept across a resume', () => {
  const out = mkdtempSync(join(tmpdir(), 'kindling-drift-'));
  const prompts = () => ['How many apples does Ana have?'];
  const d = new WordDrift(out, false);
  assert.equal(d.novelRatio(prompts, ['Ana has 3 apples. </think> <answer> 3 </answer>'], true), 0);
  assert.deepEqual(readFileSync(join(out, 'reference-words.txt'), 'utf8').trim().split('\n'), [
    'Ana',
    'How',
    'answer',
    'apples',
    'does',
    'has',
    'have',
    'many',
    'think',
  ]);
  // 'Ana has' known, 'zorbl qux' not: 2 of 4 words (one-letter words and numbers do not count)
  assert.equal(d.novelRatio(prompts, ['Ana has zorbl qux 7 a'], true), 0.5);
  assert.equal(d.novelRatio(prompts, ['', '12'], true), 0, 'no words: 0');
  // a resumed run reads the reference back; a fresh run in the same folder starts a new one
  assert.equal(new WordDrift(out, true).novelRatio(prompts, ['zorbl apples'], true), 0.5);
  const fresh = new WordDrift(out, false);
  assert.equal(fresh.novelRatio(prompts, ['zorbl apples'], false), 0);
  assert.equal(fresh.novelRatio(prompts, ['zorbl'], false), 0, 'its own first step is its reference');
  assert.deepEqual(wordsOf("it's x2 ok"), ['it', 'ok']);
  assert.ok(existsSync(join(out, 'reference-words.txt')));
});
