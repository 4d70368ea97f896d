// Mixed precision for the trainers: `bf16: true` runs training forwards under bfloat16 autocast
// while parameters and AdamW state stay float32 (master weights), as transformers' bf16=True does.
import * as torch from '../torch/index.js';

export type Autocast = <T>(fn: () => T) => T;

export function mixedPrecision(cfg: { bf16: boolean; dtype: string }, device: string): Autocast {
  if (cfg.bf16 && cfg.dtype !== 'float32')
    throw new Error(
      `bf16: true keeps float32 master weights and needs dtype: float32 (got dtype: ${cfg.dtype}); ` +
        'use dtype: bfloat16 without bf16 for pure bfloat16 training',
    );
  return cfg.bf16 ? (fn) => torch.autocast({ device, dtype: 'bfloat16' }, fn) : (fn) => fn();
}
