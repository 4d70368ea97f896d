// Gradient mode: noGrad(fn) runs fn without recording autograd history (torch.no_grad()).
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
