// The `openai` teacher: any OpenAI-compatible endpoint (vLLM, SGLang, llama.cpp, Ollama, OpenAI,
// `kindling serve`) through the official `openai` client. Text completions send the raw prompt, as
// the paper did with vLLM; chat completions send it as one user message. vLLM's extra sampling
// fields (top_k, min_p) go in the body beside the standard ones, which is how vLLM reads them.
//
// The client's own retries are off (maxRetries 0): the builder retries, so that attempts are counted
// per key (poison rows), a Retry-After pauses every worker, and errors show in the progress line.
// The client's timeout only covers the response headers, so a whole-request deadline (headers and
// body) is enforced here with an AbortSignal: a server that sends headers and then stalls is cut too.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { deriveSeed, parseRetryAfter } from './retry.js';
import { type Teacher, TeacherError, type TeacherSample, type TeachRequest } from './teacher.js';

export type AppendAnswerClose = 'stop' | 'always' | 'never';

export interface OpenAITeacherOptions {
  /** Base URL including /v1, e.g. http://127.0.0.1:8000/v1. */
  baseURL: string;
  /** Model name; when omitted, the first model of GET /models (resolved by createOpenAITeacher). */
  model: string;
  /** 'completions' (raw prompt, the paper's way) or 'chat'. */
  api: 'completions' | 'chat';
  /** Sent as a bearer token; local servers ignore it ('EMPTY' when the environment has none). */
  apiKey?: string;
  temperature: number;
  topP: number;
  /** vLLM extra field; omitted when undefined (OpenAI itself rejects it). */
  topK?: number;
  /** vLLM extra field; omitted when undefined. */
  minP?: number;
  /** Base seed: each request gets a seed derived from it, the puzzle id and its first sample. */
  seed?: number;
  maxTokens: number;
  stop: readonly string[];
  /**
   * Servers strip the stop string from the text. 'stop' (default): put `</answer>` back when the
   * sample stopped on it (vLLM's `stop_reason`, or an unclosed <answer> when the server does not say);
   * 'always': append it to every sample, as the authors' script did; 'never'.
   */
  appendAnswerClose?: AppendAnswerClose;
  /** Deadline for one request, headers and body, ms. */
  requestTimeoutMs: number;
  /** More body fields, sent as given (e.g. {repetition_penalty: 1.05}). */
  extraBody?: Record<string, unknown>;
}

interface Choice {
  index?: number;
  text?: unknown;
  message?: { content?: unknown; reasoning_content?: unknown; reasoning?: unknown };
  finish_reason?: unknown;
  stop_reason?: unknown;
}

/** Resolves the model (first of GET /models when none is named) and builds the teacher. */
export async function createOpenAITeacher(
  options: Omit<OpenAITeacherOptions, 'model'> & { model?: string },
): Promise<OpenAITeacher> {
  if (options.model) return new OpenAITeacher({ ...options, model: options.model });
  const probe = new OpenAITeacher({ ...options, model: '' });
  const model = await probe.firstModel();
  return new OpenAITeacher({ ...options, model });
}

export class OpenAITeacher implements Teacher {
  readonly id: string;
  readonly params: Readonly<Record<string, unknown>>;
  private readonly client: OpenAI;

  constructor(private readonly o: OpenAITeacherOptions) {
    this.client = new OpenAI({
      apiKey: o.apiKey || 'EMPTY',
      baseURL: o.baseURL,
      maxRetries: 0,
      timeout: o.requestTimeoutMs,
    });
    this.id = `openai:${o.baseURL}#${o.model}`;
    this.params = {
      api: o.api,
      temperature: o.temperature,
      top_p: o.topP,
      ...(o.topK !== undefined ? { top_k: o.topK } : {}),
      ...(o.minP !== undefined ? { min_p: o.minP } : {}),
      ...(o.seed !== undefined ? { seed: o.seed } : {}),
      max_tokens: o.maxTokens,
      stop: [...o.stop],
      append_answer_close: o.appendAnswerClose ?? 'stop',
      ...(o.extraBody && Object.keys(o.extraBody).length ? { extra_body: o.extraBody } : {}),
    };
  }

