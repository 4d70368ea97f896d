// The task registry's mechanism: what a task definition is, registering one, and turning a name,
// alias or selector into an entry. It holds no tasks itself: src/tasks/registry.ts registers the
// built-in ones (builtin-tasks.ts, lite/register.ts), so the entries import only this file and
// nothing imports back. Both uses of a task name go through here: evaluation (`kindling eval
// --tasks`, `--eval-tasks`, the pipeline) and training (`kindling grpo --task`,
// src/train/training-tasks.ts), so a name or alias accepted by one is accepted by the other.
// A selector is `name` or `name:args`; what args mean is up to the task (sizes, categories, a file).
import type { Example, Task } from './types.js';

/** A task as evaluation sees it: the Task plus which rows to evaluate and how to group them. */
export interface TaskEntry<E extends Example = Example> {
  /** Canonical selector, e.g. `mmlu-pro:history,physics`. */
  selector: string;
  /** Registry name (the cache key's task part: selectors of one name share cells). */
  name: string;
  /** Training domain this benchmark measures (`math`, `code`, `mmlu-pro`, `kk`): matches `+rlvr:<domain>` labels. */
  domain: string;
  task: Task<E>;
  /** The headline number: plain accuracy over examples, or the macro average over categories. */
  overall: 'micro' | 'macro';
  /** The evaluation rows, in a fixed order. */
  load(): Promise<E[]>;
  category(example: E): string;
  /** A short reference answer for the sample browser, or null. */
  gold(example: E): string | null;
  /** Release pooled resources (sandbox workers). */
  close?(): Promise<void>;
  /**
   * Training on this selector without a --train file (`kindling grpo --task`): extra options for
   * `task.load('train', …)` that the selector's args imply (MMLU-Pro's categories), or why the task
   * has no training rows of its own. Absent: `task.load('train')` as it is.
   */
  training?: { loadOptions: Record<string, unknown> } | { unavailable: string };
}

export interface RegistryOptions {
  /** Data folder (default: sharedDataDir()). */
  dataDir?: string;
  /** K&K held-out puzzles per size (default 100). */
  kkPerSize?: number;
  /** K&K held-out seed (default KK_HELDOUT_SEED). */
  kkSeed?: number;
  /** Non-fatal notes (missing files to check against, …). */
  warn?: (message: string) => void;
}

export interface TaskDefinition {
  /** One line for `--help` and errors. */
  describe: string;
  /** Other names for the task, accepted wherever its name is (evaluation and training alike). */
  aliases?: readonly string[];
  create(args: string | undefined, options: RegistryOptions): TaskEntry | Promise<TaskEntry>;
}

const registry = new Map<string, TaskDefinition>();
const aliases = new Map<string, string>();

export function registerTask(name: string, def: TaskDefinition): void {
  if (!/^[a-z0-9][a-z0-9_.-]*$/.test(name))
    throw new Error(`task name '${name}' must be lower-case letters, digits, '-', '_', '.'`);
  registry.set(name, def);
  for (const a of def.aliases ?? []) aliases.set(a, name);
}

export function unregisterTask(name: string): void {
  const def = registry.get(name);
  registry.delete(name);
  for (const a of def?.aliases ?? []) aliases.delete(a);
}

/** Registered names with their descriptions (for --help). */
export function listTasks(): { name: string; describe: string; aliases: readonly string[] }[] {
  return [...registry].map(([name, d]) => ({ name, describe: d.describe, aliases: d.aliases ?? [] }));
}

/** `name` or `name:args` → its parts (args trimmed; empty args count as none). */
export function parseSelector(selector: string): { name: string; args: string | undefined } {
  const m = /^([^:]+)(?::(.*))?$/.exec(selector.trim());
  if (!m) throw new Error(`task selector '${selector}' is empty`);
  return { name: m[1]!, args: m[2]?.trim() || undefined };
}

/** The registered name a name or alias stands for (`mcq` → `mmlu-pro`), or undefined. */
export function lookupTaskName(raw: string): string | undefined {
  return registry.has(raw) ? raw : aliases.get(raw);
}

/** `known: math500, …; aliases: math → math500, …` — what an unknown-name error lists. */
export function knownTaskNames(): string {
  const alias = [...aliases].map(([a, n]) => `${a} → ${n}`).join(', ');
  return `known: ${[...registry.keys()].join(', ')}; aliases: ${alias}`;
}

/** The one alias table: a name or alias → the registered name; an unknown one is an error listing the names. */
export function canonicalTaskName(raw: string): string {
  const name = lookupTaskName(raw);
  if (!name) throw new Error(`unknown task '${raw}' (${knownTaskNames()})`);
  return name;
}

/** Splits a comma-separated --tasks value into selectors; commas inside `name:a,b` stay with the name. */
export function splitSelectors(value: string): string[] {
  const out: string[] = [];
  for (const part of value.split(',').map((s) => s.trim())) {
    if (!part) continue;
    // A new selector starts at `name:…` or at a registered name (not an alias: `math` is also an
    // MMLU-Pro category, so `mmlu-pro:physics,math` keeps both categories).
    const head = part.split(':')[0]!;
    const starts = part.includes(':') || registry.has(head);
    if (starts || out.length === 0 || !out[out.length - 1]!.includes(':')) out.push(part);
    else out[out.length - 1] += `,${part}`;
  }
  return out;
}

export async function resolveTask(selector: string, options: RegistryOptions = {}): Promise<TaskEntry> {
  const { name, args } = parseSelector(selector);
  return registry.get(canonicalTaskName(name))!.create(args, options);
}
