// Starts the ranks of a data-parallel job as child processes and supervises them, as torchrun does:
// each gets RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR and MASTER_PORT; its output
// lines are prefixed with its rank; when one rank fails the others are stopped (SIGTERM, then
// SIGKILL after a grace period) and the job fails naming that rank.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface LaunchPlan {
  /** Processes on this node. */
  nproc: number;
  nnodes: number;
  nodeRank: number;
  masterAddr: string;
  masterPort: number;
  /** The command each rank runs (argv[0] is the executable). */
  argv: string[];
  /** Collective timeout handed to the ranks (KINDLING_DIST_TIMEOUT_MS). */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** How long a stopped rank gets between SIGTERM and SIGKILL. */
  graceMs?: number;
  out?: NodeJS.WritableStream;
  err?: NodeJS.WritableStream;
}

export interface RankFailure {
  rank: number;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LaunchResult {
  /** 0 when every rank exited 0; otherwise the first failure's exit code (1 for a signal). */
  code: number;
  /** Ranks that failed on their own (not those stopped here), the likely culprit first: a rank
   * killed by a signal, then in the order they exited (a peer's death makes the others fail too). */
  failures: RankFailure[];
}

export function describeExit(f: RankFailure): string {
  return f.signal ? `was killed by ${f.signal}` : `exited with code ${f.code}`;
}

export function launchRanks(plan: LaunchPlan): Promise<LaunchResult> {
  const out = plan.out ?? process.stdout;
  const err = plan.err ?? process.stderr;
  const world = plan.nproc * plan.nnodes;
  const grace = plan.graceMs ?? 5000;
  const say = (s: string) => err.write(`kindling launch: ${s}\n`);
  const children: { rank: number; child: ChildProcess; exited: boolean }[] = [];
  const failures: RankFailure[] = [];
  let settle: NodeJS.Timeout | undefined;
  let stopping = false;
  let interrupts = 0;

  const stopOthers = (signal: NodeJS.Signals) => {
    for (const c of children) if (!c.exited) c.child.kill(signal);
  };
  const stopAll = () => {
    if (stopping) return;
    stopping = true;
    stopOthers('SIGTERM');
    setTimeout(() => stopOthers('SIGKILL'), grace).unref();
  };
  // Children run in their own process groups, so a terminal's Ctrl-C reaches them only through
  // here, once: the first asks every rank to finish its step and checkpoint, the second kills.
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts === 1) {
      say(`${signal}: asking the ranks to stop after this step (again to kill them)`);
      stopOthers(signal === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
    } else stopOthers('SIGKILL');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  return new Promise((resolve) => {
    let remaining = plan.nproc;
    for (let local = 0; local < plan.nproc; local++) {
      const rank = plan.nodeRank * plan.nproc + local;
      const env: NodeJS.ProcessEnv = {
        ...(plan.env ?? process.env),
        RANK: String(rank),
        WORLD_SIZE: String(world),
        LOCAL_RANK: String(local),
        LOCAL_WORLD_SIZE: String(plan.nproc),
        GROUP_RANK: String(plan.nodeRank),
        MASTER_ADDR: plan.masterAddr,
        MASTER_PORT: String(plan.masterPort),
        ...(plan.timeoutMs ? { KINDLING_DIST_TIMEOUT_MS: String(plan.timeoutMs) } : {}),
      };
      const child = spawn(plan.argv[0]!, plan.argv.slice(1), {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      const entry = { rank, child, exited: false };
      children.push(entry);
      const prefix = `[rank ${rank}] `;
      createInterface({ input: child.stdout! }).on('line', (l) => out.write(`${prefix}${l}\n`));
      createInterface({ input: child.stderr! }).on('line', (l) => err.write(`${prefix}${l}\n`));
      child.on('error', (e) => say(`rank ${rank} could not start: ${e.message}`));
      child.on('close', (code, signal) => {
        entry.exited = true;
        remaining--;
        const failed = code !== 0 || signal !== null;
        if (failed && !stopping) {
          const f = { rank, code, signal };
          failures.push(f);
          if (interrupts === 0) say(`rank ${rank} (pid ${child.pid}) ${describeExit(f)}`);
          // A moment for the other ranks' own failures (they follow a dead peer within milliseconds),
          // so the report says who died first; then whoever is left is stopped.
          if (interrupts === 0 && !settle)
            settle = setTimeout(() => {
              const others = children.filter((c) => !c.exited).length;
              if (others) say(`stopping the other ${others} rank(s) on this node`);
              stopAll();
            }, 500);
        }
        if (remaining === 0) {
          clearTimeout(settle);
          process.removeListener('SIGINT', onSignal);
          process.removeListener('SIGTERM', onSignal);
          failures.sort((a, b) => Number(b.signal !== null) - Number(a.signal !== null));
          const first = failures[0];
          resolve({ code: first ? (first.code && first.code > 0 ? first.code : 1) : 0, failures });
        }
      });
    }
    say(
      `started ${plan.nproc} rank(s) of ${world}: ${children.map((c) => `rank ${c.rank} pid ${c.child.pid}`).join(', ')} (master ${plan.masterAddr}:${plan.masterPort})`,
    );
  });
}
