// \boxed{} / \fbox{} extraction with nested braces.
//
// Two flavours, because the paper and math-verify differ:
// - lastBoxed(): the paper's reward rule (MATH's `last_boxed_only_string`): the last \boxed (else the
//   last \fbox), brace-matched; `\boxed 5` (a space, no brace) takes the text up to the next `$`.
// - boxedContents(): math-verify's normalisation step: scanning right to left it takes the last
//   boxed and, in 'last' mode, earlier boxes that sit close before it (under 10 characters between
//   them, or under 70 with a separator — `,` `;` `and` `or` — and different content), joined by ','.
//   'all' mode takes every box. Unclosed or brace-less boxes end the scan.

/** Index of the brace that closes the one at `open`, searching below `limit`; -1 when unclosed. */
export function matchingBrace(text: string, open: number, limit = text.length): number {
  let depth = 0;
  for (let i = open; i < limit; i++) {
    const c = text[i];
    if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** The content of the last \boxed{…} (else \fbox{…}) in `text`, or null when there is none or it is unclosed. */
export function lastBoxed(text: string): string | null {
  // `\boxed 5$`: the space form has no braces; as in the paper's rule, its presence anywhere wins and
  // the answer runs from the last `\boxed ` to the next `$`.
  const spaced = text.lastIndexOf('\\boxed ');
  if (spaced >= 0) return text.slice(spaced + 7).split('$')[0]!;
  let idx = text.lastIndexOf('\\boxed');
  let cmd = '\\boxed';
  if (idx < 0) {
    idx = text.lastIndexOf('\\fbox');
    cmd = '\\fbox';
    if (idx < 0) return null;
  }
  const open = text.indexOf('{', idx + cmd.length);
  if (open < 0) return null;
  const close = matchingBrace(text, open);
  if (close < 0) return null;
  return text.slice(open + 1, close);
}

const SEPARATOR = /\b(?:and|or)\b|,|;/;

/**
 * math-verify's boxed step: the last box (and, in 'last' mode, the boxes listed just before it),
 * or every box ('all'), joined by ','. Returns `text` unchanged when it holds no box.
 */
export function boxedContents(text: string, mode: 'last' | 'all'): string {
  const found: string[] = [];
  let searchEnd = text.length; // where the next (leftward) search stops
  let limit = text.length; // a box must close before the start of the box found after it
  let prevStart = -1;
  for (;;) {
    const b = text.lastIndexOf('\\boxed', searchEnd - 1);
    const f = text.lastIndexOf('\\fbox', searchEnd - 1);
    if (b < 0 && f < 0) break;
    const start = Math.max(b, f);
    let i = start + (b > f ? 6 : 5);
    while (i < limit && /\s/.test(text[i]!)) i++;
    if (i >= limit) break;
    if (text[i] !== '{') {
      if (found.length === 0) found.push(text.slice(i));
      break;
    }
    const close = matchingBrace(text, i, limit);
    if (close < 0) {
      if (found.length === 0) found.push(text.slice(i));
      break;
    }
    const content = text.slice(i + 1, close).trim();
    if (mode === 'last' && prevStart >= 0) {
      const between = text.slice(close + 1, prevStart);
      const previous = found[found.length - 1] ?? '';
      const near = between.length < 10 || (content !== previous && between.length < 70 && SEPARATOR.test(between));
      if (!near) break;
    }
    if (found[found.length - 1] !== content) found.push(content);
    prevStart = start;
    limit = start;
    searchEnd = start;
  }
  return found.length ? found.reverse().join(',') : text;
}
