// The sandbox pool itself: a fresh interpreter per job, step and total limits enforced by
// terminating and replacing the worker, crashes contained, output captured and truncated, the
// memory cap, and jobs queueing over a fixed number of workers.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { SandboxPool } from '../../src/sandbox/index.js';

const pool = new SandboxPool({ workers: 2, memoryLimitMb: 256, outputLimitChars: 1000 });
after(() => pool.close());

// A minimal trusted driver: step 0 executes the program in a fresh dict and returns its variable `x`.
const RUN = `
def main(ctx):
    g = {}
    ctx.step(0)
    with ctx.captured():
        exec(ctx.program, g)
    return {'x': g.get('x')}
`;

const run = (program: string, limitMs = 3000) =>
  pool.run({ driver: RUN, program, stepLimitsMs: [limitMs], totalLimitMs: 20_000 });

async function x(program: string): Promise<unknown> {
  const r = await run(program);
  if (r.outcome.kind !== 'done') assert.fail(JSON.stringify(r.outcome));
  return r.outcome.result.x;
}

test('sandbox: runs a driver with payload and blobs, returns its dict and bytes', async () => {
  const r = await pool.run({
    driver: `
import marshal
def main(ctx):
    ctx.step(0)
    return {'payload': ctx.payload, 'blob_sizes': [len(b) for b in ctx.blobs], '_bytes': marshal.dumps((1, 2**70))}
`,
    program: '',
    payload: { a: 1, b: 'two', c: [true, null] },
    blobs: [new Uint8Array([1, 2, 3]), new Uint8Array(0)],
    stepLimitsMs: [3000],
    totalLimitMs: 5000,
  });
  assert.equal(r.outcome.kind, 'done');
  if (r.outcome.kind !== 'done') return;
  assert.deepEqual(r.outcome.result, { payload: { a: 1, b: 'two', c: [true, null] }, blob_sizes: [3, 0] });
  assert.ok(r.outcome.bytes && r.outcome.bytes.length > 0, 'marshal bytes come back');
});

test('sandbox: every job starts from a fresh interpreter', async () => {
  // Job 1 changes global state every way it can: builtins, a stdlib module, sys, the file system.
  await x(`
import builtins, math, sys, os
builtins.len = lambda s: 42
math.pi = 3
sys.setrecursionlimit(50)
sys.modules['planted'] = object()
os.makedirs('/tmp/dirty', exist_ok=True)
open('/tmp/dirty/f', 'w').write('left behind')
x = 1
`);
  for (let i = 0; i < 3; i++) {
    // Whichever worker takes the next jobs, none of that is visible.
    const seen = await x(`
import builtins, math, sys, os
x = [len('ab'), math.pi, sys.getrecursionlimit() > 50, 'planted' in sys.modules, os.path.exists('/tmp/dirty/f')]
`);
    assert.deepEqual(seen, [2, Math.PI, true, false, false]);
  }
});

test('sandbox: a step past its limit is stopped, the worker replaced, and the pool keeps working', async () => {
  const before = pool.replaced;
  const r = await run('while True:\n    pass', 1500);
  assert.equal(r.outcome.kind, 'timeout');
  if (r.outcome.kind === 'timeout') {
    assert.equal(r.outcome.scope, 'step');
    assert.equal(r.outcome.step, 0);
    assert.equal(r.outcome.limitMs, 1500);
  }
  assert.equal(pool.replaced, before + 1);
  assert.equal(await x('x = sum(range(10))'), 45);
});

test('sandbox: the total limit stops a job whose steps each stay within theirs', async () => {
  const r = await pool.run({
    driver: `
import time
def main(ctx):
    for i in range(100):
        ctx.step(i)
        t = time.perf_counter()
        while time.perf_counter() - t < 0.2:
            pass
    return {}
`,
    program: '',
    stepLimitsMs: Array(100).fill(1000),
    totalLimitMs: 1200,
  });
  assert.equal(r.outcome.kind, 'timeout');
  if (r.outcome.kind === 'timeout') {
    assert.equal(r.outcome.scope, 'total');
    // No clock in the assertion: each 0.2 s step stays within its 1 s limit, so it is the total
    // limit (scope 'total') that stops the job, before its last step.
    assert.ok(r.outcome.step < 99, `stopped before the last step, got ${r.outcome.step}`);
  }
});

test('sandbox: a mark set before a timeout is reported with it', async () => {
  const r = await pool.run({
    driver: 'def main(ctx):\n    ctx.step(0)\n    ctx.mark(5)\n    ctx.step(1)\n    while True:\n        pass\n',
    program: '',
    stepLimitsMs: [2000, 500],
    totalLimitMs: 5000,
  });
  assert.deepEqual(r.outcome, { kind: 'timeout', scope: 'step', step: 1, limitMs: 500, mark: 5 });
});

test('sandbox: an interpreter crash (wasm stack overflow) is reported and contained', async () => {
  // Generous limit: overflowing the stack takes a while on a loaded machine, and this is about the crash.
  const r = await run('import sys\nsys.setrecursionlimit(10**6)\ndef f(n):\n    return f(n + 1)\nx = f(0)', 30_000);
  assert.equal(r.outcome.kind, 'crash');
  if (r.outcome.kind === 'crash') {
    assert.match(r.outcome.message, /stack/i);
    assert.equal(r.outcome.step, 0);
  }
  assert.equal(await x('x = "still fine"'), 'still fine');
});

test('sandbox: memory past the cap raises MemoryError inside Python', async () => {
  const r = await run('x = bytearray(400 * 1024 * 1024)');
  assert.equal(r.outcome.kind, 'driver_error');
  if (r.outcome.kind === 'driver_error') assert.match(r.outcome.message, /MemoryError/);
  assert.equal(await x('x = len(bytearray(50 * 1024 * 1024))'), 50 * 1024 * 1024, 'allocations under the cap work');
});

test('sandbox: stdout and stderr are captured and truncated, stdin is unreadable', async () => {
  const r = await run(`
import sys, os
print('hello')
print('warn', file=sys.stderr)
print('y' * 100_000_000)
os.write(1, b'low-level\\n')
try:
    input()
except OSError as e:
    x = str(e)
`);
  assert.equal(r.outcome.kind, 'done');
  assert.ok(r.output.stdout.startsWith('hello\nyyy'));
  assert.equal(r.output.stdout.length, 1000);
  assert.equal(r.output.stdoutChars, 6 + 100_000_001 + 10);
  assert.equal(r.output.stderr, 'warn\n');
  assert.equal(r.output.truncated, true);
  if (r.outcome.kind === 'done') assert.match(String(r.outcome.result.x), /stdin is not available/);
});

test('sandbox: jobs beyond the worker count queue and all complete', async () => {
  const results = await Promise.all(Array.from({ length: 8 }, (_, i) => x(`x = ${i} * ${i}`)));
  assert.deepEqual(
    results,
    Array.from({ length: 8 }, (_, i) => i * i),
  );
});

test('sandbox: a closed pool rejects new jobs', async () => {
  const p = new SandboxPool({ workers: 1 });
  await p.close();
  await assert.rejects(p.run({ driver: RUN, program: 'x = 1', stepLimitsMs: [1000], totalLimitMs: 1000 }), /closed/);
});
