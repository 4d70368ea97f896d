// Free functions over several tensors (torch.cat, torch.stack, torch.where, ...).

import { scalarTensor } from './creation.js';
import { native } from './native.js';
import { Tensor, type TensorOrScalar } from './tensor.js';

export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  return new Tensor(
    native.cat(
      tensors.map((t) => t.handle),
      dim,
    ),
  );
}
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  return new Tensor(
    native.stack(
      tensors.map((t) => t.handle),
      dim,
    ),
  );
}
/** where(cond, a, b): a where cond is true, else b (numbers broadcast as 0-d tensors of the other's dtype). */
export function where(cond: Tensor, a: TensorOrScalar, b: TensorOrScalar): Tensor {
  const ref = typeof a === 'number' ? (typeof b === 'number' ? null : b) : a;
  const asT = (x: TensorOrScalar): [Tensor, boolean] =>
    typeof x === 'number'
      ? [scalarTensor(x, { dtype: ref?.dtype ?? 'float32', device: ref?.device ?? cond.device }), true]
      : [x, false];
  const [ta, fa] = asT(a);
  const [tb, fb] = asT(b);
  try {
    return new Tensor(native.where(cond.handle, ta.handle, tb.handle));
  } finally {
    if (fa) ta.dispose();
    if (fb) tb.dispose();
  }
}
/** start + weight·(end − start), elementwise with broadcasting (one kernel). */
export function lerp(start: Tensor, end: Tensor, weight: Tensor): Tensor {
  return new Tensor(native.lerp(start.handle, end.handle, weight.handle));
}
export function matmul(a: Tensor, b: Tensor): Tensor {
  return a.matmul(b);
}
export function allclose(a: Tensor, b: Tensor, rtol = 1e-5, atol = 1e-8): boolean {
  return a.allclose(b, rtol, atol);
}
/** Number of live native tensors (handles not yet disposed or collected): for leak checks. */
export function liveTensors(): number {
  return native.liveTensors();
}
