// The time limit per check works in worker threads: an overrunning check is stopped (the worker
// terminated and replaced) and reported as 'timeout', and the pool keeps working.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { CheckTimeout, Deadline, MathCheckPool, verifyMath } from '../../../src/tasks/math/index.js';

test('math pool: checks run in workers, in any order, with the same verdicts as in-thread', async () => {
  const pool = new MathCheckPool({ size: 2 });
  try {
    const pairs: [string, string][] = [
      ['\\frac{1}{2}', '\\boxed{0.5}'],
      ['x^2+2x+1', '\\boxed{(x+1)^2}'],
      ['3', '\\boxed{4}'],
      ['\\{1,2\\}', '\\boxed{2,1}'],
    ];
    const got = await Promise.all(pairs.map(([g, p]) => pool.verify(g, p)));
    assert.deepEqual(
      got,
      pairs.map(([g, p]) => verifyMath(g, p)),
    );
  } finally {
    await pool.close();
  }
});

test('math pool: an overrunning check is stopped and reported as timeout; the pool keeps working', async () => {
  const pool = new MathCheckPool({ size: 1, graceMs: 0 });
  try {
    // 1 ms is far less than a fresh worker needs to load the compute engine: the worker is terminated
    const slow = await pool.verify('x^2+2x+1', '\\boxed{(x+1)^2}', { timeoutMs: 1 });
    assert.equal(slow.equivalent, false);
    assert.equal(slow.reason, 'timeout');
    assert.ok(pool.terminated >= 1);
    const ok = await pool.verify('x^2+2x+1', '\\boxed{(x+1)^2}');
    assert.equal(ok.equivalent, true);
  } finally {
    await pool.close();
  }
});

test('math: the cooperative deadline needs no main thread (works inside a plain worker thread)', async () => {
  const url = new URL('../../../src/tasks/math/verify.js', import.meta.url).href;
  const code = `
    const { parentPort } = require('node:worker_threads');
    import(${JSON.stringify(url)}).then((m) => {
      const fast = m.verifyMath('1/2', '\\\\boxed{0.5}', { timeoutMs: 5000 });
      const expired = m.verifyMath('1/2', '\\\\boxed{0.5}', { timeoutMs: -1 });
      parentPort.postMessage({ fast: fast.equivalent, expired: expired.reason });
    });`;
  const w = new Worker(code, { eval: true });
  const msg = await new Promise<{ fast: boolean; expired: string }>((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  await w.terminate();
  assert.deepEqual(msg, { fast: true, expired: 'timeout' });
  assert.throws(() => new Deadline(-1).check(), CheckTimeout);
});
