// AdamW (libtorch's implementation) with parameter groups, and global grad-norm clipping.
import { type NativeRef, native } from './native.js';
import { Tensor } from './tensor.js';

export interface AdamWOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
  amsgrad?: boolean;
}
export interface ParamGroup extends AdamWOptions {
  params: Tensor[];
}

export interface AdamWParamState {
  step: number;
  expAvg: Tensor;
  expAvgSq: Tensor;
  maxExpAvgSq?: Tensor;
}

function toNative(o: AdamWOptions): Record<string, number | boolean> {
  const r: Record<string, number | boolean> = {};
  if (o.lr !== undefined) r.lr = o.lr;
  if (o.betas) {
    r.beta1 = o.betas[0];
    r.beta2 = o.betas[1];
  }
  if (o.eps !== undefined) r.eps = o.eps;
  if (o.weightDecay !== undefined) r.weightDecay = o.weightDecay;
  if (o.amsgrad !== undefined) r.amsgrad = o.amsgrad;
  return r;
}

/**
 * torch.optim.AdamW: decoupled weight decay, defaults lr 1e-3, betas (0.9, 0.999), eps 1e-8,
 * weight_decay 1e-2 (PyTorch's). Pass tensors or parameter groups with their own options.
 */
export class AdamW {
  readonly ref: NativeRef;
  readonly paramGroups: Tensor[][];

  constructor(params: Tensor[] | ParamGroup[], defaults: AdamWOptions = {}) {
    const groups: ParamGroup[] =
      params.length > 0 && params[0] instanceof Tensor ? [{ params: params as Tensor[] }] : (params as ParamGroup[]);
    const full = {
      lr: 1e-3,
      betas: [0.9, 0.999] as [number, number],
      eps: 1e-8,
      weightDecay: 1e-2,
      amsgrad: false,
      ...defaults,
    };
    for (const [k, v] of Object.entries(full)) {
      if (k === 'betas') {
        const [b1, b2] = v as [number, number];
        if (!(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1))
          throw new RangeError(`AdamW: betas must be in [0, 1), got [${b1}, ${b2}]`);
      } else if (typeof v === 'number' && !(v >= 0)) throw new RangeError(`AdamW: ${k} must be ≥ 0, got ${v}`);
    }
    this.paramGroups = groups.map((g) => g.params);
    this.ref = native.adamwNew(
      groups.map((g) => ({ ...toNative({ ...full, ...g }), params: g.params.map((p) => p.handle) })),
    ) as NativeRef;
  }

  step(): void {
    native.adamwStep(this.ref);
  }
  /** Clears gradients (set to none by default, as PyTorch ≥ 2.0). */
  zeroGrad(setToNone = true): void {
    native.adamwZeroGrad(this.ref, setToNone);
  }
  getGroup(i: number): Required<AdamWOptions> {
    const g = native.adamwGetGroup(this.ref, i);
    return { lr: g.lr, betas: [g.beta1, g.beta2], eps: g.eps, weightDecay: g.weightDecay, amsgrad: g.amsgrad };
  }
  setGroup(i: number, o: AdamWOptions): void {
    native.adamwSetGroup(this.ref, i, toNative(o));
  }
  /** Sets the learning rate of every group (schedulers call this each step). */
  setLr(lr: number | ((group: number) => number)): void {
    for (let i = 0; i < this.paramGroups.length; i++) this.setGroup(i, { lr: typeof lr === 'number' ? lr : lr(i) });
  }
  /** Per-parameter state, or null before the parameter's first step. Tensors are new handles to the live state. */
  getState(param: Tensor): AdamWParamState | null {
    const s = native.adamwGetState(this.ref, param.handle);
    if (s === null) return null;
    return {
      step: s.step,
      expAvg: new Tensor(s.expAvg),
      expAvgSq: new Tensor(s.expAvgSq),
      ...(s.maxExpAvgSq ? { maxExpAvgSq: new Tensor(s.maxExpAvgSq) } : {}),
    };
  }
  /** Restores a parameter's state (tensors are copied). */
  setState(param: Tensor, s: AdamWParamState): void {
    native.adamwSetState(
      this.ref,
      param.handle,
      s.step,
      s.expAvg.handle,
      s.expAvgSq.handle,
      s.maxExpAvgSq?.handle ?? null,
    );
  }
}

/** Scales all gradients so their global norm is at most maxNorm; returns the norm before clipping. */
export function clipGradNorm_(params: readonly Tensor[], maxNorm: number, normType = 2): number {
  return native.clipGradNorm(
    params.map((p) => p.handle),
    maxNorm,
    normType,
  );
}
