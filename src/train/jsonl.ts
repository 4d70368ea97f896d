// JSONL reading that reports the file and line of a malformed row.
import { readFileSync } from 'node:fs';

export interface JsonlRow {
  line: number;
  value: Record<string, unknown>;
}

export function readJsonl(path: string): JsonlRow[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const rows: JsonlRow[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new Error(`${path}:${i + 1}: not valid JSON (${(e as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new Error(`${path}:${i + 1}: expected a JSON object`);
    rows.push({ line: i + 1, value: value as Record<string, unknown> });
  });
  return rows;
}
