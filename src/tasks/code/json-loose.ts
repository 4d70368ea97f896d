// JSON as Python's json module writes and reads it: besides standard JSON it has the literals
// NaN, Infinity and -Infinity, and integers of any size. evalplus data files contain such values.
// parseLooseJson keeps them exact (big integers become BigInt, the literals become JS numbers),
// and parseLooseObjectSpans also returns each top-level member's source text, so test inputs can be
// handed to Python byte for byte (1.0 stays a float, 10**30 stays exact).

export type LooseValue = null | boolean | number | bigint | string | LooseValue[] | { [key: string]: LooseValue };

export class LooseJsonError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

class Parser {
  i = 0;
  constructor(readonly s: string) {}

  fail(what: string): never {
    const near = JSON.stringify(this.s.slice(this.i, this.i + 20));
    throw new LooseJsonError(`${what} at offset ${this.i} (near ${near})`, this.i);
  }

  ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.i++;
      else break;
    }
  }

  /** Consumes `word` if it comes next. */
  take(word: string): boolean {
    if (!this.s.startsWith(word, this.i)) return false;
    this.i += word.length;
    return true;
  }

  value(): LooseValue {
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.object(null);
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (this.take('true')) return true;
    if (this.take('false')) return false;
    if (this.take('null')) return null;
    if (this.take('NaN')) return Number.NaN;
    if (this.take('Infinity')) return Number.POSITIVE_INFINITY;
    if (this.take('-Infinity')) return Number.NEGATIVE_INFINITY;
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    if (c === undefined) this.fail('unexpected end of input');
    return this.fail('unexpected character');
  }

  number(): number | bigint {
    const m = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    m.lastIndex = this.i;
    const r = m.exec(this.s);
    if (!r) this.fail('bad number');
    this.i += r[0].length;
    const text = r[0];
    if (r[1] === undefined && r[2] === undefined) {
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : BigInt(text);
    }
    return Number(text);
  }

  string(): string {
    // Find the closing quote, then let JSON.parse handle the escapes.
    const start = this.i;
    let j = start + 1;
    const s = this.s;
    for (;;) {
      const c = s.charCodeAt(j);
      if (Number.isNaN(c)) {
        this.i = start;
        this.fail('unterminated string');
      }
      if (c === 92) j += 2;
      else if (c === 34) break;
      else j++;
    }
    this.i = j + 1;
    try {
      return JSON.parse(s.slice(start, j + 1)) as string;
    } catch {
      this.i = start;
      return this.fail('bad string');
    }
  }

  array(): LooseValue[] {
    this.i++;
    const out: LooseValue[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.ws();
      const c = this.s[this.i];
      if (c === ',') this.i++;
      else if (c === ']') {
        this.i++;
        return out;
      } else this.fail("expected ',' or ']'");
    }
  }

  object(spans: Map<string, [number, number]> | null): { [key: string]: LooseValue } {
    this.i++;
    const out: { [key: string]: LooseValue } = {};
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('expected a string key');
      const key = this.string();
      this.ws();
      if (this.s[this.i] !== ':') this.fail("expected ':'");
      this.i++;
      this.ws();
      const start = this.i;
      out[key] = this.value();
      spans?.set(key, [start, this.i]);
      this.ws();
      const c = this.s[this.i];
      if (c === ',') this.i++;
      else if (c === '}') {
        this.i++;
        return out;
      } else this.fail("expected ',' or '}'");
    }
  }

  end(): void {
    this.ws();
    if (this.i < this.s.length) this.fail('unexpected text after the value');
  }
}

/** Parses Python-flavoured JSON (NaN/Infinity literals, big integers as BigInt). */
export function parseLooseJson(text: string): LooseValue {
  const p = new Parser(text);
  const v = p.value();
  p.end();
  return v;
}

/**
 * Parses one JSON object and returns its members plus each member's exact source text (so it can
 * be passed on unchanged, e.g. to Python's json.loads).
 */
export function parseLooseObjectSpans(text: string): {
  value: { [key: string]: LooseValue };
  raw: Map<string, string>;
} {
  const p = new Parser(text);
  p.ws();
  if (p.s[p.i] !== '{') p.fail('expected a JSON object');
  const spans = new Map<string, [number, number]>();
  const value = p.object(spans);
  p.end();
  const raw = new Map<string, string>();
  for (const [k, [a, b]] of spans) raw.set(k, text.slice(a, b));
  return { value, raw };
}

/** Serialises like Python's json.dumps: BigInt as digits, non-finite numbers as NaN/Infinity. */
export function stringifyLooseJson(value: LooseValue): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (value === Number.POSITIVE_INFINITY) return 'Infinity';
    if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
    return JSON.stringify(value);
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stringifyLooseJson).join(', ')}]`;
  return `{${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}: ${stringifyLooseJson(v)}`)
    .join(', ')}}`;
}
