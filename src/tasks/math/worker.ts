// Worker-thread entry for MathCheckPool: runs verifyMath on request. The cooperative deadline
// inside verifyMath works here as in the main thread; the pool adds a hard stop by terminating
// the worker if a single step (a slow simplification) overruns.
import { parentPort } from 'node:worker_threads';
import { type VerifyOptions, verifyMath } from './verify.js';

export interface CheckRequest {
  id: number;
  gold: string;
  pred: string;
  /** All of verifyMath's knobs, timeoutMs included (the pool fills in its defaults). */
  options: VerifyOptions;
}

parentPort?.on('message', (req: CheckRequest) => {
  parentPort!.postMessage({ id: req.id, verdict: verifyMath(req.gold, req.pred, req.options) });
});
