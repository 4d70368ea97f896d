// A stage call (src/pipeline/calls.ts) run through the same function its command runs: the options a
// call leaves out take the command's own defaults, read from its commander definition, so a stage
// and the printed command line behave alike (test/pipeline/stage-calls.test.ts parses one back).
import type { Command } from 'commander';
import type { StageCall, StageCommand } from '../pipeline/calls.js';
import { disableProgress, NO_PROGRESS_ENV } from '../util/progress.js';
import { distillStage } from './commands/distill.js';
import { evalStage, readEvalOptions } from './commands/eval.js';
import { grpoStage, readGrpoOptions } from './commands/grpo.js';
import { kkGenerateStage } from './commands/kk.js';
import { poolEvalsStage } from './commands/pool-evals.js';
import { reportStage } from './commands/report.js';
import { selectModelStage } from './commands/select-model.js';
import { readSftOptions, sftStage } from './commands/sft.js';
import { program } from './main.js';
import { readFoldersOptions } from './options.js';

interface StageEntry {
  /** The options of the command once commander has parsed it. */
  read: (cmd: Command) => object | Promise<object>;
  /** The command's function (each takes its own command's options: resolveCall builds them). */
  run: (o: never) => Promise<void>;
}

const plain = (cmd: Command) => ({ ...cmd.opts() });
const STAGES: Record<StageCommand, StageEntry> = {
  'kk generate': { read: plain, run: kkGenerateStage },
  distill: { read: plain, run: distillStage },
  sft: { read: readSftOptions, run: sftStage },
  grpo: { read: readGrpoOptions, run: grpoStage },
  eval: { read: readEvalOptions, run: evalStage },
  'select-model': { read: readFoldersOptions, run: selectModelStage },
  'pool-evals': { read: readFoldersOptions, run: poolEvalsStage },
  report: { read: readFoldersOptions, run: reportStage },
};

function findCommand(root: Command, command: StageCommand): Command {
  let cmd = root;
  for (const name of command.split(' ')) {
    const sub = cmd.commands.find((c) => c.name() === name);
    if (!sub) throw new Error(`no kindling command '${command}'`);
    cmd = sub;
  }
  return cmd;
}

/**
 * The options the command's function receives for this call: the command's defaults, then the
 * call's, each checked as the command line would check it (an unknown option or a bad value is
 * refused with the flag's name, as typing it would be).
 */
export function resolveCall(call: StageCall): Record<string, unknown> {
  const cmd = findCommand(program(), call.command);
  const given = call.options as Record<string, unknown>;
  for (const [key, value] of Object.entries(given)) {
    const trainer = call.command === 'sft' || call.command === 'grpo';
    if (value === undefined || key === 'dirs' || (key === 'settings' && trainer)) continue;
    const opt = cmd.options.find((o) => o.attributeName() === key);
    if (!opt) throw new Error(`kindling ${call.command}: no option '${key}' (${optionList(cmd)})`);
    const flag = opt.long ?? opt.flags;
    if (typeof value === 'boolean') {
      // a switch, or a value option's --no- form (distill's --no-top-k)
      const takesValue = opt.required || opt.optional;
      const negatable = cmd.options.some((o) => o.negate && o.attributeName() === key);
      if (takesValue && !(value === false && negatable))
        throw new Error(`kindling ${call.command}: ${flag} takes a value, got ${value}`);
      continue;
    }
    if (!opt.required && !opt.optional)
      throw new Error(`kindling ${call.command}: ${flag} is a switch, got ${JSON.stringify(value)}`);
    // the option's own parser (ranges, choices) on what the command line would carry
    const parse = opt.parseArg;
    if (parse)
      for (const v of Array.isArray(value) ? value : [value])
        try {
          parse(typeof v === 'string' ? v : JSON.stringify(v), undefined);
        } catch (e) {
          throw new Error(`kindling ${call.command}: ${(e as Error).message}`);
        }
  }
  // A fresh command holds its defaults as its option values (commander sets them when an option is added).
  return { ...cmd.opts(), ...given };
}

const optionList = (cmd: Command) =>
  cmd.options
    .map((o) => o.long)
    .filter(Boolean)
    .join(', ');

/** What the command's function receives when `argv` (as `commandLine` writes it) is typed at the prompt. */
export async function parseCommandLine(argv: readonly string[]): Promise<Record<string, unknown>> {
  const p = program();
  const entry = Object.entries(STAGES).find(([c]) => argv.join(' ').startsWith(`${c} `));
  if (!entry) throw new Error(`not a stage command: ${argv.join(' ')}`);
  const cmd = findCommand(p, entry[0] as StageCommand);
  let got: object | null = null;
  cmd.action(async () => {
    got = await entry[1].read(cmd);
  });
  const before = process.env[NO_PROGRESS_ENV];
  try {
    await p.parseAsync(['node', 'kindling', ...argv]);
  } finally {
    // The --no-progress hook would switch progress off for this whole process.
    if (before === undefined) delete process.env[NO_PROGRESS_ENV];
    else process.env[NO_PROGRESS_ENV] = before;
  }
  if (!got) throw new Error(`kindling ${argv.join(' ')}: the command did not run`);
  return { ...(got as object) };
}

/** Runs the call in this process, as `kindling <commandLine(call)>` would. */
export async function runCall(call: StageCall): Promise<void> {
  const o = resolveCall(call);
  if (o.progress === false) disableProgress();
  await STAGES[call.command].run(o as never);
}
