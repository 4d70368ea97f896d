// `sft --data` reads .jsonl, .jsonl.gz and .parquet rows: the same rows from a gzipped file, and
// a Parquet file of K&K puzzles (not traces) fails naming the file, row, the fields and what to run.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { sharedDataDir } from '../../src/paths.js';
import { loadSftRows } from '../../src/train/sft-data.js';

const tmp = mkdtempSync(join(tmpdir(), 'kindling-sft-rows-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('sft rows: .jsonl.gz reads as the .jsonl does; a Logic-RL Parquet row names file, row, what it found and what to run', async () => {
  const text = `${JSON.stringify({ prompt: 'Q: 1+1? ', completion: '2' })}\n${JSON.stringify({ text: 'Q: 2+2? A: 4' })}\n`;
  writeFileSync(join(tmp, 'rows.jsonl'), text);
  writeFileSync(join(tmp, 'rows.jsonl.gz'), gzipSync(text));
  const plain = await loadSftRows(join(tmp, 'rows.jsonl'), 'A: ');
  const gz = await loadSftRows(join(tmp, 'rows.jsonl.gz'), 'A: ');
  assert.deepEqual(
    gz.map(({ prompt, completion }) => [prompt, completion]),
    plain.map(({ prompt, completion }) => [prompt, completion]),
  );
  assert.deepEqual(gz[1], { prompt: 'Q: 2+2? A: ', completion: '4', source: `${join(tmp, 'rows.jsonl.gz')}:2` });
  // Logic-RL rows are puzzles (their `prompt` is a chat list): not SFT rows; the error says where,
  // what it found and how to make traces from them.
  const parquet = join(sharedDataDir(), 'kk', 'logic-rl', '3ppl', 'train.parquet');
  await assert.rejects(
    loadSftRows(parquet, null),
    /3ppl\/train\.parquet: row 1: expected fields 'prompt' and 'completion' \(or 'text'\), found quiz, .* these are K&K puzzles; make traces from them with `kindling distill --puzzles FILE`/,
  );
});
