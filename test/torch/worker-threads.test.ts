// Tensors on several JS threads at once: `kindling serve` runs the model in a worker thread while
// the main thread (a test's reference generate(), a trainer) may use tensors too. The binding's
// live-handle set is process-wide; unlocked, concurrent creates and disposes corrupted it (live
// tensors reported "used after dispose()", then heap corruption and SIGABRT).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import * as torch from '../../src/torch/index.js';

// Enough create/dispose pairs per thread that the unlocked set failed on every run tried (it failed
// within the first ~50k); fixed, not timed.
const ROUNDS = 100_000;

/** Creates, uses and disposes small tensors; returns how many rounds threw and the sum it computed. */
function churn(t: typeof torch, rounds: number): { errors: string[]; total: number } {
  const errors: string[] = [];
  let total = 0;
  for (let i = 0; i < rounds; i++) {
    try {
      const a = t.full([4], i % 7);
      const b = a.add(1);
      total += b.sum().item();
      a.dispose();
      b.dispose();
    } catch (e) {
      if (errors.length < 3) errors.push(e instanceof Error ? e.message : String(e));
    }
  }
  return { errors, total };
}

describe('tensors on worker threads', () => {
  it('the main thread and a worker create and dispose tensors at the same time without errors', async () => {
    const torchUrl = new URL('../../src/torch/index.js', import.meta.url).href;
    // The worker runs the same loop (its source, so both threads do identical work).
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       import(workerData.torchUrl).then((t) => {
         const churn = ${churn.toString()};
         parentPort.postMessage(churn(t, workerData.rounds));
       });`,
      { eval: true, workerData: { torchUrl, rounds: ROUNDS } },
    );
    const fromWorker = new Promise<{ errors: string[]; total: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`worker exited (code ${code}) before answering`)));
    });
    // the main thread waits for the worker's first tensors so that the loops overlap
    await new Promise((r) => setTimeout(r, 50));
    const here = churn(torch, ROUNDS);
    const there = await fromWorker;
    await worker.terminate();
    // Σ over i of (i mod 7 + 1) · 4
    let expected = 0;
    for (let i = 0; i < ROUNDS; i++) expected += ((i % 7) + 1) * 4;
    assert.deepEqual(here, { errors: [], total: expected }, 'main thread');
    assert.deepEqual(there, { errors: [], total: expected }, 'worker thread');
  });
});
