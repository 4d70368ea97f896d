// Helpers for the distributed tests: free ports and rank processes with torchrun's variables.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/paths.js';

export const KINDLING = join(REPO_ROOT, 'bin', 'kindling.js');
export const HERE = join(REPO_ROOT, 'dist', 'test', 'distributed');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from spawn to exit. */
  ms: number;
}

export interface Rank {
  child: ChildProcess;
  exit: Promise<Exit>;
  stdout(): string;
  stderr(): string;
}

/** Starts one process; killed after limitMs so a hang fails the test instead of stalling it. */
export function start(args: string[], env: NodeJS.ProcessEnv = {}, limitMs = 120_000): Rank {
  const t0 = Date.now();
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const exit = new Promise<Exit>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 });
    }),
  );
  return { child, exit, stdout: () => stdout, stderr: () => stderr };
}

/** Starts `world` ranks of a script with RANK/WORLD_SIZE/MASTER_* set. */
export async function startRanks(
  world: number,
  args: string[],
  o: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<Rank[]> {
  const port = await freePort();
  return Array.from({ length: world }, (_, rank) =>
    start(args, {
      RANK: String(rank),
      WORLD_SIZE: String(world),
      LOCAL_RANK: String(rank),
      MASTER_ADDR: '127.0.0.1',
      MASTER_PORT: String(port),
      KINDLING_DIST_TIMEOUT_MS: String(o.timeoutMs ?? 30_000),
      ...o.env,
    }),
  );
}

/** Resolves when the text appears in the rank's output (stdout or stderr), or rejects after limitMs. */
export function waitFor(rank: Rank, pattern: RegExp, limitMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const poll = setInterval(() => {
      if (pattern.test(rank.stdout() + rank.stderr())) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - t0 > limitMs || rank.child.exitCode !== null) {
        clearInterval(poll);
        reject(new Error(`waited for ${pattern} in vain; output so far:\n${rank.stdout()}\n${rank.stderr()}`));
      }
    }, 50);
  });
}
