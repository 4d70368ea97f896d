// Data-parallel SFT speed on the CPU: one process vs `kindling launch --nproc 2`, same global batch.
//   node bench/distributed-sft.mjs [--config ../shared/bench/configs/m.json] [--steps 4] [--repeats 2]
// Makes a random model from the config (byte-level tokenizer) and 64 symbolic K&K traces, then runs
// the variants alternately and reports seconds per optimizer step (from rank 0's metrics.jsonl,
// steps 2..N, so start-up and the first step's allocations are left out).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const repo = resolve(import.meta.dirname, '..');
const { values: a } = parseArgs({
  options: {
    config: { type: 'string', default: join(repo, '..', 'shared', 'bench', 'configs', 'm.json') },
    steps: { type: 'string', default: '4' },
    repeats: { type: 'string', default: '2' },
    'max-length': { type: 'string', default: '2048' },
  },
});
const kindling = (args) =>
  execFileSync(process.execPath, [join(repo, 'bin', 'kindling.js'), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
const tmp = mkdtempSync(join(tmpdir(), 'kindling-dp-bench-'));
const model = join(tmp, 'model');
const data = join(tmp, 'traces.jsonl');
kindling(['model', 'init', '--config', a.config, '--out', model]);
kindling([
  'kk',
  'teach',
  '--in',
  join(repo, '..', 'shared', 'data', 'kk', 'logic-rl', '3ppl', 'train.parquet'),
  '--samples-per-puzzle',
  '1',
  '--limit',
  '64',
  '--verbosity',
  'low',
  '--out',
  data,
]);

const sft = (out, threads) => [
  'sft',
  '--model',
  model,
  '--data',
  data,
  '--out',
  out,
  '--no-progress',
  '--learning_rate',
  '1e-4',
  '--per_device_train_batch_size',
  '2',
  '--gradient_accumulation_steps',
  '4',
  '--max_length',
  a['max-length'],
  '--max_steps',
  a.steps,
  '--save_steps',
  '100000',
  '--threads',
  String(threads),
];
const variants = [
  { name: '1 process, 2 threads', args: (out) => sft(out, 2) },
  { name: '2 ranks (launch), 1 thread each', args: (out) => ['launch', '--nproc', '2', '--', ...sft(out, 1)] },
  { name: '1 process, 1 thread', args: (out) => sft(out, 1) },
];
const results = new Map(variants.map((v) => [v.name, []]));
for (let r = 0; r < Number(a.repeats); r++) {
  for (const v of variants) {
    const out = join(tmp, `run-${r}-${variants.indexOf(v)}`);
    kindling(v.args(out));
    const rows = readFileSync(join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const perStep = (rows.at(-1).elapsed - rows[0].elapsed) / (rows.length - 1);
    results.get(v.name).push(perStep);
    console.error(`${v.name}: ${perStep.toFixed(2)} s/step (loss ${rows.at(-1).loss.toFixed(4)})`);
    rmSync(out, { recursive: true, force: true });
  }
}
const cfg = JSON.parse(readFileSync(a.config, 'utf8'));
console.log(
  `config ${a.config} (hidden ${cfg.hidden_size}, ${cfg.num_hidden_layers} layers), 8 rows × ≤${a['max-length']} tokens per step, ${cpus().length} CPUs, load ${(await import('node:os')).loadavg()[0].toFixed(1)}`,
);
const base = Math.min(...results.get(variants[0].name));
for (const [name, xs] of results) {
  const best = Math.min(...xs);
  console.log(
    `${name.padEnd(34)} best ${best.toFixed(2)} s/step  (all: ${xs.map((x) => x.toFixed(2)).join(', ')})  speed-up vs 1 process/2 threads ×${(base / best).toFixed(2)}`,
  );
}
rmSync(tmp, { recursive: true, force: true });
