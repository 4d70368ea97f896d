// Loaders for HumanEval+ and MBPP+ (evalplus's HumanEvalPlus.jsonl / MbppPlus.jsonl; one row format)
// and the original HumanEval, read in place from the shared data folder. Rows are parsed with Python's JSON flavour (NaN/Infinity literals,
// big integers); test inputs are kept as their exact text. Bad rows fail with file:line and field.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { sharedDataDir } from '../../paths.js';
import { LooseJsonError, type LooseValue, parseLooseObjectSpans } from './json-loose.js';
import type { CodeProblem } from './problem.js';

export function defaultHumanEvalPlusPath(dataDir = sharedDataDir()): string {
  return join(dataDir, 'humanevalplus', 'HumanEvalPlus.jsonl');
}

export function defaultHumanEvalPath(dataDir = sharedDataDir()): string {
  return join(dataDir, 'humaneval', 'HumanEval.jsonl');
}

/**
 * evalplus's MBPP+ release file (MbppPlus.jsonl, or MbppPlus-v0.2.0.jsonl.gz as downloaded): no
 * copy ships with kindling. $KINDLING_MBPPPLUS names the file (it wins over any data folder);
 * otherwise `<data>/mbppplus/`.
 */
export function defaultMbppPlusPath(dataDir?: string): string {
  const env = process.env.KINDLING_MBPPPLUS;
  if (env) return env;
  return join(dataDir ?? sharedDataDir(), 'mbppplus', 'MbppPlus.jsonl');
}

const HOW_TO_GET: Record<string, string> = {
  'HumanEval+':
    'evalplus release HumanEvalPlus.jsonl[.gz] (github.com/evalplus/humanevalplus_release); put it at <data>/humanevalplus/HumanEvalPlus.jsonl or pass --data-dir',
  HumanEval: "OpenAI's HumanEval.jsonl[.gz]; put it at <data>/humaneval/HumanEval.jsonl or pass --data-dir",
  'MBPP+':
    'evalplus release MbppPlus.jsonl[.gz] (github.com/evalplus/mbppplus_release, v0.2.0); set KINDLING_MBPPPLUS=<file>, put it at <data>/mbppplus/MbppPlus.jsonl or pass --data-dir',
};

/** Reads a .jsonl file, or its .jsonl.gz sibling when only that exists. */
export function readJsonlText(file: string): string {
  if (existsSync(file)) {
    const buf = readFileSync(file);
    return (file.endsWith('.gz') ? gunzipSync(buf) : buf).toString('utf8');
  }
  if (!file.endsWith('.gz') && existsSync(`${file}.gz`)) return gunzipSync(readFileSync(`${file}.gz`)).toString('utf8');
  throw new Error(`${file}: no such file`);
}

export interface ParsedRow {
  problem: CodeProblem;
  /** All fields of the row (big integers as BigInt). */
  fields: Record<string, LooseValue>;
  /** Each field's exact source text, in row order. */
  raw: Map<string, string>;
}

function str(fields: Record<string, LooseValue>, key: string, where: string, fallback?: string): string {
  const v = fields[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'string')
    throw new Error(`${where}: field '${key}' must be a string${v === undefined ? ' (missing)' : ''}`);
  return v;
}

/** Checks a base_input/plus_input value: a list of argument lists. Returns its length. */
function inputList(v: LooseValue | undefined, key: string, where: string): number {
  if (!Array.isArray(v))
    throw new Error(`${where}: field '${key}' must be a list of argument lists${v === undefined ? ' (missing)' : ''}`);
  v.forEach((args, i) => {
    if (!Array.isArray(args)) throw new Error(`${where}: field '${key}' item ${i} must be a list of arguments`);
  });
  return v.length;
}

/**
 * Parses one evalplus-format row. Required: task_id, entry_point, canonical_solution, and either
 * base_input + plus_input (HumanEval+) or test (HumanEval). prompt defaults to '', atol to 0.
 */
