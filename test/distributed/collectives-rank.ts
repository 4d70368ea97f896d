// One rank of the collectives tests: node collectives-rank.js MODE (RANK, WORLD_SIZE, MASTER_PORT
// and KINDLING_DIST_TIMEOUT_MS come from the environment, as `kindling launch` sets them).
//   ops   run every collective and print the results as one JSON line
//   die   rank 1 exits after the first barrier; rank 0 then tries another collective
//   hang  rank 1 stops answering (busy for longer than the timeout); rank 0 tries a collective
import * as torch from '../../src/torch/index.js';

const dist = torch.distributed;
const mode = process.argv[2];
dist.initProcessGroup();
const rank = dist.getRank();
const world = dist.getWorldSize();

if (mode === 'ops') {
  const sum = torch.tensor([rank + 1, 10 * (rank + 1)]);
  dist.allReduce(sum);
  const avg = torch.tensor([rank + 1], { dtype: 'float64' });
  dist.allReduce(avg, 'avg');
  const max = torch.tensor([rank, -rank], { dtype: 'int64' });
  dist.allReduce(max, 'max');
  const b = torch.full([3], rank + 5);
  dist.broadcast(b, 1);
  const gathered = dist.allGather(torch.tensor([[rank, rank + 0.5]])).map((t) => [t.shape, t.toArray()]);
  // Objects of different sizes on each rank (the byte lengths are exchanged first).
  const objects = dist.allGatherObject({ rank, text: 'é'.repeat(rank * 3 + 1) });
  const fromRoot = dist.broadcastObject(rank === 0 ? { hello: ['from', 0] } : null, 0);
  dist.barrier();
  const out = {
    rank,
    world,
    sum: sum.toArray(),
    avg: avg.toArray(),
    max: max.toArray(),
    b: b.toArray(),
    gathered,
    objects,
    fromRoot,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  dist.destroyProcessGroup();
} else {
  dist.barrier();
  if (rank === 1 && mode === 'die') process.exit(3);
  if (rank === 1 && mode === 'hang') {
    const until = Date.now() + 3 * Number(process.env.KINDLING_DIST_TIMEOUT_MS);
    while (Date.now() < until);
    process.exit(0);
  }
  try {
    dist.allReduce(torch.ones([4]));
    process.stdout.write('no error\n');
  } catch (e) {
    process.stdout.write(`${JSON.stringify({ error: (e as Error).message })}\n`);
    process.exit(1);
  }
}
