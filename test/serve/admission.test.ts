// The continuous-batching admission rule: newcomers gather for a few decode steps so they are
// prefilled together, but never wait when the loop is idle and never longer than --admit-wait-steps.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admissionDue } from '../../src/serve/admission.js';

describe('continuous batching admission', () => {
  const busy = { liveRows: 32, waitingRows: 1, oldestWaited: 0, waitSteps: 2 };

  it('admits at once when the loop is idle or waiting is off; nothing to admit is never due', () => {
    assert.equal(admissionDue({ ...busy, liveRows: 0 }), true);
    assert.equal(admissionDue({ ...busy, waitSteps: 0 }), true);
    assert.equal(admissionDue({ ...busy, waitingRows: 0, oldestWaited: 99 }), false);
  });

  it('a lone newcomer in a busy batch waits at most waitSteps steps', () => {
    assert.equal(admissionDue({ ...busy, oldestWaited: 0 }), false);
    assert.equal(admissionDue({ ...busy, oldestWaited: 1 }), false);
    assert.equal(admissionDue({ ...busy, oldestWaited: 2 }), true);
    assert.equal(admissionDue({ ...busy, oldestWaited: 7, waitSteps: 8 }), false);
    assert.equal(admissionDue({ ...busy, oldestWaited: 8, waitSteps: 8 }), true);
  });

  it('an eighth of the batch (at least two rows) waiting is admitted together without waiting', () => {
    assert.equal(admissionDue({ ...busy, waitingRows: 3 }), false); // 32 / 8 = 4
    assert.equal(admissionDue({ ...busy, waitingRows: 4 }), true);
    assert.equal(admissionDue({ ...busy, liveRows: 4, waitingRows: 1 }), false); // at least 2
    assert.equal(admissionDue({ ...busy, liveRows: 4, waitingRows: 2 }), true);
  });
});
