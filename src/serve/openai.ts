// The OpenAI API surface: /v1/models, /v1/completions, /v1/chat/completions. Requests are
// validated here (on the main thread, with the tokenizer), turned into batcher jobs, and the
// worker's completions are shaped into OpenAI responses (with vLLM's extras: stop_reason,
// top_k/min_p/ignore_eos/stop_token_ids request fields).
import { randomBytes, randomInt } from 'node:crypto';
import { CHAR_TO_BYTE, type Tokenizer } from '../tokenizer/index.js';
import { AbortedError, type Job, type Scheduler } from './batcher.js';
import { type ChatRenderer, parseMessages } from './chat.js';
import { ApiError, badField } from './errors.js';
import {
  type Body,
  contextError,
  type GenParams,
  isPresent,
  optBool,
  optInt,
  parseGenParams,
  parseStream,
  requireString,
  type SamplingDefaults,
} from './params.js';
import { DeltaText, type SseWriter } from './stream.js';
import type { BatchOptions, WorkerCompletion } from './worker-protocol.js';

export interface ApiContext {
  /** The id /v1/models lists; requests may also name the model folder as given or resolved. */
  modelName: string;
  modelAliases: ReadonlySet<string>;
  created: number;
  maxModelLen: number;
  vocabSize: number;
  tokenizer: Tokenizer;
  /** null when the tokenizer has no chat template (chatError says why). */
  chat: ChatRenderer | null;
  chatError: string | null;
  defaults: SamplingDefaults;
  batcher: Scheduler;
}

/** What the HTTP handler lends a generation request. */
export interface RequestIO {
  /** Fires when the client goes away. */
  signal: AbortSignal;
  /** The response as server-sent events (for stream: true). */
  sse: () => SseWriter;
  onFirstToken: () => void;
}

