// Trainer configs: YAML (or JSON) files validated with zod, every field overridable from the CLI
// as `--key value`. Errors name the file and the field.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';

/** Reads a YAML/JSON file into a plain object (errors name the file and line). */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read config ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new Error(`${path}: not valid YAML: ${(e as Error).message}`);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data))
    throw new Error(`${path}: expected a mapping of settings at the top level`);
  return data as Record<string, unknown>;
}

/**
 * Parses `--key value` / `--key=value` pairs (kebab or snake case) into typed values: numbers,
 * true/false, null, JSON arrays/objects, else strings.
 */
export function parseOverrides(args: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument '${a}' (settings are given as --key value)`);
    let key = a.slice(2);
    let value: string | undefined;
    const eq = key.indexOf('=');
    if (eq >= 0) {
      value = key.slice(eq + 1);
      key = key.slice(0, eq);
    } else {
      const next = args[i + 1];
      if (next === undefined || next.startsWith('--')) value = 'true';
      else {
        value = next;
        i++;
      }
    }
    out[key.replace(/-/g, '_')] = coerce(value);
  }
  return out;
}

function coerce(v: string): unknown {
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (v === 'null') return null;
  if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(v)) return Number(v);
  if ((v.startsWith('[') && v.endsWith(']')) || (v.startsWith('{') && v.endsWith('}'))) {
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }
  return v;
}

/** file settings ← overrides, validated; the message names where the bad value came from. */
export function resolveConfig<S extends z.ZodType>(
  schema: S,
  file: string | undefined,
  overrides: Record<string, unknown>,
): z.infer<S> {
  const fromFile = file ? readConfigFile(file) : {};
  const merged = { ...fromFile, ...overrides };
  const r = schema.safeParse(merged);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const field = issue.path.join('.') || '(root)';
    const where = field in overrides ? `--${field}` : file ? `${file}: field '${field}'` : `setting '${field}'`;
    const got = (merged as Record<string, unknown>)[issue.path[0] as string];
    throw new Error(`${where}: ${issue.message}${got !== undefined ? ` (got ${JSON.stringify(got)})` : ''}`);
  }
  return r.data;
}
