// `kindling distill`: ask a teacher (an OpenAI-compatible endpoint, or the built-in symbolic one) to
// solve K&K puzzles and keep its traces — stage 1 of the method. Resumable, retrying, append-only.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { DistillOptions } from '../../pipeline/calls.js';
import { PAPER_PROMPTS } from '../../tasks/prompts.js';
import { Progress } from '../../util/progress.js';
import { parseFloatOption, parseIntOption } from '../options.js';

const collect = (v: string, prev: string[] | undefined) => [...(prev ?? []), v];
const oneOf =
  <T extends string>(name: string, values: readonly T[]) =>
  (v: string): T => {
    if (!values.includes(v as T))
      throw new InvalidArgumentError(`${name} must be one of ${values.join(', ')}; got '${v}'`);
    return v as T;
  };
const seconds = (name: string) => (v: string) => parseFloatOption(name, 0.001)(v);

export function registerDistill(program: Command): Command {
  const cmd = program.command('distill');
  return cmd
    .description(
      'ask a teacher to solve K&K puzzles and keep its traces as {id, puzzle_id, sample, people, prompt, completion, finish_reason, reward, correct, completion_tokens, teacher, params} rows; re-running the same command resumes (done keys are skipped), failures go to <out stem>.failed.jsonl',
    )
    .requiredOption(
      '--teacher <spec>',
      "'symbolic' (built-in trace writer) or 'openai:URL#MODEL' (any OpenAI-compatible endpoint)",
    )
    .requiredOption(
      '--puzzles <file>',
      'puzzles: .jsonl or .parquet rows with `quiz` and `solution_text_format` (repeat for several)',
      collect,
    )
    .requiredOption('--out <file>', 'output .jsonl (appended to; keyed by puzzle_id and sample)')
    .option(
      '--samples-per-puzzle <n>',
      "samples per puzzle (the paper's default)",
      parseIntOption('--samples-per-puzzle', 1),
      4,
    )
    .option('--limit <n>', 'use the first n puzzles', parseIntOption('--limit', 1))
    .option(
      '--temperature <t>',
      "sampling temperature (the paper's default)",
      parseFloatOption('--temperature', 0, 10),
      0.6,
    )
    .option('--top-p <p>', "nucleus sampling (the paper's default)", parseFloatOption('--top-p', 0, 1), 0.95)
    .option('--top-k <k>', "top-k, sent as a vLLM extra field (the paper's default)", parseIntOption('--top-k', -1), 40)
    .option('--no-top-k', 'do not send top_k (OpenAI itself rejects it)')
    .option('--min-p <p>', 'min-p, sent as a vLLM extra field (default: not sent)', parseFloatOption('--min-p', 0, 1))
    .option(
      '--seed <n>',
      'base seed: openai sends a per-request seed derived from it; symbolic default 0',
      parseIntOption('--seed', 0),
    )
    .option('--max-tokens <n>', "completion length cap (the paper's default)", parseIntOption('--max-tokens', 1), 8192)
    .option(
      '--stop <s>',
      `stop string (repeat for several; default the paper's ${JSON.stringify(PAPER_PROMPTS.stops.teacher)})`,
      collect,
    )
    .option(
      '--api <kind>',
      "'completions' (raw prompt, the paper's way) or 'chat'",
      oneOf('--api', ['completions', 'chat'] as const),
      'completions',
    )
    .option(
      '--append-answer-close <when>',
      "put '</answer>' back: 'stop' (when the sample stopped on it), 'always' (the authors' script), 'never'",
      oneOf('--append-answer-close', ['stop', 'always', 'never'] as const),
      'stop',
    )
    .option('--api-key-env <name>', 'environment variable holding the API key', 'OPENAI_API_KEY')
    .option('--concurrency <n>', 'requests in flight at once', parseIntOption('--concurrency', 1), 16)
    .option(
      '--filter <which>',
      "rows kept in --out: 'none' (all, as the paper), 'format' (pass the format gate) or 'correct'; the rest go to <stem>.filtered.jsonl",
      oneOf('--filter', ['none', 'format', 'correct'] as const),
      'none',
    )
    .option('--request-timeout <s>', 'deadline for one request, seconds', seconds('--request-timeout'), 1200)
    .option(
      '--max-attempts <n>',
      'attempts per request before its keys are recorded as failed',
      parseIntOption('--max-attempts', 1),
      6,
    )
    .option('--backoff <s>', 'first retry delay, seconds (doubles per attempt, with jitter)', seconds('--backoff'), 1)
    .option(
      '--backoff-max <s>',
      'longest retry delay, seconds (a Retry-After may ask for more)',
      seconds('--backoff-max'),
      60,
    )
    .option(
      '--max-consecutive-failures <n>',
      'stop the run when this many puzzles in a row failed for good',
      parseIntOption('--max-consecutive-failures', 1),
      50,
    )
    .option('--no-retry-failed', 'skip keys that earlier runs recorded as failed (default: retry them)')
    .option('--tokenizer <dir>', 'count completion_tokens with this Hugging Face tokenizer folder')
    .option('--summary <file>', 'also write the summary as JSON here')
    .option(
      '--slip-rate <p>',
      'symbolic: probability of a caught-and-corrected slip',
      parseFloatOption('--slip-rate', 0, 1),
      0,
    )
    .option(
      '--wrong-rate <p>',
      'symbolic: probability of a deliberately wrong answer',
      parseFloatOption('--wrong-rate', 0, 1),
      0,
    )
    .option(
      '--verbosity <level>',
      'symbolic: low | medium | high',
      oneOf('--verbosity', ['low', 'medium', 'high'] as const),
      'high',
    )
    .action(() => distillStage({ ...cmd.opts<DistillOptions>() }));
}

