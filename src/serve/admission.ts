// When continuous batching lets waiting requests into the running decode loop. Admitting one or two
// rows at every step (closed-loop clients refill as fast as rows finish) costs a small prefill
// forward and a cache merge per step; letting newcomers gather for a step or two prefills them
// together. Measured no faster on the demo model (docs/serve.md, Round 4), so the default wait is 0.

export interface AdmissionState {
  /** Rows decoding now (0: the loop is idle). */
  liveRows: number;
  /** Rows (prompts × n) of the waiting requests. */
  waitingRows: number;
  /** Decode steps the oldest waiting request has waited. */
  oldestWaited: number;
  /** The most steps a newcomer may wait (`--admit-wait-steps`; 0 admits at the next step). */
  waitSteps: number;
}

/** Admit now when the loop is idle, an eighth of the batch (at least 2 rows) waits, or the oldest has waited long enough. */
export function admissionDue(s: AdmissionState): boolean {
  if (s.waitingRows === 0) return false;
  if (s.liveRows === 0 || s.waitSteps === 0) return true;
  if (s.waitingRows >= Math.max(2, Math.ceil(s.liveRows / 8))) return true;
  return s.oldestWaited >= s.waitSteps;
}
