// Default sampling parameters of a model folder: generation_config.json's temperature, top_p,
// top_k and min_p when it sets them (as vLLM and transformers use them), else plain sampling at
// temperature 1. Used by `kindling serve` and `kindling generate`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SamplingDefaults } from './params.js';

export function samplingDefaults(dir: string): SamplingDefaults {
  const d: SamplingDefaults = { temperature: 1, topP: 1, topK: 0, minP: 0 };
  const file = join(dir, 'generation_config.json');
  if (!existsSync(file)) return d;
  let g: Record<string, unknown>;
  try {
    g = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const num = (k: string, ok: (x: number) => boolean): number | undefined => {
    const v = g[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !ok(v))
      throw new Error(`${file}: field '${k}' has an invalid value ${JSON.stringify(v)}`);
    return v;
  };
  return {
    temperature: num('temperature', (x) => x >= 0) ?? d.temperature,
    topP: num('top_p', (x) => x > 0 && x <= 1) ?? d.topP,
    topK: Math.max(0, num('top_k', Number.isInteger) ?? d.topK),
    minP: num('min_p', (x) => x >= 0 && x <= 1) ?? d.minP,
  };
}
