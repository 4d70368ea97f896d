// `kindling serve` on Ctrl-C (SIGINT), as on SIGTERM (test/serve/cli-serve.test.ts): a streamed
// request whose first chunk has arrived — so it is surely in flight when the signal is sent — still
// streams to its last token and [DONE]; then the server exits 0.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT } from '../../src/paths.js';
import { tinyModelFolder } from '../serve/fixture.js';

const { dir, cleanup } = tinyModelFolder('sigint-tiny');
after(cleanup);

describe('kindling serve on SIGINT', () => {
  it('finishes the streaming request in flight, then exits 0', async () => {
    const child = spawn(
      process.execPath,
      [join(REPO_ROOT, 'bin', 'kindling.js'), 'serve', '--model', dir, '--port', '0', '--batching', 'static'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    const events: string[] = [];
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => {
        events.push('exit');
        resolve(code);
      }),
    );
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "serving" line within 60 s; stderr:\n${stderr}`)), 60_000);
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /serving 'sigint-tiny' .* at (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.on('exit', (code) => reject(new Error(`exited with ${code} before serving; stderr:\n${stderr}`)));
    });
    const r = await fetch(`${url}/v1/completions`, {
      method: 'POST',
      body: JSON.stringify({
        model: 'sigint-tiny',
        prompt: 'Long one',
        max_tokens: 60,
        ignore_eos: true,
        stream: true,
      }),
    });
    assert.equal(r.status, 200);
    const reader = r.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let signalled = false;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (!signalled && text.includes('data: {')) {
        signalled = true;
        child.kill('SIGINT');
      }
    }
    events.push('stream end');
    assert.ok(signalled, 'a first chunk arrived');
    const chunks = text
      .split('\n\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => JSON.parse(l.slice(6)) as { choices: { text: string; finish_reason: string | null }[] });
    assert.ok(text.trimEnd().endsWith('data: [DONE]'), 'the stream ends with [DONE]');
    assert.equal(chunks.at(-1)!.choices[0]!.finish_reason, 'length', 'it ran to max_tokens');
    assert.equal(await exited, 0, stderr);
    assert.deepEqual(events, ['stream end', 'exit'], 'the request finished before the server exited');
    assert.match(stderr, /SIGINT: finishing in-flight requests/);
    assert.match(stderr, /server stopped/);
  });
});