  /** The first model the server lists (GET /models). */
  async firstModel(): Promise<string> {
    const list = await this.call((signal) =>
      this.client.models.list({ signal, timeout: this.o.requestTimeoutMs, maxRetries: 0 }),
    );
    const data = (list as unknown as { data?: { id?: unknown }[] }).data;
    const id = Array.isArray(data) ? data.find((m) => typeof m?.id === 'string')?.id : undefined;
    if (typeof id !== 'string')
      throw new TeacherError('not_found', `${this.o.baseURL}/models lists no model; name one with openai:URL#MODEL`);
    return id;
  }

  async generate(request: TeachRequest, signal: AbortSignal): Promise<TeacherSample[]> {
    const o = this.o;
    const n = request.samples.length;
    const body: Record<string, unknown> = {
      model: o.model,
      n,
      temperature: o.temperature,
      top_p: o.topP,
      max_tokens: o.maxTokens,
      ...(o.stop.length ? { stop: [...o.stop] } : {}),
      ...(o.topK !== undefined ? { top_k: o.topK } : {}),
      ...(o.minP !== undefined ? { min_p: o.minP } : {}),
      ...(o.seed !== undefined ? { seed: deriveSeed(o.seed, request.puzzle.id, request.samples[0]!) } : {}),
      ...(o.extraBody ?? {}),
    };
    let raw: unknown;
    if (o.api === 'chat') {
      body.messages = [{ role: 'user', content: request.prompt }];
      raw = await this.call(
        (s) =>
          this.client.chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, {
            signal: s,
            maxRetries: 0,
          }),
        signal,
      );
    } else {
      body.prompt = request.prompt;
      raw = await this.call(
        (s) =>
          this.client.completions.create(body as unknown as OpenAI.CompletionCreateParamsNonStreaming, {
            signal: s,
            maxRetries: 0,
          }),
        signal,
      );
    }
    return this.samples(raw);
  }

  /** Validates the response's shape and turns its choices into samples (bad shape → bad_response). */
  private samples(raw: unknown): TeacherSample[] {
    const bad = (why: string) => new TeacherError('bad_response', `malformed response: ${why}`);
    if (!raw || typeof raw !== 'object' || Array.isArray(raw))
      throw bad(typeof raw === 'string' ? `not JSON (${JSON.stringify(raw.slice(0, 80))})` : 'not a JSON object');
    const r = raw as { choices?: unknown; usage?: { completion_tokens?: unknown } };
    if (!Array.isArray(r.choices) || r.choices.length === 0) throw bad("no 'choices'");
    const choices = (r.choices as Choice[]).slice().sort((a, b) => Number(a?.index ?? 0) - Number(b?.index ?? 0));
    const usage = r.usage?.completion_tokens;
    const out: TeacherSample[] = [];
    for (const c of choices) {
      if (!c || typeof c !== 'object') throw bad('a choice is not an object');
      let text: string;
      if (this.o.api === 'chat') {
        const m = c.message;
        if (!m || (typeof m.content !== 'string' && m.content !== null)) throw bad("a choice has no 'message.content'");
        text = chatToCompletion(
          typeof m.content === 'string' ? m.content : '',
          typeof m.reasoning_content === 'string'
            ? m.reasoning_content
            : typeof m.reasoning === 'string'
              ? m.reasoning
              : null,
        );
      } else {
        if (typeof c.text !== 'string') throw bad("a choice has no 'text'");
        text = c.text;
      }
      const finishReason = typeof c.finish_reason === 'string' ? c.finish_reason : 'unknown';
      const stopReason = c.stop_reason === undefined ? undefined : c.stop_reason;
      out.push({
        completion: appendClose(text, finishReason, stopReason, this.o.appendAnswerClose ?? 'stop'),
        finishReason,
        // usage covers all choices together, so it is one sample's length only when there is one.
        completionTokens: choices.length === 1 && typeof usage === 'number' ? usage : null,
      });
    }
    return out;
  }

  /** Runs one client call under a whole-request deadline and maps every failure to a TeacherError. */
  private async call<T>(fn: (signal: AbortSignal) => Promise<T>, outer?: AbortSignal): Promise<T> {
    // One controller for both the deadline and the user's stop, linked by hand: a listener removed
    // after each request (AbortSignal.any keeps more alive over a run of many thousand requests).
    const ctl = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ctl.abort();
    }, this.o.requestTimeoutMs);
    const onStop = () => ctl.abort();
    if (outer?.aborted) ctl.abort();
    else outer?.addEventListener('abort', onStop, { once: true });
    try {
      return await fn(ctl.signal);
    } catch (e) {
      if (outer?.aborted) throw new TeacherError('aborted', 'stopped by the user');
      if (timedOut)
        throw new TeacherError('timeout', `no complete response within ${this.o.requestTimeoutMs / 1000} s`);
      throw toTeacherError(e);
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onStop);
    }
  }

  async close(): Promise<void> {}
}

