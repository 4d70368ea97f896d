// Retry timing: exponential backoff with jitter, the server's Retry-After, and an abortable sleep.

export interface BackoffOptions {
  /** Delay before the first retry, ms (doubled per attempt). */
  baseMs: number;
  /** Cap on one backoff delay, ms (Retry-After may ask for longer, up to maxRetryAfterMs). */
  maxMs: number;
  /** Cap on what a server's Retry-After can make us wait, ms. */
  maxRetryAfterMs: number;
}

/**
 * Delay before retry number `retry` (1 = the first retry): base·2^(retry−1), capped, times a random
 * factor in [0.5, 1) ("equal jitter": many clients that failed together do not come back together,
 * and none retries sooner than half the nominal delay). A Retry-After from the server is a floor: we
 * wait at least that long, plus up to 10 % jitter.
 */
export function backoffDelay(
  retry: number,
  options: BackoffOptions,
  retryAfterMs: number | null = null,
  random: () => number = Math.random,
): number {
  const nominal = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, retry - 1));
  const jittered = nominal * (0.5 + 0.5 * random());
  if (retryAfterMs === null) return jittered;
  const asked = Math.min(options.maxRetryAfterMs, Math.max(0, retryAfterMs));
  return Math.max(jittered, asked * (1 + 0.1 * random()));
}

/**
 * Reads `retry-after-ms` (milliseconds, a de-facto header OpenAI and some proxies send) or
 * `retry-after` (seconds, or an HTTP date) into milliseconds; null when absent or unreadable.
 */
export function parseRetryAfter(
  get: (name: string) => string | null | undefined,
  now: number = Date.now(),
): number | null {
  const ms = get('retry-after-ms');
  if (ms != null && ms.trim() !== '' && Number.isFinite(Number(ms)) && Number(ms) >= 0) return Number(ms);
  const v = get('retry-after');
  if (v == null || v.trim() === '') return null;
  const secs = Number(v);
  if (Number.isFinite(secs)) return secs >= 0 ? secs * 1000 : null;
  const date = Date.parse(v);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A 31-bit seed from any parts (FNV-1a): per-request seeds that do not change when a run resumes. */
export function deriveSeed(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u0000')) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h & 0x7fffffff;
}
