// Matmul GFLOP/s through kindling's binding vs PyTorch's own torch.mm, interleaved in one run
// (these machines drift 2–3× between runs; only same-run ratios mean anything).
//   node bench/matmul.mjs [--size 1024] [--rounds 5] [--seconds 2]
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '1024' },
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '2' },
  },
});
const size = Number(values.size);
const python = existsSync(join(repo, '.venv/bin/python')) ? join(repo, '.venv/bin/python') : 'python3';
const env = { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' };
const peer = `
import json, sys, time, torch
n, secs = ${size}, ${Number(values.seconds)}
a, b = torch.randn(n, n), torch.randn(n, n)
for _ in range(3): torch.mm(a, b)
it, t0 = 0, time.perf_counter()
while time.perf_counter() - t0 < secs or it < 5:
    torch.mm(a, b); it += 1
dt = time.perf_counter() - t0
print(json.dumps({"gflops": 2 * n**3 * it / dt / 1e9, "torch": torch.__version__, "threads": torch.get_num_threads()}))
`;
const ours = [];
const theirs = [];
let torchVersion = '';
for (let r = 0; r < Number(values.rounds); r++) {
  const o = JSON.parse(
    execFileSync(
      process.execPath,
      [join(repo, 'bin/kindling.js'), 'bench', 'matmul', '--size', String(size), '--seconds', values.seconds, '--json'],
      { env, encoding: 'utf8' },
    ),
  );
  const p = JSON.parse(execFileSync(python, ['-c', peer], { env, encoding: 'utf8' }));
  ours.push(o.gflops);
  theirs.push(p.gflops);
  torchVersion = p.torch;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  JSON.stringify(
    {
      bench: 'matmul',
      size,
      rounds: ours.length,
      torch: torchVersion,
      kindling_gflops: median(ours),
      torch_gflops: median(theirs),
      ratio: median(ours) / median(theirs),
      kindling_all: ours.map((x) => +x.toFixed(1)),
      torch_all: theirs.map((x) => +x.toFixed(1)),
    },
    null,
    2,
  ),
);
