// Runs the math-verify reference judge (mathverify_oracle.py) once over many pairs, in the
// project's .venv. Fails loudly when the peer is not installed.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../src/paths.js';

export const PYTHON = join(REPO_ROOT, '.venv', 'bin', 'python');

export interface OracleRow {
  id: string;
  equivalent: boolean;
  gold_parsed: string[];
  pred_parsed: string[];
}

export function mathVerifyBatch(
  pairs: readonly { id: string; gold: string; pred: string; options?: object }[],
): Map<string, OracleRow> {
  if (!existsSync(PYTHON))
    throw new Error(`${PYTHON} is missing: run \`bash scripts/setup.sh --peers\` (installs math-verify for this test)`);
  const out = execFileSync(PYTHON, [join(REPO_ROOT, 'test', 'tasks', 'math', 'mathverify_oracle.py')], {
    input: pairs.map((p) => JSON.stringify({ id: p.id, gold: p.gold, pred: p.pred, options: p.options })).join('\n'),
    encoding: 'utf8',
    maxBuffer: 256 * 2 ** 20,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const rows = out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as OracleRow);
  if (rows.length !== pairs.length) throw new Error(`math-verify answered ${rows.length} of ${pairs.length} pairs`);
  return new Map(rows.map((r) => [r.id, r]));
}
