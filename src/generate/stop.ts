// Stop strings matched on decoded text across token boundaries, trimmed like vLLM (the stop string
// and what follows are not part of the output text).

export interface TextDecoderLike {
  decode(ids: readonly number[], o?: { skipSpecialTokens?: boolean }): string;
}

export class StopMatcher {
  readonly stops: readonly string[];
  readonly window: number;
  constructor(stops: readonly string[] | undefined) {
    this.stops = (stops ?? []).filter((s) => s.length > 0);
    // Enough tokens to contain the longest stop string even at one byte per token.
    this.window = Math.max(0, ...this.stops.map((s) => Buffer.byteLength(s))) + 2;
  }
  get active(): boolean {
    return this.stops.length > 0;
  }
  /** Does the text of the last `window` tokens contain a stop string? Cheap per-step check. */
  hit(tokenizer: TextDecoderLike, ids: readonly number[]): boolean {
    if (!this.active) return false;
    const tail = tokenizer.decode(ids.slice(-this.window), { skipSpecialTokens: true });
    return this.stops.some((s) => tail.includes(s));
  }
  /** The text up to the first stop string, and which one matched. */
  trim(text: string): { text: string; stop: string | null } {
    let cut = -1;
    let which: string | null = null;
    for (const s of this.stops) {
      const i = text.indexOf(s);
      if (i >= 0 && (cut < 0 || i < cut)) {
        cut = i;
        which = s;
      }
    }
    return cut < 0 ? { text, stop: null } : { text: text.slice(0, cut), stop: which };
  }
}