export function parseCodeRow(line: string, where: string): ParsedRow {
  let parsed: ReturnType<typeof parseLooseObjectSpans>;
  try {
    parsed = parseLooseObjectSpans(line);
  } catch (e) {
    if (e instanceof LooseJsonError) throw new Error(`${where}: not a JSON object: ${e.message}`);
    throw e;
  }
  const f = parsed.value;
  const taskId = str(f, 'task_id', where);
  const hasBase = f.base_input !== undefined;
  const hasPlus = f.plus_input !== undefined;
  if (hasBase !== hasPlus) throw new Error(`${where}: fields 'base_input' and 'plus_input' must come together`);
  const test = f.test === undefined || f.test === null ? null : str(f, 'test', where);
  if (!hasBase && test === null)
    throw new Error(`${where}: the row needs 'base_input' and 'plus_input' (HumanEval+) or 'test' (HumanEval)`);
  const atol = f.atol === undefined || f.atol === null ? 0 : f.atol;
  if (typeof atol !== 'number' || !Number.isFinite(atol) || atol < 0)
    throw new Error(`${where}: field 'atol' must be a non-negative number`);
  const problem: CodeProblem = {
    id: taskId,
    task_id: taskId,
    prompt: str(f, 'prompt', where, ''),
    entry_point: str(f, 'entry_point', where),
    canonical_solution: str(f, 'canonical_solution', where),
    test,
    atol,
    base_input_json: hasBase ? parsed.raw.get('base_input')! : null,
    plus_input_json: hasPlus ? parsed.raw.get('plus_input')! : null,
    n_base: hasBase ? inputList(f.base_input, 'base_input', where) : 0,
    n_plus: hasPlus ? inputList(f.plus_input, 'plus_input', where) : 0,
  };
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(problem.entry_point))
    throw new Error(`${where}: field 'entry_point' must be a Python identifier`);
  return { problem, fields: f, raw: parsed.raw };
}

/** Non-empty lines of a JSONL text with their 1-based line numbers. */
export function jsonlLines(text: string): { line: string; lineNo: number }[] {
  const out: { line: string; lineNo: number }[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim()) out.push({ line, lineNo: i + 1 });
  });
  return out;
}

const cache = new Map<string, CodeProblem[]>();

function readProblems(file: string, kind: string, needInputs: boolean): CodeProblem[] {
  const hit = cache.get(file);
  if (hit) return hit;
  let text: string;
  try {
    text = readJsonlText(file);
  } catch (e) {
    throw new Error(`${kind} data: ${(e as Error).message} (${HOW_TO_GET[kind]})`);
  }
  const problems = jsonlLines(text).map(({ line, lineNo }) => {
    const { problem } = parseCodeRow(line, `${file}:${lineNo}`);
    if (needInputs && problem.base_input_json === null)
      throw new Error(`${file}:${lineNo}: a ${kind} row needs 'base_input' and 'plus_input'`);
    return problem;
  });
  const ids = new Set<string>();
  for (const p of problems) {
    if (ids.has(p.task_id)) throw new Error(`${file}: task_id '${p.task_id}' appears twice`);
    ids.add(p.task_id);
  }
  cache.set(file, problems);
  return problems;
}

/** All HumanEval+ problems (164 in v0.1.10), in file order. */
export function loadHumanEvalPlus(file = defaultHumanEvalPlusPath()): CodeProblem[] {
  return readProblems(file, 'HumanEval+', true);
}

/** All original HumanEval problems (164), in file order; scored with their `test` program. */
export function loadHumanEval(file = defaultHumanEvalPath()): CodeProblem[] {
  return readProblems(file, 'HumanEval', false);
}

/** All MBPP+ problems (378 in v0.2.0), in file order; inputs decoded per task as evalplus does. */
export function loadMbppPlus(file = defaultMbppPlusPath()): CodeProblem[] {
  return readProblems(file, 'MBPP+', true);
}
