// Streaming pieces: server-sent events in OpenAI's format (`data: {chunk}\n\n` … `data: [DONE]\n\n`)
// and incremental detokenization that never sends text the final answer will not have.
import type { ServerResponse } from 'node:http';
import type { TextDecoderLike } from '../generate/stop.js';

/**
 * An SSE response: the 200 and its headers go out with the first event. With an interval, events
 * that come sooner than that after the last write are held and written together (one write, one
 * packet for the client to read) instead of one per decode step. The first two events (a chat
 * stream's role chunk, then its first token) and the end go out at once, so time to first token
 * does not change.
 */
export class SseWriter {
  #started = false;
  #pending = '';
  #last = 0;
  #events = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  constructor(
    private readonly res: ServerResponse,
    private readonly intervalMs = 0,
  ) {}

  get started(): boolean {
    return this.#started;
  }

  /** False when the client is gone. */
  get open(): boolean {
    return !this.res.destroyed && !this.res.writableEnded;
  }

  #start(): void {
    if (this.#started) return;
    this.#started = true;
    this.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no', // proxies (nginx) must not hold the events back
    });
    this.res.flushHeaders();
  }

  #flush = (): void => {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#pending === '' || !this.open) return;
    this.#start();
    this.res.write(this.#pending);
    this.#pending = '';
    this.#last = performance.now();
  };

  send(data: unknown): void {
    if (!this.open) return;
    this.#pending += `data: ${JSON.stringify(data)}\n\n`;
    const wait = this.#last + this.intervalMs - performance.now();
    if (this.intervalMs <= 0 || ++this.#events <= 2 || wait <= 0) this.#flush();
    else this.#timer ??= setTimeout(this.#flush, wait);
  }

  done(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (!this.open) return;
    this.#start();
    this.res.end(`${this.#pending}data: [DONE]\n\n`);
    this.#pending = '';
  }
}

/**
 * One sample's text as it grows. Tokens are detokenized with a window (vLLM's prefix/read offsets),
 * so a token that ends mid-character waits for the rest; with stop strings the last (longest stop −
 * 1) characters are held back, because they may be the start of a stop string that the final text
 * cuts. `finish` sends the rest of the final text, so the chunks add up to the non-streamed text.
 */
export class DeltaText {
  readonly #ids: number[] = [];
  #prefixOffset = 0;
  #readOffset = 0;
  #text = '';
  #sent = 0;
  readonly #holdBack: number;

  constructor(
    private readonly tokenizer: TextDecoderLike,
    stops: readonly string[],
  ) {
    this.#holdBack = Math.max(0, ...stops.map((s) => s.length - 1));
  }

  /** The new text that is safe to send after this token ('' when nothing is). */
  push(token: number): string {
    this.#ids.push(token);
    const opts = { skipSpecialTokens: true };
    const prefix = this.tokenizer.decode(this.#ids.slice(this.#prefixOffset, this.#readOffset), opts);
    const full = this.tokenizer.decode(this.#ids.slice(this.#prefixOffset), opts);
    if (full.length > prefix.length && !full.endsWith('\uFFFD')) {
      this.#text += full.slice(prefix.length);
      this.#prefixOffset = this.#readOffset;
      this.#readOffset = this.#ids.length;
    }
    const safe = this.#text.length - this.#holdBack;
    if (safe <= this.#sent) return '';
    const delta = this.#text.slice(this.#sent, safe);
    this.#sent = safe;
    return delta;
  }

  /** The rest of `final` (the sample's finished text) after what was sent. */
  finish(final: string): string {
    const sent = this.#text.slice(0, this.#sent);
    // Incremental decoding agrees with the full decode for byte-level tokenizers; if a tokenizer's
    // cleanup ever changed earlier text, nothing sent can be taken back: send what follows it.
    const rest = final.startsWith(sent) ? final.slice(this.#sent) : final.slice(Math.min(this.#sent, final.length));
    this.#sent = Number.POSITIVE_INFINITY;
    return rest;
  }
}
