// bench/serve.mjs end to end at a small size: it prints its JSON, and on both mixes the two batching
// policies generate exactly the same tokens for the same requests (the varied mix's answers end at
// EOS, so this is the server's batching invariance with answers of different lengths).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../../src/paths.js';

describe('bench/serve.mjs', () => {
  it('runs both mixes for both policies, and the policies generate the same tokens', () => {
    const r = spawnSync(
      process.execPath,
      [join(REPO_ROOT, 'bench', 'serve.mjs'), '--clients', '4', '--requests', '2', '--reps', '1'],
      { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' }, timeout: 300_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      mixes: Record<string, unknown>;
      results: Record<
        string,
        { mix: string; clients: number; requests: number; tokens: number; tokens_per_s: number }[]
      >;
    };
    assert.deepEqual(Object.keys(out.mixes), ['kinds', 'varied']);
    assert.deepEqual(Object.keys(out.results), ['static', 'continuous']);
    for (const mix of ['kinds', 'varied']) {
      const [s, c] = [out.results.static!, out.results.continuous!].map((rs) => rs.find((x) => x.mix === mix)!);
      assert.equal(s!.requests, 8, mix);
      assert.equal(c!.requests, 8, mix);
      assert.ok(s!.tokens > 0 && s!.tokens_per_s > 0, mix);
      assert.equal(c!.tokens, s!.tokens, `${mix}: the same tokens under both policies`);
    }
  });
});
