// `kindling verify code --in F.jsonl [--out G.jsonl]`: judge programs on HumanEval+ / MBPP+ /
// HumanEval rows in the code sandbox. Rows are evalplus-format problems (task_id, prompt, entry_point,
// canonical_solution, base_input, plus_input, atol — HumanEvalPlus.jsonl and MbppPlus.jsonl rows as
// released; or test for plain HumanEval) plus `completion`, a full program. Rows are read as Python writes JSON (NaN/Infinity, big integers) and echoed
// member by member from their source text, so nothing in them changes; the verdict fields follow.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { SandboxPool } from '../../sandbox/index.js';
import {
  type CheckOptions,
  checkProgram,
  groundTruth,
  hasEvalplusInputs,
  jsonlLines,
  parseCodeRow,
  readJsonlText,
} from '../../tasks/code/index.js';
import { Progress } from '../../util/progress.js';
import { parseIntOption } from '../options.js';

interface VerifyCodeOptions {
  in: string;
  out?: string;
  concurrency: number;
  memoryMb: number;
  minTimeLimitMs: number;
  timeLimitFactor: number;
  sampleCapMs: number;
  strictTypes: boolean;
  cache: boolean;
  cacheDir?: string;
  quiet?: boolean;
}

const ADDED = ['base_passed', 'plus_passed', 'passed', 'status', 'base_status', 'plus_status', 'detail'] as const;

/** The row's members from their source text, minus those the verdict replaces, then the verdict. */
function echo(raw: Map<string, string>, added: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of raw) if (!(k in added)) parts.push(`${JSON.stringify(k)}: ${v}`);
  for (const [k, v] of Object.entries(added)) parts.push(`${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return `{${parts.join(', ')}}`;
}

export async function verifyCodeFile(
  o: VerifyCodeOptions,
): Promise<{ rows: number; passed: number; reference_error: number }> {
  let text: string;
  try {
    text = readJsonlText(o.in);
  } catch (e) {
    throw new Error(`${o.in}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  // Validate every row before starting the sandbox: bad input fails fast with file:line and field.
  const rows = jsonlLines(text).map(({ line, lineNo }) => {
    const where = `${o.in}:${lineNo}`;
    const { problem, fields, raw } = parseCodeRow(line, where);
    const completion = fields.completion;
    if (typeof completion !== 'string')
      throw new Error(
        `${where}: field 'completion' must be a string (a full program)${completion === undefined ? ' (missing)' : ''}`,
      );
    return { where, problem, completion, raw };
  });
  const check: CheckOptions = {
    minTimeLimitMs: o.minTimeLimitMs,
    timeLimitFactor: o.timeLimitFactor,
    sampleCapMs: o.sampleCapMs,
    strictOutputTypes: o.strictTypes,
    // --cache-dir is the cache root, like $KINDLING_CACHE; expected outputs go in its evalplus-expected/.
    cacheDir: o.cache ? (o.cacheDir ? join(o.cacheDir, 'evalplus-expected') : undefined) : null,
  };
  const toStdout = o.out === undefined || o.out === '-';
  const out = toStdout ? process.stdout : createWriteStream(o.out!);
  const bar = o.quiet ? null : new Progress({ label: 'verify code', total: rows.length, unit: 'row' });
  const pool = new SandboxPool({ workers: o.concurrency, memoryLimitMb: o.memoryMb });
  // Ask for every problem's expected outputs at once: they are then computed many per job. A failure
  // is not lost: groundTruth memoises the promise, and each row's own evaluation awaits it and reports it.
  for (const r of rows) if (hasEvalplusInputs(r.problem)) groundTruth(pool, r.problem, check).catch(() => {});
  const counts = { passed: 0, reference_error: 0 };
  const results: (string | undefined)[] = new Array(rows.length);
  let written = 0;
  let next = 0;
  const flush = async () => {
    while (written < rows.length && results[written] !== undefined) {
      if (!out.write(`${results[written]}\n`)) await once(out, 'drain');
      results[written] = undefined;
      written++;
    }
  };
  // Keep every worker busy while the next row's data is prepared.
  const lane = async () => {
    while (next < rows.length) {
      const k = next++;
      const r = rows[k]!;
      let verdict: Awaited<ReturnType<typeof checkProgram>>;
      try {
        verdict = await checkProgram(pool, r.problem, r.completion, check);
      } catch (e) {
        throw new Error(`${r.where}: ${(e as Error).message}`);
      }
      const added: Record<string, unknown> = {};
      for (const key of ADDED) added[key] = verdict[key];
      // A row whose reference solution fails is that row's error; the others are still judged.
      if (verdict.reference_error !== undefined) {
        added.reference_error = verdict.reference_error;
        counts.reference_error++;
        process.stderr.write(`kindling: ${r.where}: ${verdict.reference_error}\n`);
      } else if (verdict.passed) counts.passed++;
      results[k] = echo(r.raw, added);
      bar?.tick();
      await flush();
    }
  };
  try {
    await Promise.all(Array.from({ length: pool.size * 2 }, lane));
  } finally {
    bar?.close();
    await pool.close();
    if (!toStdout) {
      (out as ReturnType<typeof createWriteStream>).end();
      await once(out, 'finish');
    }
  }
  return { rows: rows.length, ...counts };
}

