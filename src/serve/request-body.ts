// Request bodies → JSON objects, refusing what could hurt the server before parsing it: bodies over
// the size limit (by Content-Length, then by counting), bodies that end early, bytes that are not
// UTF-8 (named by offset), JSON nested deeper than anything the API needs.
import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors.js';
import type { Body } from './params.js';

/** Deeper nesting than any OpenAI request has; JSON.parse and later walks of it recurse. */
export const MAX_JSON_DEPTH = 64;

const bad = (message: string, code: string, status = 400) =>
  new ApiError(status, message, 'invalid_request_error', null, code);

export async function parseBody(req: IncomingMessage, maxBytes: number): Promise<Body> {
  const tooLarge = () => bad(`the request body is larger than ${maxBytes} bytes`, 'request_too_large', 413);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge();
      chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw bad(`the request body ended early after ${size} bytes (${(e as Error).message})`, 'incomplete_body');
  }
  const bytes = Buffer.concat(chunks);
  const badAt = invalidUtf8At(bytes);
  if (badAt >= 0) throw bad(`the request body is not valid UTF-8 (byte ${badAt})`, 'invalid_utf8');
  const text = bytes.toString('utf8');
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH)
    throw bad(`the request body nests JSON ${depth} levels deep (at most ${MAX_JSON_DEPTH})`, 'invalid_json');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw bad(`the request body is not valid JSON: ${(e as Error).message}`, 'invalid_json');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw bad('the request body must be a JSON object', 'invalid_json');
  return v as Body;
}

/** The offset of the first byte that breaks UTF-8 (overlongs, surrogates and > U+10FFFF included), or −1. */
export function invalidUtf8At(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) [n, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [n, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [n, min] = [3, 0x10000];
    else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const x = b[i + k];
      if (x === undefined || (x & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (x & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

/** The deepest nesting of [ and { outside strings (a scan, no recursion). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++;
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) max = Math.max(max, ++depth);
    else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return max;
}
