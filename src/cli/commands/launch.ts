// `kindling launch`: runs a kindling command as N data-parallel ranks (torchrun's job, for kindling).
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { REPO_ROOT } from '../../paths.js';
import { parseFloatOption, parseIntOption } from '../options.js';

function parseMaster(value: string): { addr: string; port: number } {
  const m = /^(.+):(\d+)$/.exec(value);
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || !(port >= 1 && port <= 65535))
    throw new InvalidArgumentError(`--master must be ADDR:PORT (e.g. 10.0.0.1:29500), got '${value}'`);
  return { addr: m[1]!.replace(/^\[(.*)\]$/, '$1'), port };
}

/** A TCP port nobody listens on right now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function registerLaunch(program: Command): void {
  program
    .command('launch')
    .description('run a kindling command (sft, grpo) as data-parallel ranks over torch.distributed and supervise them')
    .requiredOption('--nproc <n>', 'ranks (processes) on this node', parseIntOption('--nproc', 1))
    .option('--nnodes <n>', 'nodes in the job', parseIntOption('--nnodes', 1), 1)
    .option('--node-rank <r>', "this node's index in [0, nnodes)", parseIntOption('--node-rank', 0), 0)
    .option(
      '--master <addr:port>',
      'where rank 0 hosts the rendezvous (required with --nnodes > 1; default 127.0.0.1 and a free port)',
      parseMaster,
    )
    .option(
      '--timeout <seconds>',
      'a collective (or the rendezvous) that waits longer than this fails the job',
      parseFloatOption('--timeout', 1),
      1800,
    )
    .argument('<command...>', 'the kindling command and its options, after --')
    .addHelpText(
      'after',
      `
Each rank runs \`kindling <command…>\` with RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR and
MASTER_PORT set (torchrun's variables); its output lines are prefixed with [rank N]. CPU training
uses Gloo, CUDA training NCCL (device cuda becomes cuda:LOCAL_RANK). Only rank 0 writes checkpoints,
metrics and samples. When a rank dies the others are stopped and launch exits non-zero naming it.
Ctrl-C once: every rank finishes its step and saves a checkpoint; twice: they are killed.

An SFT step is the same gradient_accumulation_steps micro-batches whatever the number of ranks (dealt
round-robin), so a run's losses and checkpoints do not depend on the world size and --resume works
with a different one. GRPO splits each step's prompts across ranks (a prompt's group stays on one).

Examples:
  kindling launch --nproc 2 -- sft --model runs/base --data traces.jsonl --out runs/warmup --gradient_accumulation_steps 4
  kindling launch --nproc 4 --nnodes 2 --node-rank 0 --master 10.0.0.1:29500 -- grpo --model runs/warmup/model --task kk --out runs/rl
Details: docs/distributed.md`,
    )
    .action(
      async (
        command: string[],
        o: {
          nproc: number;
          nnodes: number;
          nodeRank: number;
          master?: { addr: string; port: number };
          timeout: number;
        },
      ) => {
        if (o.nodeRank >= o.nnodes) throw new Error(`--node-rank ${o.nodeRank} must be less than --nnodes ${o.nnodes}`);
        if (o.nnodes > 1 && !o.master)
          throw new Error(
            '--master ADDR:PORT is required with --nnodes > 1 (the address of node 0, reachable from every node)',
          );
        if (command[0] === 'launch') throw new Error('kindling launch cannot launch itself');
        const master = o.master ?? { addr: '127.0.0.1', port: await freePort() };
        const { describeExit, launchRanks } = await import('../rank-supervisor.js');
        const r = await launchRanks({
          nproc: o.nproc,
          nnodes: o.nnodes,
          nodeRank: o.nodeRank,
          masterAddr: master.addr,
          masterPort: master.port,
          argv: [process.execPath, join(REPO_ROOT, 'bin', 'kindling.js'), ...command],
          timeoutMs: Math.round(o.timeout * 1000),
        });
        if (r.failures.length) {
          const what = r.failures.map((f) => `rank ${f.rank} ${describeExit(f)}`).join('; then ');
          process.stderr.write(`kindling launch: failed — ${what} (each rank's output above is prefixed [rank N])\n`);
        }
        process.exitCode = r.code;
      },
    );
}