/** The run's one summary line (kept with --no-progress). */
export function verifyCodeSummary(r: { rows: number; passed: number; reference_error: number }): string {
  const judged = r.rows - r.reference_error;
  const refs = r.reference_error
    ? `; ${r.reference_error} row${r.reference_error === 1 ? '' : 's'} not judged: the reference solution failed (reference_error)`
    : '';
  return `verify code: ${r.passed}/${judged} judged rows passed${refs}`;
}

function parseFactor(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--time-limit-factor must be a positive number, got '${value}'`);
  return n;
}

export function registerVerifyCode(verify: Command): Command {
  return verify
    .command('code')
    .description(
      'rows = HumanEval+/MBPP+/HumanEval problems + completion (a full program): does it pass? (evalplus semantics, Pyodide sandbox)',
    )
    .requiredOption(
      '--in <file>',
      'input JSONL (or .jsonl.gz): evalplus rows as in HumanEvalPlus.jsonl / MbppPlus.jsonl {task_id, prompt, entry_point, canonical_solution, base_input, plus_input, atol} or HumanEval rows {…, test}, plus "completion"',
    )
    .option('--out <file>', "output JSONL ('-' = stdout, the default)")
    .option('--concurrency <n>', 'sandbox worker threads', parseIntOption('--concurrency', 1, 64), 2)
    .option(
      '--memory-mb <n>',
      "memory cap of one program's interpreter, MiB",
      parseIntOption('--memory-mb', 64, 4096),
      1024,
    )
    .option(
      '--min-time-limit-ms <n>',
      'floor of the per-input time limit',
      parseIntOption('--min-time-limit-ms', 1),
      4000,
    )
    .option(
      '--time-limit-factor <x>',
      'per-input limit = max(floor, factor × the reference solution’s time)',
      parseFactor,
      4,
    )
    .option(
      '--sample-cap-ms <n>',
      'cap on the summed per-input limits of one sample',
      parseIntOption('--sample-cap-ms', 1),
      60000,
    )
    .option(
      '--no-strict-types',
      'accept outputs that are not built-in values (evalplus does; an object with a custom __eq__ can then pass)',
    )
    .option('--cache-dir <dir>', 'where expected outputs are cached (default $KINDLING_CACHE or ~/.cache/kindling)')
    .option('--no-cache', 'recompute expected outputs instead of reading/writing the cache')
    .option('--quiet', 'no progress on stderr')
    .addHelpText(
      'after',
      [
        '',
        'Adds: base_passed, plus_passed (null for HumanEval rows), passed (base ∧ plus), status (pass | fail | timeout | error),',
        'base_status, plus_status, detail. Expected outputs come from running prompt + canonical_solution in the sandbox (cached).',
        "MBPP+ rows (task_id 'Mbpp/N') get evalplus's per-task input decoding (tuples, sets, complex numbers) and its",
        'MBPP oracles. A row whose canonical solution fails is not judged: status error, base/plus_status skipped,',
        'reference_error = why; the run goes on and the summary line on stderr counts such rows.',
      ].join('\n'),
    )
    .action(async (o: VerifyCodeOptions) => {
      process.stderr.write(`${verifyCodeSummary(await verifyCodeFile(o))}\n`);
    });
}
