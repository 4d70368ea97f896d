import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as torch from '../../src/torch/index.js';
import { freePort, HERE, startRanks } from './spawn.js';

const dist = torch.distributed;
const script = join(HERE, 'collectives-rank.js');

describe('torch.distributed over Gloo (2 ranks on loopback)', () => {
  it('allReduce, broadcast, allGather, object collectives and barrier give torch.distributed results', async () => {
    const ranks = await startRanks(2, [script, 'ops']);
    const exits = await Promise.all(ranks.map((r) => r.exit));
    for (const e of exits) assert.equal(e.code, 0, e.stderr);
    const [r0, r1] = exits.map((e) => JSON.parse(e.stdout.trim()));
    for (const r of [r0, r1]) {
      assert.deepEqual(r.sum, [3, 30]);
      assert.deepEqual(r.avg, [1.5]);
      assert.deepEqual(r.max, [1, 0]);
      assert.deepEqual(r.b, [6, 6, 6], 'broadcast from rank 1');
      assert.deepEqual(r.gathered, [
        [
          [1, 2],
          [0, 0.5],
        ],
        [
          [1, 2],
          [1, 1.5],
        ],
      ]);
      assert.deepEqual(r.objects, [
        { rank: 0, text: 'é' },
        { rank: 1, text: 'éééé' },
      ]);
      assert.deepEqual(r.fromRoot, { hello: ['from', 0] });
      assert.equal(r.world, 2);
    }
    assert.deepEqual([r0.rank, r1.rank], [0, 1]);
  });

  it('a rank that exits makes the other fail its next collective with a clear error, not hang', async () => {
    const ranks = await startRanks(2, [script, 'die'], { timeoutMs: 20_000 });
    const [e0, e1] = await Promise.all(ranks.map((r) => r.exit));
    assert.equal(e1!.code, 3);
    assert.equal(e0!.code, 1, e0!.stderr);
    const { error } = JSON.parse(e0!.stdout.trim());
    assert.match(error, /^allReduce failed on rank 0 of 2 \(gloo\): .*another rank probably exited/s);
  });

  it('a rank that stops answering makes the other fail after the timeout', async () => {
    const ranks = await startRanks(2, [script, 'hang'], { timeoutMs: 2000 });
    const e0 = await ranks[0]!.exit;
    // Event order, not a clock: rank 1 (busy for 3× the timeout, then exiting 0) is still running
    // when rank 0 gives up, so the timeout ended the collective, not rank 1's exit.
    assert.equal(ranks[1]!.child.exitCode, null, 'rank 1 is still busy when rank 0 fails');
    assert.equal(e0.code, 1, e0.stderr);
    const { error } = JSON.parse(e0.stdout.trim());
    assert.match(error, /allReduce failed on rank 0 of 2 \(gloo\): .*Timed out/s);
    ranks[1]!.child.kill('SIGKILL');
    await ranks[1]!.exit;
  });

  it('a rendezvous nobody else joins fails after the timeout, naming the address', async () => {
    const [lonely] = await startRanks(2, [script, 'ops'], { timeoutMs: 1500 }).then((rs) => {
      rs[1]!.child.kill('SIGKILL');
      return rs;
    });
    const e = await lonely!.exit;
    assert.equal(e.code, 1);
    assert.match(e.stderr, /initProcessGroup: rendezvous at 127\.0\.0\.1:\d+ failed for rank 0 of 2 within 1500 ms/);
  });

  it('settings come from torchrun variables, and bad ones are named', () => {
    const s = dist.resolveInit({}, { RANK: '1', WORLD_SIZE: '4', MASTER_ADDR: '10.0.0.2', MASTER_PORT: '29501' });
    assert.deepEqual(s, {
      backend: 'gloo',
      rank: 1,
      worldSize: 4,
      masterAddr: '10.0.0.2',
      masterPort: 29501,
      timeoutMs: dist.DEFAULT_TIMEOUT_MS,
    });
    assert.throws(() => dist.resolveInit({}, {}), /RANK and WORLD_SIZE/);
    assert.throws(() => dist.resolveInit({}, { RANK: '2', WORLD_SIZE: '2' }), /rank 2 is not in \[0, 2\)/);
    assert.throws(
      () => dist.resolveInit({}, { RANK: 'x', WORLD_SIZE: '2' }),
      /RANK must be a non-negative integer, got 'x'/,
    );
    assert.throws(() => dist.resolveInit({ rank: 0, worldSize: 1, masterPort: 70000 }), /not a TCP port/);
    assert.equal(dist.isInitialized(), false);
    assert.throws(() => dist.allReduce(torch.ones([1])), /not initialized \(call initProcessGroup first\)/);
    if (!dist.isNcclAvailable())
      assert.throws(() => dist.initProcessGroup({ rank: 0, worldSize: 1, backend: 'nccl' }), /no NCCL/);
  });

  it('a one-rank group works without peers', async () => {
    dist.initProcessGroup({ rank: 0, worldSize: 1, masterPort: await freePort(), timeoutMs: 5000 });
    try {
      const t = torch.tensor([2, 3]);
      dist.allReduce(t);
      assert.deepEqual(t.toArray(), [2, 3]);
      assert.deepEqual(dist.allGatherObject('x'), ['x']);
      assert.throws(() => dist.allReduce(torch.ones([4, 4]).t()), /must be contiguous/);
    } finally {
      dist.destroyProcessGroup();
    }
    assert.equal(dist.isInitialized(), false);
  });
});
