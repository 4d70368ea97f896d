// `kindling distill --api chat --api-key-env NAME` as a user runs it, against the fault server on
// 127.0.0.1: every request goes to /v1/chat/completions with the paper's prompt as the one user
// message and the key read from the named variable (and the "EMPTY" key vLLM accepts when unset).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT } from '../../src/paths.js';
import { kkPrompt } from '../../src/tasks/kk/index.js';
import { startFaultServer } from './fault-server.js';
import { answerer, kkFile, somePuzzles } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'distill-chat-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI as a child process (async: the server answers from this process). */
function distill(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; err: string }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'kindling.js'), 'distill', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env,
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, err })));
}

describe('kindling distill --api chat', () => {
  it('asks /v1/chat/completions with the prompt as the user message and the key from --api-key-env', async () => {
    const puzzles = await somePuzzles(3, 4);
    const server = await startFaultServer({ answer: answerer(puzzles) });
    try {
      const args = (out: string, more: string[] = []) => [
        '--teacher',
        `openai:${server.url}#fault-model`,
        '--api',
        'chat',
        '--puzzles',
        kkFile(3),
        '--limit',
        '4',
        '--samples-per-puzzle',
        '2',
        '--filter',
        'none',
        '--out',
        out,
        ...more,
      ];
      const { OPENAI_API_KEY: _, ...env } = process.env;
      const out = join(dir, 'chat.jsonl');
      const r = await distill(args(out, ['--api-key-env', 'KINDLING_TEST_KEY']), {
        ...env,
        KINDLING_TEST_KEY: 's3cret',
      });
      assert.equal(r.code, 0, r.err);
      assert.equal(server.requests.length, 4);
      const prompts = new Set(puzzles.map((p) => kkPrompt(p.quiz)));
      for (const q of server.requests) {
        assert.equal(q.path, '/v1/chat/completions');
        assert.equal(q.headers.authorization, 'Bearer s3cret');
        const messages = q.body.messages as { role: string; content: string }[];
        assert.equal(messages.length, 1);
        assert.equal(messages[0]!.role, 'user');
        assert.ok(prompts.has(messages[0]!.content), 'the paper prompt of one of the puzzles');
        assert.equal(q.body.prompt, undefined, 'no raw prompt on the chat API');
        assert.equal(q.body.n, 2);
      }
      const rows = readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.equal(rows.length, 8);
      assert.deepEqual([...new Set(rows.map((x) => x.puzzle_id))].sort(), puzzles.map((p) => p.id).sort());
      // no key in the environment: the placeholder local servers accept
      const before = server.requests.length;
      const r2 = await distill(args(join(dir, 'nokey.jsonl')), env);
      assert.equal(r2.code, 0, r2.err);
      assert.ok(server.requests.slice(before).every((q) => q.headers.authorization === 'Bearer EMPTY'));
    } finally {
      await server.close();
    }
  });
});
