// Chooses the demo's RLVR learning rate on the validation splits, never on test items: for each
// rate, start model (base, the run's warmup) and domain, 12 GRPO steps as the demo runs them, then
// the validation accuracy, the entropy ratio (last / first step) and the share of flat groups. The
// rule, fixed before looking: the highest mean validation accuracy among the rates whose every run
// keeps its entropy within 2× its start (issue #21). Prints JSON; runs are kept and reused.
//   node scripts/rlvr-preset-sweep.mjs RUN_DIR [--rates 1e-4,2e-4,4e-4] [--domains math-lite,code-lite,mcq-lite]
// RUN_DIR is a finished `kindling demo --out RUN_DIR` (its warmup/model is the warmed-up start).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rates: { type: 'string', default: '1e-4,2e-4,4e-4' },
    domains: { type: 'string', default: 'math-lite,code-lite,mcq-lite' },
    steps: { type: 'string', default: '12' },
  },
});
const run = positionals[0];
if (!run || !existsSync(join(run, 'warmup', 'model')))
  throw new Error('usage: rlvr-preset-sweep.mjs RUN_DIR (a finished kindling demo folder) [--rates …] [--domains …]');
const rates = values.rates.split(',').map(Number);
const domains = values.domains.split(',');
const starts = { base: join(root, 'models', 'demo-base'), warmup: join(run, 'warmup', 'model') };
const steps = Number(values.steps);

const rows = (file) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

const results = [];
for (const lr of rates)
  for (const [start, model] of Object.entries(starts))
    for (const domain of domains) {
      const out = join(run, 'rlvr-sweep', `${start}-${domain}-lr${lr}`);
      const metrics = join(out, 'metrics.jsonl');
      const done = existsSync(join(out, 'model', 'config.json'));
      if (!done) {
        const args = [
          join(root, 'bin', 'kindling.js'),
          'grpo',
          '--model',
          model,
          '--task',
          domain,
          '--out',
          out,
          '--config',
          join(root, 'configs', 'grpo', 'demo.yaml'),
          '--learning-rate',
          String(lr),
          '--max-steps',
          String(steps),
          '--max-completion-length',
          '256',
          '--eval-tasks',
          `${domain}:validation`,
          '--eval-steps',
          String(steps),
          '--eval-max-new-tokens',
          '256',
          '--eval-max-total-tokens',
          '2048',
          '--eval-batch-size',
          '64',
          '--seed',
          '0',
          '--no-progress',
          ...(existsSync(metrics) ? ['--resume'] : []),
        ];
        console.error(`sweep: ${start} ${domain} lr ${lr}`);
        const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
        if (r.status !== 0) throw new Error(`kindling grpo failed for ${out}`);
      }
      const all = rows(metrics);
      const train = all.filter((x) => 'frac_reward_zero_std' in x);
      const evalKey = `eval/${domain}:validation/accuracy`;
      const evals = all.filter((x) => evalKey in x);
      if (evals.length < 2) throw new Error(`${metrics}: no validation accuracy at steps 0 and ${steps} (${evalKey})`);
      results.push({
        lr,
        start,
        domain,
        validation_start: evals[0][evalKey],
        validation_end: evals.at(-1)[evalKey],
        entropy_ratio: train.at(-1).entropy / train[0].entropy,
        mean_frac_reward_zero_std: train.reduce((a, x) => a + x.frac_reward_zero_std, 0) / train.length,
        novel_word_ratio_end: train.at(-1)['completions/novel_word_ratio'] ?? null,
      });
    }

const perRate = rates.map((lr) => {
  const mine = results.filter((r) => r.lr === lr);
  return {
    lr,
    mean_validation_end: mine.reduce((a, r) => a + r.validation_end, 0) / mine.length,
    max_entropy_ratio: Math.max(...mine.map((r) => r.entropy_ratio)),
  };
});
const eligible = perRate.filter((r) => r.max_entropy_ratio <= 2);
const chosen = eligible.reduce((a, r) => (a === null || r.mean_validation_end > a.mean_validation_end ? r : a), null);
console.log(
  JSON.stringify(
    {
      rule: 'highest mean validation accuracy after RLVR among rates whose every run ends with entropy ≤ 2× its first step',
      runs: results,
      rates: perRate,
      chosen: chosen?.lr ?? null,
    },
    null,
    2,
  ),
);
