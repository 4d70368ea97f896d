// The math verifier: extract an answer from each side, then compare (see compare.ts for the rules).
// Semantics follow Hugging Face math-verify (parse + verify with its defaults); where we differ
// on purpose, docs/verifiers.md says so.
import { type CompareOptions, compareWith, DEFAULT_COMPARE } from './compare.js';
import { CheckTimeout, Deadline } from './deadline.js';
import { type Extraction, extractAnswer } from './extract.js';

export interface MathVerdict {
  equivalent: boolean;
  /** The normalised answer found in the gold text (null when none parsed). */
  goldExtracted: string | null;
  /** The normalised answer found in the prediction (null when none parsed). */
  predExtracted: string | null;
  /** `equal:<rule>`, `different`, `no_answer`, `gold_unparsed`, `timeout` or `error:<message>`. */
  reason: string;
}

export interface VerifyOptions {
  /** Time limit for one check, in milliseconds (default 5000, math-verify's 5 s). */
  timeoutMs?: number;
  /** Decimal places floats are rounded to before comparing (math-verify's `float_rounding`, default 6). */
  floatRounding?: number;
  /**
   * math-verify's `strict` (default true). false: a set equals a tuple with the same items, and
   * expressions equal up to renaming their variables in order of appearance.
   */
  strict?: boolean;
  /**
   * math-verify's `allow_set_relation_comp` (default false): a relation (1 < x < 2) also equals an
   * interval when the relation is the prediction, not only when it is the gold.
   */
  allowSetRelationComp?: boolean;
  /** What is extracted from the prediction: LaTeX, plain expressions, or both (default both). */
  extraction?: readonly ('latex' | 'expr')[];
}

/**
 * The gold answer is a bare answer ("\\frac{14}{3}"); it is read as if boxed, as the paper's
 * evaluation reads MATH's answers — unless it already holds \\boxed or a math delimiter `$`
 * (an escaped `\\$`, a dollar sign, does not count).
 */
export function extractGold(gold: string): Extraction {
  return extractAnswer(gold.includes('\\boxed') || /(?<!\\)\$/.test(gold) ? gold : `\\boxed{${gold}}`);
}

export function verifyMath(gold: string, pred: string, options: VerifyOptions = {}): MathVerdict {
  checkVerifyOptions(options); // bad knobs are the caller's error, not a verdict
  const dl = new Deadline(options.timeoutMs ?? 5000);
  let g: Extraction | null = null;
  let p: Extraction | null = null;
  try {
    g = extractGold(gold);
    dl.check();
    p = extractAnswer(pred, options.extraction);
    dl.check();
    return judge(g, p, dl, compareOptions(options));
  } catch (e) {
    const reason = e instanceof CheckTimeout ? 'timeout' : `error:${e instanceof Error ? e.message : String(e)}`;
    return { equivalent: false, goldExtracted: g?.text ?? null, predExtracted: p?.text ?? null, reason };
  }
}

/** Throws a RangeError naming the knob when `options` holds a value verifyMath cannot use. */
export function checkVerifyOptions(options: VerifyOptions): void {
  compareOptions(options);
  const x = options.extraction;
  if (x !== undefined && (x.length === 0 || x.some((k) => k !== 'latex' && k !== 'expr')))
    throw new RangeError(`extraction must list 'latex' and/or 'expr', got ${JSON.stringify(x)}`);
}

/** The comparison knobs of `options`, math-verify's defaults for those not given. */
export function compareOptions(options: VerifyOptions): CompareOptions {
  const floatRounding = options.floatRounding ?? DEFAULT_COMPARE.floatRounding;
  if (!Number.isInteger(floatRounding) || floatRounding < 0 || floatRounding > 15)
    throw new RangeError(`floatRounding must be an integer in [0, 15], got ${floatRounding}`);
  return {
    floatRounding,
    strict: options.strict ?? DEFAULT_COMPARE.strict,
    allowSetRelationComp: options.allowSetRelationComp ?? DEFAULT_COMPARE.allowSetRelationComp,
  };
}

/** Compares two extractions (gold first). Throws CheckTimeout when the deadline passes. */
export function judge(g: Extraction, p: Extraction, dl: Deadline, o: CompareOptions = DEFAULT_COMPARE): MathVerdict {
  const base = { goldExtracted: g.text ?? g.fallback, predExtracted: p.text ?? p.fallback };
  // exact string: the two normalised answers are the same text
  if (g.fallback && p.fallback && g.fallback.trim() === p.fallback.trim())
    return { ...base, equivalent: true, reason: 'equal:string' };
  if (!g.value) return { ...base, equivalent: false, reason: 'gold_unparsed' };
  if (!p.value) return { ...base, equivalent: false, reason: 'no_answer' };
  const c = compareWith(g.value, p.value, dl, o);
  return { ...base, equivalent: c.equal, reason: c.equal ? `equal:${c.rule}` : 'different' };
}
