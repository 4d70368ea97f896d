// Runs the Python reference peers from the project's .venv (installed by scripts/setup.sh --peers).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../src/paths.js';

export const PYTHON = join(REPO_ROOT, '.venv', 'bin', 'python');

export function runPeer(script: string, args: string[], input?: string): string {
  if (!existsSync(PYTHON))
    throw new Error(`${PYTHON} is missing: run \`bash scripts/setup.sh --peers\` to install the reference peers`);
  return execFileSync(PYTHON, [join(REPO_ROOT, 'test', 'peers', script), ...args], {
    encoding: 'utf8',
    maxBuffer: 512 * 2 ** 20,
    input,
    env: {
      ...process.env,
      OMP_WAIT_POLICY: 'PASSIVE',
      TOKENIZERS_PARALLELISM: 'false',
      HF_HUB_OFFLINE: '1',
      TRANSFORMERS_OFFLINE: '1',
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
}
