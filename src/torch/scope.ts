// Memory scopes. Native tensors are invisible to the JS garbage collector's sense of size, so every
// tensor created inside `scope(fn)` is disposed when fn returns — except those in its return value
// (moved to the enclosing scope) and those passed to keep(). Tensors made outside any scope are
// owned by the caller (dispose() them, or let the GC finalizer free them eventually).

export interface Disposable {
  dispose(): void;
  readonly disposed: boolean;
}

const stack: Set<Disposable>[] = [];

/** Called by every Tensor constructor. */
export function track(t: Disposable): void {
  const top = stack[stack.length - 1];
  if (top) top.add(t);
}

/** Exclude t from every enclosing scope: it lives until disposed explicitly. */
export function keep<T>(value: T): T {
  forEachDisposable(value, (d) => {
    for (const s of stack) s.delete(d);
  });
  return value;
}

function forEachDisposable(value: unknown, f: (d: Disposable) => void, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 4) return;
  if (isDisposable(value)) {
    f(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) forEachDisposable(v, f, depth + 1);
  } else if (value instanceof Map) {
    for (const v of value.values()) forEachDisposable(v, f, depth + 1);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) forEachDisposable(v, f, depth + 1);
  }
}

function isDisposable(v: object): v is Disposable {
  return typeof (v as Disposable).dispose === 'function' && 'disposed' in v;
}

/**
 * Run fn; dispose every tensor it created except what it returns (arrays, Maps and plain objects of
 * tensors are searched a few levels deep). Synchronous on purpose: an async fn would interleave
 * with other scopes. Returned tensors are handed to the enclosing scope.
 */
export function scope<T>(fn: () => T): T {
  const mine = new Set<Disposable>();
  stack.push(mine);
  let result: T;
  try {
    result = fn();
    if (result instanceof Promise) throw new Error('torch.scope(fn): fn must be synchronous (it returned a Promise)');
  } catch (e) {
    stack.pop();
    for (const t of mine) t.dispose();
    throw e;
  }
  stack.pop();
  const escaping = new Set<Disposable>();
  forEachDisposable(result, (d) => escaping.add(d));
  const parent = stack[stack.length - 1];
  for (const t of mine) {
    if (escaping.has(t)) parent?.add(t);
    else t.dispose();
  }
  return result;
}

/** How deep the scope stack is (0 outside any scope). */
export function scopeDepth(): number {
  return stack.length;
}
