// The builder's progress: a redrawn bar with done/total, rate, ETA, errors and failures on a TTY;
// on anything else (logs, CI, a pipe) a plain line about every 10 % and at least once a minute.

export interface ProgressState {
  /** Keys finished this run (written or recorded as failed). */
  done: number;
  /** Keys this run has to do. */
  total: number;
  /** Failed attempts so far (retried or not). */
  errors: number;
  /** Keys recorded as failed. */
  failed: number;
  /** Requests in flight. */
  inFlight: number;
}

export class ProgressBar {
  private readonly t0 = Date.now();
  private lastDraw = 0;
  private lastPlainDecile = -1;
  private lastPlainAt = Date.now();

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
    private readonly tty = Boolean(out.isTTY),
  ) {}

  update(p: ProgressState, force = false): void {
    const now = Date.now();
    const secs = (now - this.t0) / 1000;
    const rate = p.done / Math.max(secs, 1e-9);
    const eta = rate > 0 ? (p.total - p.done) / rate : Number.POSITIVE_INFINITY;
    const etaText = Number.isFinite(eta) ? formatDuration(eta) : '?';
    const tail = `${p.done}/${p.total} ${rate.toFixed(2)}/s ETA ${etaText} errors ${p.errors} failed ${p.failed}`;
    const finished = p.done >= p.total;
    if (this.tty) {
      if (!force && !finished && now - this.lastDraw < 100) return;
      this.lastDraw = now;
      const width = 24;
      const fill = p.total ? Math.round((p.done / p.total) * width) : width;
      this.out.write(`\r\x1b[2K${this.label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${tail} in flight ${p.inFlight}`);
      if (finished || force) this.out.write('\n');
      return;
    }
    const decile = p.total ? Math.floor((p.done / p.total) * 10) : 10;
    if (force || decile !== this.lastPlainDecile || now - this.lastPlainAt >= 60_000) {
      this.lastPlainDecile = decile;
      this.lastPlainAt = now;
      this.out.write(`${this.label}: ${tail}\n`);
    }
  }

  /** A message on its own line (the bar is redrawn on the next update). */
  log(line: string): void {
    this.out.write(this.tty ? `\r\x1b[2K${line}\n` : `${line}\n`);
  }
}

export function formatDuration(s: number): string {
  if (s < 60) return `${s.toFixed(0)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
