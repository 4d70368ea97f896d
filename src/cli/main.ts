// The `kindling` command line: one file per command in ./commands, registered here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { REPO_ROOT } from '../paths.js';
import { disableProgress } from '../util/progress.js';
import { registerBench } from './commands/bench.js';
import { registerDistill } from './commands/distill.js';
import { registerDoctor } from './commands/doctor.js';
import { registerEval } from './commands/eval.js';
import { registerGenerate } from './commands/generate.js';
import { registerGrpo } from './commands/grpo.js';
import { registerKk } from './commands/kk.js';
import { registerLaunch } from './commands/launch.js';
import { registerModel } from './commands/model.js';
import { registerPoolEvals } from './commands/pool-evals.js';
import { registerPretrain } from './commands/pretrain.js';
import { registerReport } from './commands/report.js';
import { registerRun } from './commands/run.js';
import { registerSelectModel } from './commands/select-model.js';
import { registerServe } from './commands/serve.js';
import { registerSft } from './commands/sft.js';
import { registerSmoke } from './commands/smoke.js';
import { registerVerify } from './commands/verify.js';
import { registerVerifyCode } from './commands/verify-code.js';

export function program(): Command {
  const p = new Command('kindling')
    .description('Warm up a base model on Knights & Knaves reasoning traces, then RLVR on ≤100 target examples.')
    // Our own package.json (npm_package_version is the calling project's under npx).
    .version(packageVersion())
    .showHelpAfterError()
    .exitOverride();
  registerDoctor(p);
  registerBench(p);
  registerSmoke(p);
  registerEval(p);
  registerPoolEvals(p);
  registerSelectModel(p);
  registerReport(p);
  registerKk(p);
  registerDistill(p);
  registerModel(p);
  registerGenerate(p);
  registerServe(p);
  registerPretrain(p);
  registerSft(p);
  registerRun(p);
  registerGrpo(p);
  registerLaunch(p);
  const verify = registerVerify(p); // domains outside tasks/math and tasks/mcq attach `verify <name>` to this
  registerVerifyCode(verify);
  addNoProgress(p);
  // --no-progress holds for the whole process and the stages it starts (they inherit the variable).
  p.hook('preAction', (_root, action) => {
    if (action.opts().progress === false) disableProgress();
  });
  return p;
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Every command takes --no-progress: no progress output at all; the final summary line stays. */
function addNoProgress(cmd: Command): void {
  if (cmd.commands.length) {
    for (const c of cmd.commands) addNoProgress(c);
    return;
  }
  if (!cmd.options.some((o) => o.long === '--no-progress'))
    cmd.option('--no-progress', 'no progress output (the final summary line stays)');
}

export async function run(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) process.exit(e.exitCode);
    exitWithError(e);
  }
}

/** Expected failures (bad input, missing files) print one clear line; set KINDLING_DEBUG=1 for the stack. */
export function exitWithError(e: unknown): never {
  const msg = e instanceof Error ? (process.env.KINDLING_DEBUG ? (e.stack ?? e.message) : e.message) : String(e);
  console.error(`kindling: ${msg}`);
  process.exit(1);
}