export interface Answer {
  /** The JSON response (absent when it was streamed). */
  response?: unknown;
  usage: Usage;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

const MAX_LOGPROBS = 20;

export function listModels(ctx: ApiContext): unknown {
  return {
    object: 'list',
    data: [
      {
        id: ctx.modelName,
        object: 'model',
        created: ctx.created,
        owned_by: 'kindling',
        root: ctx.modelName,
        max_model_len: ctx.maxModelLen,
      },
    ],
  };
}

function checkModel(ctx: ApiContext, body: Body): void {
  const model = requireString(body, 'model');
  if (model !== ctx.modelName && !ctx.modelAliases.has(model))
    throw badField(
      'model',
      `The model '${model}' does not exist: this server serves '${ctx.modelName}'`,
      'model_not_found',
    );
}

function refuse(body: Body, field: string, neutral: (v: unknown) => boolean, why: string): void {
  if (isPresent(body, field) && !neutral(body[field]))
    throw badField(field, `'${field}' ${why}`, 'unsupported_parameter');
}

/** The prompt field: a string, a list of strings, a list of token ids, or a list of such lists. */
function parsePrompts(ctx: ApiContext, v: unknown): number[][] {
  if (v === undefined || v === null) throw badField('prompt', "'prompt' is required", 'missing_required_parameter');
  const checkIds = (ids: unknown[], where: string): number[] => {
    if (ids.length === 0) throw badField('prompt', `${where} is empty`);
    for (const id of ids)
      if (!Number.isInteger(id) || (id as number) < 0 || (id as number) >= ctx.vocabSize)
        throw badField('prompt', `${where}: token id ${JSON.stringify(id)} is not in [0, ${ctx.vocabSize})`);
    return ids as number[];
  };
  const encode = (s: string, where: string): number[] => {
    if (s === '') throw badField('prompt', `${where} is an empty string`);
    return ctx.tokenizer.encode(s);
  };
  if (typeof v === 'string') return [encode(v, "'prompt'")];
  if (!Array.isArray(v) || v.length === 0)
    throw badField(
      'prompt',
      "'prompt' must be a string, a list of strings, a list of token ids or a list of token-id lists",
    );
  if (v.every((x) => typeof x === 'number')) return [checkIds(v, "'prompt'")];
  return v.map((p, i) => {
    if (typeof p === 'string') return encode(p, `prompt[${i}]`);
    if (Array.isArray(p)) return checkIds(p, `prompt[${i}]`);
    throw badField('prompt', `prompt[${i}] must be a string or a list of token ids, got ${JSON.stringify(p)}`);
  });
}

function batchOptions(ctx: ApiContext, p: GenParams, maxNewTokens: number): BatchOptions {
  const eosTokenIds = p.ignoreEos
    ? []
    : p.stopTokenIds.length > 0
      ? [...ctx.tokenizer.eosTokenIds, ...p.stopTokenIds]
      : null;
  return {
    maxNewTokens,
    n: p.n,
    temperature: p.temperature,
    topP: p.topP,
    topK: p.topK,
    minP: p.minP,
    stop: p.stop,
    eosTokenIds,
  };
}

/** OpenAI's finish reasons: an EOS is a 'stop' too. */
const finishReason = (c: WorkerCompletion) => (c.finishReason === 'length' ? 'length' : 'stop');

function usageOf(prompts: number[][], completions: WorkerCompletion[][]): Usage {
  const prompt_tokens = prompts.reduce((s, p) => s + p.length, 0);
  const completion_tokens = completions.flat().reduce((s, c) => s + c.tokenIds.length, 0);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

const id = (prefix: string) => `${prefix}-${randomBytes(12).toString('hex')}`;
const now = () => Math.floor(Date.now() / 1000);

/** A token's text as the API shows it (the decoded piece; special tokens by name). */
function tokenText(ctx: ApiContext, tokenId: number): string {
  return ctx.tokenizer.decode([tokenId]);
}

/** A token's raw bytes: byte-level symbols mapped back to bytes, added tokens as UTF-8. */
function tokenBytes(ctx: ApiContext, tokenId: number): number[] {
  const t = ctx.tokenizer.idToToken(tokenId);
  if (t === undefined) return [];
  if (ctx.tokenizer.addedTokens.some((a) => a.id === tokenId)) return [...Buffer.from(t, 'utf8')];
  const bytes: number[] = [];
  for (const ch of t) {
    const b = CHAR_TO_BYTE.get(ch);
    if (b === undefined) return [...Buffer.from(t, 'utf8')];
    bytes.push(b);
  }
  return bytes;
}

/** Legacy completions logprobs: tokens, token_logprobs, top_logprobs (the sampled token + the k most likely), text_offset. */
function completionLogprobs(ctx: ApiContext, c: WorkerCompletion) {
  const tokens = c.tokenIds.map((t) => tokenText(ctx, t));
  const text_offset: number[] = [];
  let off = 0;
  for (const t of tokens) {
    text_offset.push(off);
    off += t.length;
  }
  const top_logprobs = c.tokenIds.map((_, i) => {
    const entry: Record<string, number> = {};
    for (const alt of c.top[i] ?? []) entry[tokenText(ctx, alt.id)] ??= alt.logprob;
    entry[tokens[i]!] ??= c.logprobs[i]!;
    return entry;
  });
  return { tokens, token_logprobs: c.logprobs, top_logprobs, text_offset };
}

/** Chat logprobs: one entry per token with its bytes and the k most likely alternatives. */
function chatLogprobs(ctx: ApiContext, c: WorkerCompletion) {
  return {
    content: c.tokenIds.map((t, i) => ({
      token: tokenText(ctx, t),
      logprob: c.logprobs[i]!,
      bytes: tokenBytes(ctx, t),
      top_logprobs: (c.top[i] ?? []).map((alt) => ({
        token: tokenText(ctx, alt.id),
        logprob: alt.logprob,
        bytes: tokenBytes(ctx, alt.id),
      })),
    })),
  };
}

function jobsFor(
  requestId: string,
  prompts: number[][],
  p: GenParams,
  options: BatchOptions,
  topLogprobs: number,
): Job[] {
  // Without a seed each prompt draws its own, so identical prompts batched together still differ.
  return prompts.map((prompt) => ({ requestId, prompt, seed: p.seed ?? randomInt(2 ** 31), topLogprobs, options }));
}

export async function completions(ctx: ApiContext, body: Body, io: RequestIO): Promise<Answer> {
  checkModel(ctx, body);
  const p = parseGenParams(body, ctx.defaults, ['max_tokens']);
  const st = parseStream(body);
  refuse(body, 'echo', (v) => v === false, 'is not supported (only false)');
  refuse(body, 'suffix', (v) => v === '', 'is not supported');
  const logprobs = optInt(body, 'logprobs', 0, MAX_LOGPROBS);
  const prompts = parsePrompts(ctx, body.prompt);
  const maxTokens = p.maxTokens ?? 16; // OpenAI's default for /v1/completions
  for (const ids of prompts)
    if (ids.length + maxTokens > ctx.maxModelLen) throw contextError(ctx.maxModelLen, ids.length, maxTokens, 'prompt');

  if (st.stream && logprobs !== null)
    throw badField('logprobs', "'logprobs' is not supported with 'stream': true", 'unsupported_parameter');

  const requestId = id('cmpl');
  const options = batchOptions(ctx, p, maxTokens);
  const jobs = jobsFor(requestId, prompts, p, options, logprobs ?? 0);
  if (st.stream)
    return streamAnswer(ctx, io, jobs, p, st.includeUsage, {
      id: requestId,
      object: 'text_completion',
      choice: (index, text, finish, stopReason) => ({
        index,
        text,
        logprobs: null,
        finish_reason: finish,
        stop_reason: stopReason,
      }),
    });
  const results = await ctx.batcher.submit(jobs, { signal: io.signal, onFirstToken: io.onFirstToken });
  const usage = usageOf(prompts, results);
  const choices = results.flatMap((samples, i) =>
    samples.map((c, k) => ({
      index: i * p.n + k,
      text: c.text,
      logprobs: logprobs === null ? null : completionLogprobs(ctx, c),
      finish_reason: finishReason(c),
      stop_reason: c.stopString,
    })),
  );
  return {
    response: { id: requestId, object: 'text_completion', created: now(), model: ctx.modelName, choices, usage },
    usage,
  };
}

export async function chatCompletions(ctx: ApiContext, body: Body, io: RequestIO): Promise<Answer> {
  checkModel(ctx, body);
  const messages = parseMessages(body.messages);
  const p = parseGenParams(body, ctx.defaults, ['max_completion_tokens', 'max_tokens']);
  const st = parseStream(body);
  refuse(body, 'tools', (v) => Array.isArray(v) && v.length === 0, 'are not supported');
  refuse(body, 'tool_choice', (v) => v === 'none', 'is not supported');
  refuse(
    body,
    'response_format',
    (v) => (v as { type?: unknown })?.type === 'text',
    "is not supported (only {type: 'text'})",
  );
  const logprobs = optBool(body, 'logprobs') ?? false;
  const top = optInt(body, 'top_logprobs', 0, MAX_LOGPROBS);
  if (top !== null && !logprobs) throw badField('top_logprobs', "'top_logprobs' needs 'logprobs': true");
  if (st.stream && logprobs)
    throw badField('logprobs', "'logprobs' is not supported with 'stream': true", 'unsupported_parameter');
  const addGenerationPrompt = optBool(body, 'add_generation_prompt') ?? true;
  const kwargs = body.chat_template_kwargs;
  if (isPresent(body, 'chat_template_kwargs') && (typeof kwargs !== 'object' || Array.isArray(kwargs)))
    throw badField('chat_template_kwargs', "'chat_template_kwargs' must be an object");

  if (!ctx.chat)
    throw new ApiError(
      400,
      `this model cannot chat: ${ctx.chatError}`,
      'invalid_request_error',
      'messages',
      'no_chat_template',
    );
  const text = ctx.chat.render(messages, {
    addGenerationPrompt,
    ...(kwargs ? { kwargs: kwargs as Record<string, unknown> } : {}),
  });
  // The template writes any BOS itself, so the tokenizer must not add special tokens again (as vLLM).
  const prompt = ctx.tokenizer.encode(text, { addSpecialTokens: false });
  if (prompt.length === 0) throw badField('messages', 'the rendered chat prompt is empty');
  const room = ctx.maxModelLen - prompt.length;
  const maxTokens = p.maxTokens ?? room; // OpenAI/vLLM: the rest of the context
  if (maxTokens > room || room < 1)
    throw contextError(ctx.maxModelLen, prompt.length, Math.max(maxTokens, 1), 'messages');

  const requestId = id('chatcmpl');
  const options = batchOptions(ctx, p, maxTokens);
  const jobs = jobsFor(requestId, [prompt], p, options, logprobs ? (top ?? 0) : 0);
  if (st.stream)
    return streamAnswer(ctx, io, jobs, p, st.includeUsage, {
      id: requestId,
      object: 'chat.completion.chunk',
      // OpenAI: each choice's first chunk carries the role, later ones only content.
      start: (index) => ({ index, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }),
      choice: (index, text, finish, stopReason) => ({
        index,
        delta: text === '' && finish !== null ? {} : { content: text },
        logprobs: null,
        finish_reason: finish,
        ...(finish !== null ? { stop_reason: stopReason } : {}),
      }),
    });
  const [samples] = await ctx.batcher.submit(jobs, { signal: io.signal, onFirstToken: io.onFirstToken });
  const usage = usageOf([prompt], [samples!]);
  const choices = samples!.map((c, k) => ({
    index: k,
    message: { role: 'assistant', content: c.text },
    logprobs: logprobs ? chatLogprobs(ctx, c) : null,
    finish_reason: finishReason(c),
    stop_reason: c.stopString,
  }));
  return {
    response: { id: requestId, object: 'chat.completion', created: now(), model: ctx.modelName, choices, usage },
    usage,
  };
}

interface StreamShape {
  id: string;
  object: string;
  start?: (index: number) => unknown;
  choice: (index: number, text: string, finish: string | null, stopReason: string | null) => unknown;
}

/**
 * A streamed answer: one chunk per choice whenever its safe text grows, then each choice's last
 * chunk (the rest of its final text and its finish_reason), then the usage chunk when asked, then
 * `data: [DONE]`. Choice indices are prompt × n + sample, as in the non-streamed response.
 */
async function streamAnswer(
  ctx: ApiContext,
  io: RequestIO,
  jobs: Job[],
  p: GenParams,
  includeUsage: boolean,
  shape: StreamShape,
): Promise<Answer> {
  const sse = io.sse();
  const created = now();
  const chunk = (choices: unknown[], usage?: Usage) => ({
    id: shape.id,
    object: shape.object,
    created,
    model: ctx.modelName,
    choices,
    ...(includeUsage ? { usage: usage ?? null } : {}),
  });
  const texts = jobs.flatMap(() => Array.from({ length: p.n }, () => new DeltaText(ctx.tokenizer, p.stop)));
  if (shape.start) sse.send(chunk(texts.map((_, i) => shape.start!(i))));
  let results: WorkerCompletion[][];
  try {
    results = await ctx.batcher.submit(jobs, {
      signal: io.signal,
      onFirstToken: io.onFirstToken,
      onToken: (job, sample, token) => {
        const index = job * p.n + sample;
        const delta = texts[index]!.push(token);
        if (delta !== '') sse.send(chunk([shape.choice(index, delta, null, null)]));
      },
    });
  } catch (e) {
    if (!(e instanceof AbortedError) && sse.open) {
      // Headers are out: the failure is an error event, then the end of the stream.
      const err =
        e instanceof ApiError ? e : new ApiError(500, `internal error: ${(e as Error).message}`, 'server_error');
      sse.send(err.body());
      sse.done();
    }
    throw e;
  }
  results.forEach((samples, j) =>
    samples.forEach((c, k) => {
      const index = j * p.n + k;
      sse.send(chunk([shape.choice(index, texts[index]!.finish(c.text), finishReason(c), c.stopString)]));
    }),
  );
  const usage = usageOf(
    jobs.map((j) => j.prompt),
    results,
  );
  if (includeUsage) sse.send(chunk([], usage));
  sse.done();
  return { usage };
}
