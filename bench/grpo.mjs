// One GRPO step of kindling vs TRL's GRPOTrainer (transformers generation) on the same tiny model,
// prompts, G and lengths, in one run. Prints kindling's time split (generate / score / train) too.
//   node bench/grpo.mjs [--model models/demo-base] [--prompts 8] [--G 8] [--max-completion 64] [--steps 4] [--no-peer]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: v } = parseArgs({
  options: {
    model: { type: 'string', default: join(repo, 'models', 'demo-base') },
    prompts: { type: 'string', default: '8' },
    G: { type: 'string', default: '8' },
    'max-completion': { type: 'string', default: '64' },
    steps: { type: 'string', default: '4' },
    'no-peer': { type: 'boolean', default: false },
  },
});
const { runGrpo } = await import(join(repo, 'dist/src/train/grpo.js'));
const { resolveConfig } = await import(join(repo, 'dist/src/train/config-load.js'));
const { GrpoConfigSchema } = await import(join(repo, 'dist/src/train/grpo-config.js'));
const P = Number(v.prompts);
const steps = Number(v.steps);
const letters = {
  name: 'letters',
  splits: ['train'],
  load: async () => [],
  prompt: (e) => e.q,
  reward: (c) => ({
    score: [...c].filter((x) => x >= 'a' && x <= 'z').length / Math.max(1, c.length),
    reason: 'letters',
  }),
  score: () => ({ correct: false, extracted: null, reason: '' }),
};
const train = Array.from({ length: P * (steps + 1) }, (_, i) => ({ id: `q${i}`, q: `Q: say something ${i}? A:` }));
const config = resolveConfig(GrpoConfigSchema, undefined, {
  learning_rate: 1e-5,
  num_generations: Number(v.G),
  prompts_per_step: P,
  max_completion_length: Number(v['max-completion']),
  max_steps: steps + 1,
  temperature: 0.7,
  top_p: 0.95,
  top_k: 50,
  per_device_train_batch_size: P * Number(v.G),
  save_steps: 100000,
  log_completions_steps: 0,
  limit: null,
});
const out = mkdtempSync(join(tmpdir(), 'kindling-grpo-bench-'));
const r = await runGrpo({ model: v.model, task: letters, train, out, config, progress: false, log: () => {} });
const rows = r.metrics.slice(1);
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const k = {
  generate: med(rows.map((m) => m['time/generate'])),
  score: med(rows.map((m) => m['time/score'])),
  train: med(rows.map((m) => m['time/train'])),
  length: med(rows.map((m) => m['completions/mean_length'])),
  clipped: med(rows.map((m) => m['completions/clipped_ratio'])),
};
k.total = k.generate + k.score + k.train;
if (v['no-peer']) {
  console.log(JSON.stringify({ kindling: k }));
  process.exit(0);
}
const python = existsSync(join(repo, '.venv/bin/python')) ? join(repo, '.venv/bin/python') : 'python3';
const trl = JSON.parse(
  execFileSync(
    python,
    [
      join(repo, 'bench/peers/trl_grpo_bench.py'),
      '--model',
      v.model,
      '--prompts',
      v.prompts,
      '--G',
      v.G,
      '--max-completion',
      v['max-completion'],
      '--steps',
      v.steps,
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
    .trim()
    .split('\n')
    .pop(),
);
console.log(
  JSON.stringify(
    {
      bench: 'grpo_step',
      model: v.model,
      prompts: P,
      G: Number(v.G),
      max_completion_length: Number(v['max-completion']),
      kindling_s_per_step: +k.total.toFixed(3),
      kindling_split_s: { generate: +k.generate.toFixed(3), score: +k.score.toFixed(3), train: +k.train.toFixed(3) },
      kindling_completion_mean_length: +k.length.toFixed(1),
      kindling_completion_clipped_ratio: +k.clipped.toFixed(3),
      kindling_generate_share: +(k.generate / k.total).toFixed(3),
      trl_s_per_step: +trl.s_per_step.toFixed(3),
      speedup_vs_trl: +(trl.s_per_step / k.total).toFixed(2),
    },
    null,
    2,
  ),
);
