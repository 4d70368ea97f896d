// Request bodies → validated generation parameters. Every rejection names the OpenAI field (the
// error's `param`), and fields kindling cannot honour are refused rather than silently ignored.
import { type ApiError, badField } from './errors.js';

/** Sampling defaults a model folder may set in generation_config.json (as vLLM reads them). */
export interface SamplingDefaults {
  temperature: number;
  topP: number;
  topK: number;
  minP: number;
}

/** What one request asks of generate(), apart from its prompts. */
export interface GenParams extends SamplingDefaults {
  /** null: not given (the endpoint picks: 16 for completions, the rest of the context for chat). */
  maxTokens: number | null;
  n: number;
  stop: string[];
  seed: number | null;
  /** Extra token ids that end a sample (vLLM's stop_token_ids). */
  stopTokenIds: number[];
  /** vLLM's ignore_eos: generate through EOS. */
  ignoreEos: boolean;
}

export type Body = Record<string, unknown>;

const MAX_N = 128;
const MAX_STOP = 16;

export function isPresent(body: Body, field: string): boolean {
  return body[field] !== undefined && body[field] !== null;
}

export function optNumber(body: Body, field: string, check: (x: number) => boolean, what: string): number | null {
  if (!isPresent(body, field)) return null;
  const v = body[field];
  if (typeof v !== 'number' || !Number.isFinite(v) || !check(v))
    throw badField(field, `'${field}' must be ${what}, got ${JSON.stringify(v)}`);
  return v;
}

export function optInt(body: Body, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number | null {
  const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
  return optNumber(body, field, (x) => Number.isInteger(x) && x >= min && x <= max, `an integer ${range}`);
}

export function optBool(body: Body, field: string): boolean | null {
  if (!isPresent(body, field)) return null;
  if (typeof body[field] !== 'boolean')
    throw badField(field, `'${field}' must be true or false, got ${JSON.stringify(body[field])}`);
  return body[field] as boolean;
}

export function requireString(body: Body, field: string): string {
  const v = body[field];
  if (v === undefined || v === null) throw badField(field, `'${field}' is required`, 'missing_required_parameter');
  if (typeof v !== 'string' || v === '')
    throw badField(field, `'${field}' must be a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

/** A field kindling accepts only at its neutral value (e.g. presence_penalty 0). */
function refuseUnless(body: Body, field: string, neutral: (v: unknown) => boolean, why: string): void {
  if (isPresent(body, field) && !neutral(body[field]))
    throw badField(field, `'${field}' ${why}`, 'unsupported_parameter');
}

/** The sampling and stopping fields shared by /v1/completions and /v1/chat/completions. */
export function parseGenParams(body: Body, defaults: SamplingDefaults, maxTokensFields: readonly string[]): GenParams {
  refuseUnless(body, 'presence_penalty', (v) => v === 0, 'is not supported (only 0)');
  refuseUnless(body, 'frequency_penalty', (v) => v === 0, 'is not supported (only 0)');
  refuseUnless(body, 'repetition_penalty', (v) => v === 1, 'is not supported (only 1)');
  refuseUnless(
    body,
    'logit_bias',
    (v) => typeof v === 'object' && Object.keys(v as object).length === 0,
    'is not supported',
  );

  const temperature = optNumber(body, 'temperature', (x) => x >= 0, 'a number ≥ 0') ?? defaults.temperature;
  const topP = optNumber(body, 'top_p', (x) => x > 0 && x <= 1, 'a number in (0, 1]') ?? defaults.topP;
  // vLLM: -1 (and 0) switch top-k off.
  const k = optInt(body, 'top_k', -1);
  const topK = k === null ? defaults.topK : Math.max(0, k);
  const minP = optNumber(body, 'min_p', (x) => x >= 0 && x <= 1, 'a number in [0, 1]') ?? defaults.minP;
  const n = optInt(body, 'n', 1, MAX_N) ?? 1;
  const bestOf = optInt(body, 'best_of', 1, MAX_N);
  if (bestOf !== null && bestOf !== n)
    throw badField('best_of', `'best_of' is not supported unless it equals n (${n})`, 'unsupported_parameter');
  let maxTokens: number | null = null;
  for (const f of maxTokensFields) maxTokens ??= optInt(body, f, 1);
  const seed = optNumber(body, 'seed', Number.isSafeInteger, 'an integer');
  const ignoreEos = optBool(body, 'ignore_eos') ?? false;

  let stop: string[] = [];
  if (isPresent(body, 'stop')) {
    const v = body.stop;
    stop = typeof v === 'string' ? [v] : Array.isArray(v) ? (v as unknown[]).map(String) : [];
    const ok =
      (typeof v === 'string' || Array.isArray(v)) && (!Array.isArray(v) || v.every((s) => typeof s === 'string'));
    if (!ok || stop.length > MAX_STOP || stop.some((s) => s === ''))
      throw badField(
        'stop',
        `'stop' must be a non-empty string or a list of up to ${MAX_STOP} non-empty strings, got ${JSON.stringify(v)}`,
      );
  }
  let stopTokenIds: number[] = [];
  if (isPresent(body, 'stop_token_ids')) {
    const v = body.stop_token_ids;
    if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x) && x >= 0))
      throw badField('stop_token_ids', `'stop_token_ids' must be a list of token ids, got ${JSON.stringify(v)}`);
    stopTokenIds = v as number[];
  }
  return { temperature, topP, topK, minP, n, maxTokens, seed, stop, stopTokenIds, ignoreEos };
}

/** `stream` and `stream_options` (OpenAI: options only with stream=true; include_usage adds a last usage chunk). */
export function parseStream(body: Body): { stream: boolean; includeUsage: boolean } {
  const stream = optBool(body, 'stream') ?? false;
  if (!isPresent(body, 'stream_options')) return { stream, includeUsage: false };
  const so = body.stream_options;
  if (!stream) throw badField('stream_options', "'stream_options' is only allowed with 'stream': true");
  if (typeof so !== 'object' || Array.isArray(so))
    throw badField('stream_options', `'stream_options' must be an object, got ${JSON.stringify(so)}`);
  const includeUsage = optBool(so as Body, 'include_usage');
  return { stream, includeUsage: includeUsage ?? false };
}

/** A prompt that does not fit the context, in vLLM's words. */
export function contextError(maxModelLen: number, promptTokens: number, maxTokens: number, param: string): ApiError {
  return badField(
    param,
    `This model's maximum context length is ${maxModelLen} tokens. However, you requested ${promptTokens + maxTokens} tokens ` +
      `(${promptTokens} in the prompt, ${maxTokens} in the completion). Please reduce the length of the prompt or the completion.`,
    'context_length_exceeded',
  );
}
