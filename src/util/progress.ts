// Progress for long work: a one-line bar with rate and ETA on a terminal, plain lines every few
// seconds in CI and logs (stderr, so stdout stays clean for JSON/JSONL output).

export interface ProgressOptions {
  label: string;
  total?: number;
  unit?: string;
  /** Seconds between plain lines when not on a terminal (default 10). */
  every?: number;
  stream?: NodeJS.WriteStream;
  /** Force bar (true) or plain lines (false); default: the stream is a TTY. */
  tty?: boolean;
  /** Plain-line mode: work that ends before the first line is due prints nothing at all. */
  quietIfQuick?: boolean;
  /** false = print nothing (--no-progress); default: on unless progress is off process-wide. */
  enabled?: boolean;
}

/** Set by the CLI for --no-progress; child processes (pipeline stages) inherit it. */
export const NO_PROGRESS_ENV = 'KINDLING_NO_PROGRESS';

export function disableProgress(): void {
  process.env[NO_PROGRESS_ENV] = '1';
}

export function progressEnabled(): boolean {
  return process.env[NO_PROGRESS_ENV] !== '1';
}

export class Progress {
  readonly label: string;
  total: number | undefined;
  done = 0;
  #extra = '';
  readonly #unit: string;
  readonly #start = Date.now();
  #lastPrint = 0;
  readonly #every: number;
  readonly #stream: NodeJS.WriteStream;
  readonly #tty: boolean;
  readonly #quietIfQuick: boolean;
  #printed = false;
  #closed = false;
  readonly #silent: boolean;

  constructor(o: ProgressOptions) {
    this.label = o.label;
    this.total = o.total;
    this.#unit = o.unit ?? 'it';
    this.#every = (o.every ?? 10) * 1000;
    this.#stream = o.stream ?? process.stderr;
    this.#tty = o.tty ?? Boolean(this.#stream.isTTY);
    this.#quietIfQuick = o.quietIfQuick ?? false;
    this.#silent = o.enabled === false || !progressEnabled();
    // quietIfQuick: the first plain line comes after one interval, not at once.
    this.#lastPrint = !this.#tty && this.#quietIfQuick ? this.#start : 0;
  }

  /** Advance by n and optionally set a short status text (e.g. "loss 1.23"). */
  tick(n = 1, extra?: string): void {
    this.done += n;
    if (extra !== undefined) this.#extra = extra;
    this.#render(false);
  }
  set(done: number, extra?: string): void {
    this.done = done;
    if (extra !== undefined) this.#extra = extra;
    this.#render(false);
  }
  status(extra: string): void {
    this.#extra = extra;
    this.#render(false);
  }
  /** Final line (none in plain-line mode with quietIfQuick when nothing was printed yet). */
  close(extra?: string): void {
    if (this.#closed) return;
    if (extra !== undefined) this.#extra = extra;
    if (this.#tty || this.#printed || !this.#quietIfQuick) this.#render(true);
    if (this.#tty && this.#printed) this.#stream.write('\n');
    this.#closed = true;
  }

  line(): string {
    const secs = (Date.now() - this.#start) / 1000;
    const rate = secs > 0 ? this.done / secs : 0;
    const rateText = rate >= 10 ? rate.toFixed(0) : rate.toFixed(2);
    const parts = [`${this.label}`];
    if (this.total !== undefined && this.total > 0) {
      const frac = Math.min(1, this.done / this.total);
      const eta = rate > 0 ? (this.total - this.done) / rate : Number.NaN;
      if (this.#tty) {
        const width = 24;
        const fill = Math.round(frac * width);
        parts.push(`[${'█'.repeat(fill)}${'░'.repeat(width - fill)}]`);
      }
      parts.push(
        `${this.done}/${this.total} (${(frac * 100).toFixed(0)}%)`,
        `${rateText} ${this.#unit}/s`,
        `ETA ${formatSeconds(eta)}`,
      );
    } else parts.push(`${this.done} ${this.#unit}`, `${rateText} ${this.#unit}/s`);
    parts.push(`elapsed ${formatSeconds(secs)}`);
    if (this.#extra) parts.push(this.#extra);
    return parts.join('  ');
  }

  #render(force: boolean): void {
    if (this.#closed || this.#silent) return;
    const now = Date.now();
    if (this.#tty) {
      if (!force && now - this.#lastPrint < 100) return;
      this.#lastPrint = now;
      this.#stream.write(`\r\x1b[2K${this.line()}`);
    } else {
      if (!force && now - this.#lastPrint < this.#every) return;
      this.#lastPrint = now;
      this.#stream.write(`${this.line()}\n`);
    }
    this.#printed = true;
  }
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(0)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
