// Runs `node bin/kindling.js …` and captures its output and exit status.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/paths.js';

export function kindling(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'kindling.js'), ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 2 ** 20,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs and fails with the command's stderr unless it exits 0. */
export function kindlingOk(args: string[]): string {
  const r = kindling(args);
  if (r.status !== 0) throw new Error(`kindling ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

/** kindling() without blocking the event loop (for tests that serve or judge something meanwhile). */
export function kindlingAsync(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'kindling.js'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
