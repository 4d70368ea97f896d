// Left padding, shared by generate() and DecodeSession: prompts of different lengths are
// right-aligned in one batch so that every row's next token is at the same position.
import * as torch from '../torch/index.js';

/** Row-major [prompts, length] inputs for a prefill over left-padded prompts. */
export interface LeftPadded {
  ids: number[];
  /** 1 = a real token, 0 = padding. */
  mask: number[];
  /** Each token's position in its own prompt (padding at 0). */
  positions: number[];
  /** Whether any prompt is shorter than `length` (otherwise no mask is needed). */
  padded: boolean;
}

/** Left-pads each prompt to `length` tokens (none may be longer) with the `pad` token. */
export function leftPad(prompts: readonly (readonly number[])[], length: number, pad: number): LeftPadded {
  const ids: number[] = [];
  const mask: number[] = [];
  const positions: number[] = [];
  for (const p of prompts) {
    const padLen = length - p.length;
    for (let i = 0; i < length; i++) {
      ids.push(i < padLen ? pad : p[i - padLen]!);
      mask.push(i < padLen ? 0 : 1);
      positions.push(Math.max(0, i - padLen));
    }
  }
  return { ids, mask, positions, padded: mask.includes(0) };
}

/** One decode step's inputs for R rows: each row's last token and its position [R,1], and the padding mask. */
export interface StepInputs {
  next: torch.Tensor;
  positions: torch.Tensor;
  /** [R, S] (see paddingMask), or undefined when no row is padded. */
  mask: torch.Tensor | undefined;
}

/** The inputs of a one-token decode step over a cache of S − 1 positions (generate() and DecodeSession). */
export function stepInputs(
  rows: readonly { lastId: number; position: number; padLen: number }[],
  S: number,
  device: torch.Device,
): StepInputs {
  const R = rows.length;
  return {
    next: torch.tensor(
      rows.map((r) => r.lastId),
      { dtype: 'int64', shape: [R, 1], device },
    ),
    positions: torch.tensor(
      rows.map((r) => r.position),
      { dtype: 'int64', shape: [R, 1], device },
    ),
    mask: rows.some((r) => r.padLen > 0)
      ? paddingMask(
          rows.map((r) => r.padLen),
          S,
          device,
        )
      : undefined,
  };
}

/** [rows, S] bool: true where a cache position is past the row's leading `padLens[row]` padding. */
export function paddingMask(padLens: readonly number[], S: number, device: torch.Device): torch.Tensor {
  return torch
    .arange(0, S, 1, { device })
    .unsqueeze(0)
    .ge(torch.tensor([...padLens], { dtype: 'int64', shape: [padLens.length, 1], device }));
}
