// The decoder's training step and generation against the plain PyTorch peer
// (../shared/bench/torch_peer.py) and Hugging Face transformers, interleaved in one run, on the
// shared s/m configs. Prints JSON with medians over rounds and the ratios.
//   node bench/model.mjs [--configs s,m] [--rounds 3] [--reps 3] [--what train,generate] [--steps 6]
//     [--new-tokens 64]      (real shapes, e.g. --configs qwen2.5-0.5b --rounds 1 --reps 1 --steps 1: minutes per run)
// Each round runs every engine once, in turn; a generate run reports the median of its --reps
// repetitions (after a warm-up), which damps this shared VM's ±15 % swings within a round.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(repo, '..', 'shared', 'bench');
const { values } = parseArgs({
  options: {
    configs: { type: 'string', default: 's,m' },
    rounds: { type: 'string', default: '3' },
    reps: { type: 'string', default: '3' },
    what: { type: 'string', default: 'train,generate' },
    steps: { type: 'string', default: '6' },
    'new-tokens': { type: 'string', default: '64' },
  },
});
const python = existsSync(join(repo, '.venv/bin/python')) ? join(repo, '.venv/bin/python') : 'python3';
const env = { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' };
const json = (cmd, args) =>
  JSON.parse(
    execFileSync(cmd, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
      .trim()
      .split('\n')
      .pop(),
  );
const kindling = (args) => json(process.execPath, [join(repo, 'bin/kindling.js'), 'bench', ...args, '--json']);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const results = [];
for (const name of values.configs.split(',')) {
  const config = join(shared, 'configs', `${name}.json`);
  if (values.what.includes('train')) {
    const shape = ['--batch', '16', '--seq', '128'];
    const r = { kindling: [], torch_peer: [], transformers: [] };
    for (let i = 0; i < Number(values.rounds); i++) {
      r.kindling.push(kindling(['train', '--config', config, ...shape, '--steps', values.steps]).ms_per_step);
      r.torch_peer.push(
        json(python, [join(shared, 'torch_peer.py'), 'train', '--config', config, ...shape, '--steps', values.steps])
          .ms_per_step,
      );
      r.transformers.push(
        json(python, [
          join(repo, 'bench/peers/hf_bench.py'),
          'train',
          '--config',
          config,
          ...shape,
          '--steps',
          values.steps,
        ]).ms_per_step,
      );
    }
    const m = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, median(v)]));
    results.push({
      bench: 'train',
      config: name,
      load_avg_after: loadavg().map((x) => +x.toFixed(2)),
      batch: 16,
      seq: 128,
      steps: Number(values.steps),
      ms_per_step: m,
      rounds: r,
      kindling_time_over_torch_peer: +(m.kindling / m.torch_peer).toFixed(3),
      kindling_time_over_transformers: +(m.kindling / m.transformers).toFixed(3),
    });
  }
  if (values.what.includes('generate')) {
    // The GRPO shape: 16 prompts × 10 samples. The plain peer has no shared prefill, so it runs 160 rows.
    const r = { kindling: [], torch_peer: [], transformers: [] };
    const tokens = ['--prompt-len', '64', '--new-tokens', values['new-tokens'], '--reps', values.reps];
    const samples = ['--batch', '16', '--n', '10'];
    for (let i = 0; i < Number(values.rounds); i++) {
      r.kindling.push(kindling(['generate', '--config', config, ...samples, ...tokens]).tokens_per_s);
      r.torch_peer.push(
        json(python, [join(shared, 'torch_peer.py'), 'generate', '--config', config, '--batch', '160', ...tokens])
          .tokens_per_s,
      );
      r.transformers.push(
        json(python, [join(repo, 'bench/peers/hf_bench.py'), 'generate', '--config', config, ...samples, ...tokens])
          .tokens_per_s,
      );
    }
    const m = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, median(v)]));
    results.push({
      bench: 'generate',
      config: name,
      load_avg_after: loadavg().map((x) => +x.toFixed(2)),
      prompts: 16,
      n: 10,
      prompt_len: 64,
      new_tokens: Number(values['new-tokens']),
      reps_per_round: Number(values.reps),
      tokens_per_s: m,
      rounds: r,
      kindling_over_torch_peer: +(m.kindling / m.torch_peer).toFixed(2),
      kindling_over_transformers: +(m.kindling / m.transformers).toFixed(2),
    });
  }
}
console.log(JSON.stringify(results, null, 2));