/** Maps what the openai client throws to a TeacherError kind (see TeacherErrorKind). */
export function toTeacherError(e: unknown): TeacherError {
  if (e instanceof TeacherError) return e;
  if (e instanceof APIUserAbortError) return new TeacherError('aborted', 'request aborted');
  if (e instanceof APIConnectionTimeoutError) return new TeacherError('timeout', 'request timed out');
  if (e instanceof APIConnectionError) {
    const cause = (e as { cause?: unknown }).cause;
    const code =
      (cause as { cause?: { code?: string } } | undefined)?.cause?.code ?? (cause as { code?: string })?.code;
    return new TeacherError('connection', `connection failed${code ? ` (${code})` : ''}: ${e.message}`);
  }
  if (e instanceof APIError && typeof e.status === 'number') {
    const s = e.status;
    const retryAfter = e.headers ? parseRetryAfter((n) => e.headers!.get(n)) : null;
    const msg = `HTTP ${s}: ${e.message.replace(/^\d{3}\s*/, '').slice(0, 300)}`;
    if (s === 429) return new TeacherError('rate_limit', msg, retryAfter, s);
    if (s >= 500 || s === 408 || s === 409) return new TeacherError('server', msg, retryAfter, s);
    if (s === 401 || s === 403) return new TeacherError('auth', `${msg} (check the API key variable)`, null, s);
    if (s === 404) return new TeacherError('not_found', `${msg} (check the base URL and the model name)`, null, s);
    return new TeacherError('request', msg, null, s);
  }
  // JSON that does not parse (SyntaxError), a body cut short, anything else the transport throws.
  const msg = e instanceof Error ? e.message : String(e);
  if (e instanceof SyntaxError) return new TeacherError('bad_response', `malformed response: ${msg}`);
  const code = (e as { code?: string; cause?: { code?: string } })?.cause?.code ?? (e as { code?: string })?.code;
  if (code && /^(ECONNRESET|ECONNREFUSED|EPIPE|UND_ERR_SOCKET|ETIMEDOUT|UND_ERR_)/.test(code))
    return new TeacherError('connection', `connection failed (${code}): ${msg}`);
  return new TeacherError('bad_response', `unreadable response: ${msg}`);
}

/** A chat answer as a completion that starts inside the think block, like the raw-prompt one. */
export function chatToCompletion(content: string, reasoning: string | null): string {
  if (reasoning !== null && reasoning.trim() !== '') return `${reasoning.trimEnd()}\n</think> ${content.trimStart()}`;
  // A model that writes its own opening tag: drop it, the prompt already opened the block.
  return content.replace(/^\s*<think>\s*/, '');
}

/** Puts `</answer>` back where the server stripped it (see OpenAITeacherOptions.appendAnswerClose). */
export function appendClose(text: string, finishReason: string, stopReason: unknown, mode: AppendAnswerClose): string {
  const close = '</answer>';
  if (mode === 'never' || text.endsWith(close)) return text;
  if (mode === 'always') return text + close;
  if (finishReason !== 'stop') return text;
  if (typeof stopReason === 'string') return stopReason === close ? text + close : text;
  // The server did not say which stop matched: an <answer> left open means it was </answer>.
  const opened = text.lastIndexOf('<answer>');
  return opened >= 0 && text.indexOf(close, opened) < 0 ? text + close : text;
}
