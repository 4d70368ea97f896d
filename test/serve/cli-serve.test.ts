// `kindling serve` as a process: it prints where it listens (port 0 → a free port), answers, and
// on SIGTERM finishes the request in flight before exiting with status 0.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT } from '../../src/paths.js';
import { tinyModelFolder } from './fixture.js';

const { dir, cleanup } = tinyModelFolder('cli-tiny');
after(cleanup);

describe('kindling serve (process)', () => {
  it('serves on a free port, finishes in-flight work on SIGTERM, exits 0', async () => {
    const child = spawn(
      process.execPath,
      [
        join(REPO_ROOT, 'bin', 'kindling.js'),
        'serve',
        '--model',
        dir,
        '--port',
        '0',
        '--max-batch',
        '4',
        '--batching',
        'static',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "serving" line within 60 s; stderr:\n${stderr}`)), 60_000);
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /serving 'cli-tiny' .* at (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(stderr);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.on('exit', (code) => reject(new Error(`exited with ${code} before serving; stderr:\n${stderr}`)));
    });
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string }[] };
    assert.equal(models.data[0]!.id, 'cli-tiny');

    // a request long enough to still be running when the signal arrives
    const inFlight = fetch(`${url}/v1/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'cli-tiny', prompt: 'Long one', max_tokens: 100, n: 8, ignore_eos: true }),
    });
    await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    const r = await inFlight;
    assert.equal(r.status, 200);
    const body = (await r.json()) as { choices: unknown[]; usage: { completion_tokens: number } };
    assert.equal(body.choices.length, 8);
    assert.equal(body.usage.completion_tokens, 800);
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /SIGTERM: finishing in-flight requests/);
    assert.match(stderr, /server stopped/);
    assert.match(stderr, /"POST \/v1\/completions" 200/);
    // static batching with --max-batch 4: the 8 samples ran as two calls of 4
    assert.equal(stderr.match(/batch: 1 request\(s\), 1 prompt\(s\), 4 sequence\(s\), 400 tokens/g)?.length, 2, stderr);
  });
});
