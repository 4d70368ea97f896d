// Gradient mode: noGrad(fn) runs fn without recording autograd history (torch.no_grad()).

import { dtypeCode } from './dtype.js';
import { native } from './native.js';

export function noGrad<T>(fn: () => T): T {
  const prev = native.setGradEnabled(false);
  try {
    return fn();
  } finally {
    native.setGradEnabled(prev);
  }
}
export function enableGrad<T>(fn: () => T): T {
  const prev = native.setGradEnabled(true);
  try {
    return fn();
  } finally {
    native.setGradEnabled(prev);
  }
}
export function isGradEnabled(): boolean {
  return native.isGradEnabled();
}
export function setGradEnabled(enabled: boolean): boolean {
  return native.setGradEnabled(enabled);
}

/**
 * Mixed precision (torch.autocast): inside fn, ops on `device` that autocast lists (matmul, linear,
 * SDPA, …) run in `dtype` while parameters stay in their own dtype (fp32 master weights); ops that
 * need range (softmax, log-softmax, norms, losses) stay in float32. Gradients flow back to the
 * fp32 parameters through the casts.
 */
export function autocast<T>(o: { device: string; dtype?: 'bfloat16' | 'float16'; enabled?: boolean }, fn: () => T): T {
  const device = o.device.split(':')[0]!;
  const prev = native.autocastEnter(device, dtypeCode(o.dtype ?? 'bfloat16'), o.enabled ?? true) as [boolean, number];
  try {
    return fn();
  } finally {
    native.autocastExit(device, prev[0], prev[1]);
  }
}
export function isAutocastEnabled(device = 'cuda'): boolean {
  return native.isAutocastEnabled(device.split(':')[0]);
}
