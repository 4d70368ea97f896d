// The advertised experiment plans through the CLI, without running them: `kindling run
// configs/paper/qwen2.5-3b.yaml --dry-run` (the paper's setting validates and plans on any machine),
// the full `kindling demo --dry-run` (configs/demo.yaml; only demo-quick runs in CI), and `--seeds N`
// on both: every stage, and the settings each stage's command carries, read against the YAML.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { REPO_ROOT } from '../../src/paths.js';
import { kindling } from './run.js';

const tmp = mkdtempSync(join(tmpdir(), 'kindling-plans-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const PAPER = join(REPO_ROOT, 'configs', 'paper', 'qwen2.5-3b.yaml');

/** Stage id → [status, command] from a --dry-run plan. */
function plan(args: string[]): { header: string; stages: Map<string, [string, string]> } {
  const r = kindling(args);
  assert.equal(r.status, 0, r.stderr);
  const stages = new Map<string, [string, string]>();
  const lines = r.stdout.split('\n');
  lines.forEach((l, i) => {
    const m = /^ {2}(cached|resume|run) +(\S+)/.exec(l);
    if (m) stages.set(m[2]!, [m[1]!, (lines[i + 1] ?? '').trim()]);
  });
  return { header: lines[0]!, stages };
}

const slug = (label: string) => label.replace(/[+:]/g, '_');
/** warmup.lr_grid's stages: an SFT run and its validation evaluation per rate (2.5e-4 → warmup-lr-2_5e-4). */
const gridName = (lr: number) => `warmup-lr-${lr.toExponential().replace('e+', 'e').replace('.', '_')}`;
const gridStages = (cfg: Record<string, any>): string[] =>
  (cfg.warmup?.lr_grid ?? []).flatMap((lr: number) => [gridName(lr), `val-${gridName(lr)}`]);
/** The stage ids a config plans: K&K puzzles (generated ones only), traces, warmup, RLVR and evaluations per seed, pools, report. */
function expectedStages(cfg: Record<string, any>, seeds: number[]): string[] {
  const domains = cfg.rlvr.domains.map((d: { domain: string }) => d.domain) as string[];
  const labels = ['base', 'warmup', ...cfg.rlvr.starts.flatMap((s: string) => domains.map((d) => `${s}+rlvr:${d}`))];
  return [
    ...(cfg.kk.files ? [] : ['kk-puzzles']),
    'traces',
    ...gridStages(cfg),
    'warmup',
    ...seeds.flatMap((s) => cfg.rlvr.starts.flatMap((st: string) => domains.map((d) => `rlvr-${st}-${d}-s${s}`))),
    ...seeds.flatMap((s) => labels.map((l) => `eval-${slug(l)}-s${s}`)),
    ...(seeds.length > 1 ? labels.map((l) => `pool-${slug(l)}`) : []),
    'report',
  ];
}

describe('kindling run configs/paper/qwen2.5-3b.yaml --dry-run', () => {
  const cfg = parse(readFileSync(PAPER, 'utf8'));

  it("plans every stage of the paper's setting with the YAML's teacher, trainers, device and evaluation protocol", () => {
    const out = join(tmp, 'paper');
    const { header, stages } = plan(['run', PAPER, '--dry-run', '--out', out]);
    assert.match(header, new RegExp(`^plan for ${cfg.name} → ${out} \\(17 stages\\)$`));
    assert.deepEqual([...stages.keys()], expectedStages(cfg, [0]));
    assert.ok(
      [...stages.values()].every(([s]) => s === 'run'),
      'nothing cached in a fresh folder',
    );
    const cmd = (id: string) => stages.get(id)![1];
    const t = cfg.teacher;
    assert.ok(cmd('traces').startsWith(`kindling distill --teacher ${t.spec} `), cmd('traces'));
    for (const f of cfg.kk.files)
      assert.ok(cmd('traces').includes(`--puzzles ${join(REPO_ROOT, 'configs', 'paper', f)} `));
    for (const [flag, v] of [
      ['--samples-per-puzzle', t.samples_per_puzzle],
      ['--temperature', t.options.temperature],
      ['--max-tokens', t.options.max_tokens],
      ['--concurrency', t.options.concurrency],
    ])
      assert.match(cmd('traces'), new RegExp(`${flag} ${v}( |$)`));
    assert.match(cmd('warmup'), /^kindling sft .*--config \S+\/configs\/sft\/paper\.yaml --device cuda /);
    assert.match(
      cmd('rlvr-base-math-s0'),
      /^kindling grpo --model \S+\/models\/Qwen2\.5-3B --task math .*--train \S+\/data\/math-train-100\.jsonl --config \S+\/configs\/grpo\/paper\.yaml --eval-tasks math500 --eval-label base\+rlvr:math --seed 0 --device cuda /,
    );
    assert.match(
      cmd('rlvr-warmup-mmlu-pro-s0'),
      /--model \S+\/warmup\/model --task mcq:physics .*--eval-tasks mmlu-pro:physics /,
    );
    const e = cfg.eval;
    assert.ok(
      cmd('eval-warmup_rlvr_code-s0').includes(
        `--tasks ${e.tasks.join(',')} --out ${out}/eval/eval-warmup_rlvr_code-s0 --trials ${e.trials} --temperature ${e.temperature} --top-p ${e.top_p} --max-total-tokens ${e.max_total_tokens}`,
      ),
      cmd('eval-warmup_rlvr_code-s0'),
    );
  });

  it('--seeds 2 repeats RLVR and evaluation per seed and pools each model over the seeds', () => {
    const { header, stages } = plan(['run', PAPER, '--dry-run', '--seeds', '2', '--out', join(tmp, 'paper2')]);
    const ids = expectedStages(cfg, [0, 1]);
    assert.equal(ids.length, 39);
    assert.match(header, /\(39 stages\)$/);
    assert.deepEqual([...stages.keys()], ids);
    assert.match(stages.get('rlvr-warmup-code-s1')![1], / --seed 1 /);
    // the final evaluation of seed s samples with seed s, as the RLVR run of seed s evaluates during training
    assert.match(stages.get('eval-base-s1')![1], / --seed 1 /);
    assert.match(stages.get('eval-warmup_rlvr_code-s1')![1], / --seed 1 /);
  });

  it('--seeds must be a positive integer, and the error says so', () => {
    const r = kindling(['run', PAPER, '--dry-run', '--seeds', '0']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /--seeds/);
  });
});

describe('kindling demo --dry-run (the full configs/demo.yaml)', () => {
  const cfg = parse(readFileSync(join(REPO_ROOT, 'configs', 'demo.yaml'), 'utf8'));

  it('plans the full demo with its RLVR settings and evaluation protocol', () => {
    const out = join(tmp, 'demo');
    const { header, stages } = plan(['demo', '--dry-run', '--out', out]);
    assert.match(header, new RegExp(`^plan for ${cfg.name} → ${out} \\(26 stages\\)$`));
    assert.deepEqual([...stages.keys()], expectedStages(cfg, [0]));
    const s = cfg.rlvr.settings;
    for (const [id, [, c]] of stages)
      if (id.startsWith('rlvr-'))
        assert.ok(
          c.includes(
            `--max-steps ${s.max_steps} --eval-steps ${s.eval_steps} --eval-limit ${s.eval_limit} --max-completion-length ${s.max_completion_length}`,
          ),
          `${id}: ${c}`,
        );
    const e = cfg.eval;
    assert.ok(stages.get('eval-base-s0')![1].includes(`--tasks ${e.tasks.join(',')} `));
    assert.match(stages.get('eval-base-s0')![1], new RegExp(`--trials ${e.trials} `));
    assert.match(
      stages.get('traces')![1],
      new RegExp(`--teacher ${cfg.teacher.spec} .*--samples-per-puzzle ${cfg.teacher.samples_per_puzzle} `),
    );
  });

  it('the warmup learning rate is chosen on validation splits: one SFT and one validation evaluation per rate, then select-model', () => {
    const out = join(tmp, 'demo-grid');
    const { stages } = plan(['demo', '--dry-run', '--out', out]);
    const grid = cfg.warmup.lr_grid as number[];
    assert.ok(grid.length >= 2, 'the demo has a grid');
    const v = cfg.warmup.validation;
    for (const lr of grid) {
      const sft = stages.get(gridName(lr))![1];
      assert.match(sft, /^kindling sft /);
      assert.ok(sft.includes(`--learning-rate ${lr} `), sft);
      assert.ok(sft.includes(`--out ${join(out, gridName(lr))} `), sft);
      const val = stages.get(`val-${gridName(lr)}`)![1];
      assert.ok(val.includes(`--model ${gridName(lr)}=${join(out, gridName(lr), 'model')} `), val);
      assert.ok(val.includes(`--tasks ${v.tasks.join(',')} `), val);
      assert.ok(v.tasks.every((t: string) => t.endsWith(':validation') && !cfg.eval.tasks.includes(t)));
    }
    assert.equal(
      stages.get('warmup')![1],
      `kindling select-model ${grid.map((lr) => join(out, 'validation', gridName(lr))).join(' ')} --out ${join(out, 'warmup')}`,
    );
    // what follows trains from the kept copy, and the report shows the choice
    assert.ok(stages.get('rlvr-warmup-math-lite-s0')![1].includes(`--model ${join(out, 'warmup', 'model')} `));
    assert.ok(stages.get('report')![1].includes(`--selection ${join(out, 'warmup', 'selection.json')}`));
    // the experiment file's report notes (how the RLVR preset was chosen) reach the report
    for (const n of cfg.report.notes as string[]) assert.ok(stages.get('report')![1].includes(JSON.stringify(n)), n);
  });

  it('a grid needs validation tasks, and they must be validation splits, not test tasks', () => {
    const bad = (warmup: Record<string, unknown>, re: RegExp) => {
      const file = join(tmp, `bad-${Math.random().toString(36).slice(2)}.yaml`);
      const c = { ...cfg, out: join(tmp, 'bad'), base_model: join(REPO_ROOT, 'models', 'demo-base') };
      c.warmup = { ...warmup, config: join(REPO_ROOT, 'configs', 'sft', 'demo.yaml') };
      c.rlvr = { ...cfg.rlvr, config: join(REPO_ROOT, 'configs', 'grpo', 'demo.yaml') };
      writeFileSync(file, stringify(c));
      const r = kindling(['run', file, '--dry-run']);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, re);
    };
    bad({ lr_grid: [1e-3, 5e-4] }, /warmup\.lr_grid needs warmup\.validation/);
    bad(
      { lr_grid: [1e-3, 5e-4], validation: { tasks: ['math-lite'] } },
      /warmup\.validation task 'math-lite' is not a validation split \(use e\.g\. 'math-lite:validation'\): the learning rate must not be chosen on test items/,
    );
    bad({ lr_grid: [1e-3, 1e-3], validation: { tasks: ['math-lite:validation'] } }, /lists a rate twice/);
  });

  it('--seeds 3: 62 stages, RLVR and evaluations per seed, one pool per model', () => {
    const { header, stages } = plan(['demo', '--dry-run', '--seeds', '3', '--out', join(tmp, 'demo3')]);
    assert.match(header, /\(62 stages\)$/);
    assert.deepEqual([...stages.keys()], expectedStages(cfg, [0, 1, 2]));
    assert.match(stages.get('report')![1], /\/eval\/pool-warmup_rlvr_mcq-lite /);
  });
});
