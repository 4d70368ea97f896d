// A cooperative time limit. Checks call deadline.check() between steps; it throws CheckTimeout
// once the budget is spent. Unlike math-verify's signal.alarm() this works in any thread (worker
// threads included); for a hard limit on a single long step, run checks in MathCheckPool, which
// terminates the worker.

export class CheckTimeout extends Error {
  constructor(ms: number) {
    super(`math check exceeded ${ms} ms`);
  }
}

export class Deadline {
  private readonly end: number;
  constructor(readonly ms: number) {
    this.end = performance.now() + ms;
  }
  get expired(): boolean {
    return performance.now() > this.end;
  }
  check(): void {
    if (this.expired) throw new CheckTimeout(this.ms);
  }
}
