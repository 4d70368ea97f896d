// The global random number generator (per process) and its state, for exact resume.
import { native } from './native.js';
import { Tensor } from './tensor.js';

export function manualSeed(seed: number): void {
  native.manualSeed(seed);
}
/** The default CPU generator's state as a uint8 tensor (save it in checkpoints). */
export function getRngState(): Tensor {
  return new Tensor(native.getRngState());
}
export function setRngState(state: Tensor): void {
  native.setRngState(state.handle);
}
