// Our PCG64/SeedSequence/Generator subset against NumPy itself (the project's .venv peer).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../../../src/paths.js';
import { NumpyGenerator } from '../../../src/tasks/kk/index.js';

const PY = join(REPO_ROOT, '.venv', 'bin', 'python');

function numpy(script: string): unknown {
  if (!existsSync(PY))
    throw new Error(`${PY} is missing: run scripts/setup.sh --peers (the NumPy differential test needs it)`);
  return JSON.parse(execFileSync(PY, ['-c', script], { encoding: 'utf8' }));
}

describe('NumPy default_rng compatibility', () => {
  it('integers, choice and sample match NumPy draw for draw across seeds and ranges', () => {
    const seeds = [0, 1, 42, 1234, 1334, 2 ** 32 + 5, 987654321];
    const ranges = [2, 3, 6, 7, 18, 51, 1000, 2 ** 31 + 11];
    const want = numpy(`
import numpy as np, json
out = []
for seed in ${JSON.stringify(seeds)}:
    g = np.random.default_rng(seed)
    row = []
    for r in ${JSON.stringify(ranges)}:
        row += [int(g.integers(0, r)) for _ in range(25)]
    row += [int(g.integers(2, 3)), int(g.integers(5, 9))]
    row.append(str(g.choice(['telling-truth', 'lying'])))
    for size in (2, 5, 12, 51):
        row.append([int(x) for x in g.choice(list(range(51)), size=size, replace=False)])
    row.append(float(g.random()))
    out.append(row)
print(json.dumps(out))
`) as unknown[][];
    seeds.forEach((seed, s) => {
      const g = new NumpyGenerator(seed);
      const row: unknown[] = [];
      for (const r of ranges) for (let k = 0; k < 25; k++) row.push(g.integers(0, r));
      row.push(g.integers(2, 3), g.integers(5, 9));
      row.push(g.choice(['telling-truth', 'lying']));
      for (const size of [2, 5, 12, 51]) row.push(g.sample([...Array(51).keys()], size));
      row.push(g.random());
      assert.deepEqual(row, want[s], `seed ${seed}`);
    });
  });
});
