// Reading a trainer's metrics.jsonl, on its own so that light callers (kindling run's summary)
// need not load the report's figures or the evaluation harness.
import { readFileSync } from 'node:fs';

/** metrics.jsonl: one JSON object per line with a numeric `step`; numeric fields become curves. */
export function readMetrics(file: string): Record<string, number>[] {
  const rows: Record<string, number>[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch (e) {
        throw new Error(`${file}:${i + 1}: not JSON (${(e as Error).message})`);
      }
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${file}:${i + 1}: expected a JSON object`);
      const o = v as Record<string, unknown>;
      if (typeof o.step !== 'number' || !Number.isFinite(o.step))
        throw new Error(`${file}:${i + 1}: field 'step' must be a number`);
      const row: Record<string, number> = {};
      for (const [k, x] of Object.entries(o)) if (typeof x === 'number' && Number.isFinite(x)) row[k] = x;
      rows.push(row);
    });
  return rows;
}
