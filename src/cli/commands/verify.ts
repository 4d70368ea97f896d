// `kindling verify <math|mcq|…> --in F.jsonl [--out G.jsonl]`: judge model outputs row by row.
// Every input row is echoed with fields added; `--out -` or no --out writes JSONL to stdout.
// registerVerify() returns the `verify` command so other domains attach their own subcommands
// (`verify code` lives with the code sandbox); processJsonl() is the shared row loop.

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { Progress } from '../../util/progress.js';
import { parseIntOption } from '../options.js';

export type Row = Record<string, unknown>;

export interface JsonlJob {
  /** Input JSONL file. */
  input: string;
  /** Output file; '-' or undefined → stdout. */
  output?: string;
  /** Name shown in progress lines, e.g. 'verify math'. */
  label: string;
  /** Rows judged at once (the handler may use a pool). */
  concurrency?: number;
  /** Suppress progress output. */
  quiet?: boolean;
  /** Fields added to one row. Throw an Error to reject bad input; the message gets file:line. */
  handle(row: Row): Promise<Row> | Row;
}

/** Reads `input`, runs `handle` on each row (in order, `concurrency` at a time), writes JSONL. */
export async function processJsonl(job: JsonlJob): Promise<{ rows: number }> {
  let text: string;
  try {
    text = await readFile(job.input, 'utf8');
  } catch (e) {
    throw new Error(`${job.input}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const rows: { row: Row; line: number }[] = [];
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    let row: unknown;
    try {
      row = JSON.parse(raw);
    } catch (e) {
      throw new Error(`${job.input}:${i + 1}: not JSON (${(e as Error).message})`);
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row))
      throw new Error(`${job.input}:${i + 1}: each line must be a JSON object`);
    rows.push({ row: row as Row, line: i + 1 });
  });

  const toStdout = job.output === undefined || job.output === '-';
  const out = toStdout ? process.stdout : createWriteStream(job.output!);
  const progress = job.quiet ? null : new Progress({ label: job.label, total: rows.length, unit: 'row' });
  const results: (Row | undefined)[] = new Array(rows.length);
  let written = 0;
  const flush = async () => {
    while (written < rows.length && results[written]) {
      if (!out.write(`${JSON.stringify(results[written])}\n`)) await once(out, 'drain');
      results[written] = undefined;
      written++;
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const k = next++;
      const { row, line } = rows[k]!;
      let added: Row;
      try {
        added = await job.handle(row);
      } catch (e) {
        throw new Error(`${job.input}:${line}: ${(e as Error).message}`);
      }
      results[k] = { ...row, ...added };
      progress?.tick();
      await flush();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, job.concurrency ?? 1) }, worker));
  } finally {
    progress?.close();
    if (!toStdout) {
      (out as ReturnType<typeof createWriteStream>).end();
      await once(out, 'finish');
    }
  }
  return { rows: rows.length };
}

function requireString(row: Row, field: string): string {
  const v = row[field];
  if (typeof v !== 'string')
    throw new Error(
      `field '${field}' must be a string${v === undefined ? ' (missing)' : `, got ${JSON.stringify(v)}`}`,
    );
  return v;
}

interface MathFlags {
  in: string;
  out?: string;
  timeoutMs: number;
  concurrency: number;
  floatRounding: number;
  strict: boolean;
  allowSetRelationComp?: boolean;
  extraction?: ('latex' | 'expr')[];
  quiet?: boolean;
}

function parseExtraction(value: string): ('latex' | 'expr')[] {
  const parts = value.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p !== 'latex' && p !== 'expr'))
    throw new InvalidArgumentError(`--extraction must be latex, expr or latex,expr; got '${value}'`);
  return [...new Set(parts)] as ('latex' | 'expr')[];
}

function parseChain(value: string): 'paper' | 'official' {
  if (value !== 'paper' && value !== 'official')
    throw new InvalidArgumentError(`--chain must be 'paper' or 'official', got '${value}'`);
  return value;
}

export function registerVerify(program: Command): Command {
  const verify = program
    .command('verify')
    .description('judge model outputs in a JSONL file with the domain verifiers (rows are echoed with fields added)');

  verify
    .command('math')
    .description('rows {gold, pred}: is the answer in pred equivalent to gold? (math-verify semantics)')
    .requiredOption('--in <file>', 'input JSONL: {"gold": reference answer, "pred": any model output}')
    .option('--out <file>', "output JSONL ('-' = stdout, the default)")
    .option(
      '--timeout-ms <n>',
      'time limit per check; a check past it is stopped and reported as reason "timeout"',
      parseIntOption('--timeout-ms', 1),
      5000,
    )
    .option('--concurrency <n>', 'worker threads', parseIntOption('--concurrency', 1, 64), 1)
    .option(
      '--float-rounding <n>',
      "decimal places floats are rounded to before comparing (math-verify's float_rounding)",
      parseIntOption('--float-rounding', 0, 15),
      6,
    )
    .option('--no-strict', "math-verify's strict=False: sets equal tuples, variables match by position")
    .option(
      '--allow-set-relation-comp',
      "math-verify's allow_set_relation_comp: a predicted relation (1<x<2) also equals a gold interval",
    )
    .option(
      '--extraction <targets>',
      "what is searched for in pred: latex, expr or latex,expr (math-verify's extraction_config; default latex,expr)",
      parseExtraction,
    )
    .option('--quiet', 'no progress on stderr')
    .addHelpText(
      'after',
      '\nAdds: equivalent (bool), pred_extracted, gold_extracted, reason (equal:<rule> | different | no_answer | gold_unparsed | timeout).' +
        "\nThe defaults are math-verify's (and the paper's): --float-rounding 6, strict, no set-relation comparison, latex,expr.",
    )
    .action(async (o: MathFlags) => {
      const { MathCheckPool } = await import('../../tasks/math/pool.js');
      const pool = new MathCheckPool({
        size: o.concurrency,
        timeoutMs: o.timeoutMs,
        verify: {
          floatRounding: o.floatRounding,
          strict: o.strict,
          allowSetRelationComp: o.allowSetRelationComp ?? false,
          ...(o.extraction ? { extraction: o.extraction } : {}),
        },
      });
      try {
        await processJsonl({
          input: o.in,
          output: o.out,
          label: 'verify math',
          concurrency: o.concurrency,
          quiet: o.quiet,
          async handle(row) {
            const v = await pool.verify(requireString(row, 'gold'), requireString(row, 'pred'));
            return {
              equivalent: v.equivalent,
              pred_extracted: v.predExtracted,
              gold_extracted: v.goldExtracted,
              reason: v.reason,
            };
          },
        });
      } finally {
        await pool.close();
      }
    });

  verify
    .command('mcq')
    .description('rows {response, num_options?}: the answer letter by the paper or the official MMLU-Pro chain')
    .requiredOption('--in <file>', 'input JSONL: {"response": model output, "num_options": optional option count}')
    .option('--out <file>', "output JSONL ('-' = stdout, the default)")
    .option(
      '--chain <name>',
      'paper (\\boxed{X} → <answer>X → last letter) or official ("answer is (X)" → "Answer: X" → last letter)',
      parseChain,
      'paper',
    )
    .option(
      '--guess-seed <n>',
      'when no letter is found and num_options is given, add "guess": a seeded random letter (the official fallback)',
      parseIntOption('--guess-seed', 0),
    )
    .option('--quiet', 'no progress on stderr')
    .addHelpText(
      'after',
      '\nAdds: pred (letter or null), rule (which rule matched), and guess when --guess-seed is set.',
    )
    .action(
      async (o: { in: string; out?: string; chain: 'paper' | 'official'; guessSeed?: number; quiet?: boolean }) => {
        const { extractLetter } = await import('../../tasks/mcq/extract.js');
        const { randomGuess } = await import('../../tasks/mcq/random.js');
        let index = 0;
        await processJsonl({
          input: o.in,
          output: o.out,
          label: 'verify mcq',
          quiet: o.quiet,
          handle(row) {
            const response = requireString(row, 'response');
            const n = row.num_options;
            if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 26))
              throw new Error(`field 'num_options' must be an integer in [1, 26], got ${JSON.stringify(n)}`);
            const { letter, rule } = extractLetter(response, o.chain);
            const added: Row = { pred: letter, rule };
            const key = `${index++}\u0000${response}`;
            if (o.guessSeed !== undefined && letter === null && typeof n === 'number')
              added.guess = String.fromCharCode(65 + randomGuess(n, o.guessSeed, key));
            return added;
          },
        });
      },
    );

  return verify;
}
