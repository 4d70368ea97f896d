// The teacher interface: something that, given the paper's prompt for one K&K puzzle, writes `n`
// completions (the text after "Assistant: <think>"). The dataset builder knows only this interface;
// `openai` (any OpenAI-compatible endpoint) and `symbolic` (the built-in K&K trace writer) implement it.

/** One puzzle as the builder hands it to a teacher. */
export interface TeacherPuzzle {
  /** Stable id (the output key is (id, sample)). */
  id: string;
  quiz: string;
  /** Gold answer lines, e.g. "(1) Zoey is a knight\n(2) …". */
  solution_text_format: string;
  /** Number of people. */
  people: number;
  /** Where it was read from (file:line), for error messages. */
  where: string;
}

export interface TeachRequest {
  puzzle: TeacherPuzzle;
  /** The full prompt string (the paper's K&K template). */
  prompt: string;
  /** Which sample numbers to write (one completion each, in this order). */
  samples: readonly number[];
}

/** One completion as the teacher returned it. */
export interface TeacherSample {
  completion: string;
  /** 'stop' | 'length' | whatever the server said ('unknown' when it said nothing). */
  finishReason: string;
  /** Token count when the teacher knows it for this one sample (else null). */
  completionTokens: number | null;
}

export interface Teacher {
  /** What is written in each row's `teacher` field, e.g. "symbolic" or "openai:http://host/v1#model". */
  readonly id: string;
  /** Generation parameters written in each row's `params` field (resume refuses to mix different ones). */
  readonly params: Readonly<Record<string, unknown>>;
  /**
   * Writes completions for `request.samples`. May return fewer than asked (some servers ignore `n`):
   * the builder asks again for the rest. Throws TeacherError on failure. Must stop when `signal` aborts.
   */
  generate(request: TeachRequest, signal: AbortSignal): Promise<TeacherSample[]>;
  /** Validates one puzzle before the run starts (throw an Error naming puzzle.where). */
  check?(puzzle: TeacherPuzzle): void;
  close?(): Promise<void>;
}

/**
 * Why a request failed. Retryable: rate_limit (429), server (5xx, 408, 409), timeout, connection
 * (refused/reset), bad_response (malformed JSON or wrong shape). Not retryable: request (400/413/422:
 * this prompt is bad; the key is recorded as failed at once). Fatal (the whole run stops): auth
 * (401/403), not_found (404: wrong URL or model), aborted (the user stopped the run).
 */
export type TeacherErrorKind =
  | 'rate_limit'
  | 'server'
  | 'timeout'
  | 'connection'
  | 'bad_response'
  | 'request'
  | 'auth'
  | 'not_found'
  | 'aborted';

const RETRYABLE = new Set<TeacherErrorKind>(['rate_limit', 'server', 'timeout', 'connection', 'bad_response']);
const FATAL = new Set<TeacherErrorKind>(['auth', 'not_found', 'aborted']);

export class TeacherError extends Error {
  constructor(
    readonly kind: TeacherErrorKind,
    message: string,
    /** Milliseconds the server asked us to wait (Retry-After / retry-after-ms), if it did. */
    readonly retryAfterMs: number | null = null,
    /** HTTP status, when there was one. */
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'TeacherError';
  }
  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
  get fatal(): boolean {
    return FATAL.has(this.kind);
  }
}

/**
 * What must match for a run to resume another's output: the teacher without its URL (a restarted
 * server may listen elsewhere; the model and the parameters may not change).
 */
export function teacherIdentity(id: string): string {
  return id.replace(/^openai:[^#]*#/, 'openai#');
}
