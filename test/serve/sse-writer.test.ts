// SseWriter's write coalescing over a real loopback HTTP response: with an interval, events after
// the first two are held and written together, a held event still goes out without a later one (its
// timer), and the bytes the client reads are the same events in the same order as with no interval.
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { SseWriter } from '../../src/serve/stream.js';

/** Serves one response through `script`; returns the body the client read and the res.write calls made. */
async function serveOnce(
  intervalMs: number,
  script: (sse: SseWriter, body: () => string) => Promise<void>,
): Promise<{ body: string; writes: number }> {
  let writes = 0;
  let body = '';
  const server = createServer((_req, res: ServerResponse) => {
    const write = res.write.bind(res) as (...a: unknown[]) => boolean;
    (res as unknown as { write: (...a: unknown[]) => boolean }).write = (...a) => {
      writes++;
      return write(...a);
    };
    void script(new SseWriter(res, intervalMs), () => body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const r = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    assert.equal(r.status, 200);
    const decoder = new TextDecoder();
    for await (const chunk of r.body!) body += decoder.decode(chunk as Uint8Array, { stream: true });
    return { body, writes };
  } finally {
    server.close();
  }
}

const events = (n: number) => Array.from({ length: n }, (_, i) => ({ i, text: `token ${i}` }));
const expected = (n: number) =>
  `${events(n)
    .map((e) => `data: ${JSON.stringify(e)}\n\n`)
    .join('')}data: [DONE]\n\n`;

describe('SseWriter', () => {
  it('holds events after the first two and writes them together; the bytes are unchanged', async () => {
    const script = async (sse: SseWriter) => {
      for (const e of events(12)) sse.send(e);
      sse.done();
    };
    const plain = await serveOnce(0, script);
    assert.equal(plain.body, expected(12));
    assert.equal(plain.writes, 12, 'one write per event without an interval');
    const held = await serveOnce(60_000, script);
    assert.equal(held.body, expected(12));
    // the first two events at once, the other ten with the end (res.end, not a write)
    assert.equal(held.writes, 2);
  });

  it('a held event goes out on its own timer, before the stream ends', async () => {
    let seenBeforeDone = false;
    const { body } = await serveOnce(5, async (sse, read) => {
      for (const e of events(3)) sse.send(e);
      // the third event was held; wait (bounded) until the client has read it, with no further send
      for (let k = 0; k < 1000 && !seenBeforeDone; k++) {
        await new Promise((r) => setTimeout(r, 5));
        seenBeforeDone = read().includes('"i":2');
      }
      sse.done();
    });
    assert.ok(seenBeforeDone, 'the held event reached the client before done()');
    assert.equal(body, expected(3));
  });
});
