// Progress for long evaluations on stderr: a bar with rate and ETA on a terminal, plain lines
// (about every 10 %, at most every 5 s apart otherwise) when the output is a file or a pipe.

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** Unit shown after the rate (default 'samples'). */
  unit?: string;
}

export class ProgressBar {
  private readonly t0 = performance.now();
  private lastPlainDone = 0;
  private lastPlainTime = 0;
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;
  private readonly unit: string;
  private drawn = false;

  constructor(
    private readonly label: string,
    o: ProgressOptions = {},
  ) {
    this.stream = o.stream ?? process.stderr;
    this.tty = Boolean(this.stream.isTTY);
    this.unit = o.unit ?? 'samples';
  }

  /** `done` of `total` finished; `note` (e.g. the model and task) is shown beside. */
  update(done: number, total: number, note = ''): void {
    if (total <= 0) return;
    const secs = (performance.now() - this.t0) / 1000;
    const rate = done / Math.max(secs, 1e-9);
    const eta = rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY;
    const stats = `${done}/${total} ${rate.toFixed(rate < 10 ? 2 : 1)} ${this.unit}/s ETA ${formatSeconds(eta)}`;
    if (this.tty) {
      const width = 24;
      const full = Math.min(width, Math.round((width * done) / total));
      this.stream.write(`\r${this.label} [${'#'.repeat(full)}${'.'.repeat(width - full)}] ${stats} ${note}\x1b[K`);
      this.drawn = true;
      if (done >= total) this.end();
    } else if (
      done >= total ||
      done - this.lastPlainDone >= Math.max(1, Math.ceil(total / 10)) ||
      secs - this.lastPlainTime >= 5
    ) {
      this.lastPlainDone = done;
      this.lastPlainTime = secs;
      this.stream.write(`${this.label}: ${stats}${note ? ` (${note})` : ''}\n`);
    }
  }

  end(): void {
    if (this.tty && this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