/** `kindling distill`: ask the teacher, keep the traces, print the summary; exit code 130 when interrupted. */
export async function distillStage(o: DistillOptions): Promise<void> {
  const d = await import('../../distill/index.js');
  const spec = d.parseTeacherSpec(o.teacher);
  let countTokens: ((t: string) => number) | undefined;
  if (o.tokenizer) {
    const { loadTokenizer } = await import('../../tokenizer/index.js');
    const tok = loadTokenizer(o.tokenizer);
    countTokens = (t) => tok.encode(t, { addSpecialTokens: false }).length;
  }
  const puzzles = await d.loadPuzzles(o.puzzles, o.limit);
  const teacher =
    spec.kind === 'symbolic'
      ? new d.SymbolicTeacher({
          seed: o.seed ?? 0,
          slipRate: o.slipRate,
          wrongRate: o.wrongRate,
          verbosity: o.verbosity,
        })
      : await d
          .createOpenAITeacher({
            baseURL: spec.baseURL,
            ...(spec.model ? { model: spec.model } : {}),
            api: o.api,
            apiKey: process.env[o.apiKeyEnv],
            temperature: o.temperature,
            topP: o.topP,
            ...(o.topK !== false ? { topK: o.topK } : {}),
            ...(o.minP !== undefined ? { minP: o.minP } : {}),
            ...(o.seed !== undefined ? { seed: o.seed } : {}),
            maxTokens: o.maxTokens,
            stop: o.stop ?? PAPER_PROMPTS.stops.teacher,
            appendAnswerClose: o.appendAnswerClose,
            requestTimeoutMs: o.requestTimeout * 1000,
          })
          .catch((e: Error) => {
            throw new Error(`--teacher ${o.teacher}: ${e.message}`);
          });
  const bar = new Progress({ label: 'distill', unit: 'samples' });
  const tty = Boolean(process.stderr.isTTY);
  const say = (line: string) => process.stderr.write(tty ? `\r\x1b[2K${line}\n` : `${line}\n`);
  const builder = new d.DatasetBuilder({
    puzzles,
    teacher,
    out: o.out,
    samplesPerPuzzle: o.samplesPerPuzzle,
    concurrency: o.concurrency,
    filter: o.filter,
    maxAttempts: o.maxAttempts,
    backoff: { baseMs: o.backoff * 1000, maxMs: o.backoffMax * 1000 },
    maxConsecutiveFailures: o.maxConsecutiveFailures,
    retryFailed: o.retryFailed,
    ...(countTokens ? { countTokens } : {}),
    onProgress: (p) => {
      bar.total = p.total;
      bar.set(p.done, `errors ${p.errors}  failed ${p.failed}  in flight ${p.inFlight}`);
    },
    log: say,
  });
  // Ctrl-C: finish and write the requests in flight; a second Ctrl-C (or SIGTERM) cancels them.
  let interrupts = 0;
  const onInt = () => {
    interrupts++;
    if (interrupts === 1) {
      say('distill: stopping — finishing the requests in flight (Ctrl-C again to cancel them)');
      builder.stop();
    } else builder.abort();
  };
  const onTerm = () => builder.abort();
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  let summary: Awaited<ReturnType<typeof builder.run>>;
  try {
    summary = await builder.run();
  } finally {
    bar.close();
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
  console.log(d.formatSummary(summary));
  if (o.summary) writeFileSync(o.summary, `${JSON.stringify(summary, null, 2)}\n`);
  if (summary.status === 'aborted') throw new Error(`distill stopped: ${summary.error}`);
  if (summary.status === 'interrupted') {
    console.error('distill: interrupted; re-run the same command to resume');
    process.exitCode = 130;
  }
}
