// A progress line on stderr for `model init` and `generate`: a bar with rate and ETA on a TTY,
// a plain line every few seconds otherwise (stdout stays clean for --json); quick work stays quiet.
export class ProgressLine {
  readonly #t0 = Date.now();
  #last = this.#t0;
  #printed = false;
  readonly #tty = Boolean(process.stderr.isTTY);

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly unit: string,
    private readonly everyMs = 5000,
  ) {}

  update(done: number, final = false): void {
    const now = Date.now();
    // Plain lines: one every few seconds; a run too short for one prints nothing at all.
    if (!final && now - this.#last < (this.#tty ? 100 : this.everyMs)) return;
    if (final && !this.#tty && !this.#printed) return;
    this.#printed = true;
    this.#last = now;
    const secs = (now - this.#t0) / 1000;
    const rate = done / Math.max(secs, 1e-9);
    const eta = rate > 0 ? Math.max(0, this.total - done) / rate : 0;
    const stats = `${done}/${this.total} ${this.unit}, ${rate.toFixed(1)} ${this.unit}/s, ETA ${eta.toFixed(0)} s`;
    if (this.#tty) {
      const fill = Math.round(Math.min(1, done / Math.max(1, this.total)) * 24);
      process.stderr.write(
        `\r\x1b[2K${this.label} [${'#'.repeat(fill)}${'.'.repeat(24 - fill)}] ${stats}${final ? '\n' : ''}`,
      );
    } else process.stderr.write(`${this.label}: ${stats}\n`);
  }
}
