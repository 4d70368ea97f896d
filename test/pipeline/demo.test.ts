// `kindling demo --quick` end to end, then the stage cache: a second run does no work, and changing
// one RLVR setting re-runs only what depends on it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { REPO_ROOT } from '../../src/paths.js';

const tmp = mkdtempSync(join(tmpdir(), 'kindling-demo-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const out = join(tmp, 'demo-quick');
const kindling = (args: string[]) =>
  spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'kindling.js'), ...args], {
    encoding: 'utf8',
    cwd: tmp,
    maxBuffer: 64 * 2 ** 20,
  });

describe('kindling demo --quick', () => {
  it('runs every stage, writes the report with every figure, and prints the four claims with numbers', () => {
    const r = kindling(['demo', '--quick', '--out', out]);
    assert.equal(r.status, 0, r.stderr.slice(-4000));
    for (const stage of [
      'kk-puzzles',
      'traces',
      'warmup-lr-5e-4',
      'val-warmup-lr-1e-3',
      'warmup',
      'rlvr-base-math-lite-s0',
      'rlvr-warmup-mcq-lite-s0',
      'eval-base-s0',
      'eval-warmup_rlvr_code-lite-s0',
      'report',
    ])
      assert.ok(
        JSON.parse(readFileSync(join(out, '.stages', `${stage}.json`), 'utf8')).done,
        `stage ${stage} finished`,
      );
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    for (const fig of ['<svg', 'Figure 2', 'Figure 3', 'Figure 4']) assert.ok(html.includes(fig), `report has ${fig}`);
    // The warmup learning rate was chosen on the validation splits: the kept copy is the chosen
    // candidate's model, and the report shows the grid, the scores and the choice.
    const sel = JSON.parse(readFileSync(join(out, 'warmup', 'selection.json'), 'utf8'));
    assert.deepEqual(
      sel.candidates.map((c: { label: string }) => c.label),
      ['warmup-lr-5e-4', 'warmup-lr-1e-3'],
    );
    assert.deepEqual(sel.tasks, ['math-lite:validation', 'code-lite:validation', 'mcq-lite:validation']);
    const best = Math.max(...sel.candidates.map((c: { mean: number }) => c.mean));
    const chosen = sel.candidates.find((c: { label: string }) => c.label === sel.chosen);
    assert.equal(chosen.mean, best);
    assert.deepEqual(
      readFileSync(join(out, 'warmup', 'model', 'model.safetensors')),
      readFileSync(join(out, sel.chosen, 'model', 'model.safetensors')),
    );
    assert.match(html, /<section id="choices"><h2>Choices made on the validation split<\/h2>/);
    assert.match(html, /<table id="choice-table-0"><tr><th>candidate<\/th><th>math-lite:validation<\/th>/);
    assert.match(html, /<table id="format-table">/);
    assert.match(html, /<table id="rlvr-table">/);
    // every RLVR run's learning-signal line in the summary
    const rlvrLines = r.stdout.split('\n').filter((l) => /^ {2}rlvr-(base|warmup)-\S+-s0 \| \d+ \| [\d.]+ \| /.test(l));
    assert.equal(rlvrLines.length, 6, r.stdout);
    const claims = JSON.parse(readFileSync(join(out, 'verdicts.json'), 'utf8')).claims as {
      id: string;
      verdict: string;
    }[];
    assert.deepEqual(
      claims.map((c) => c.id),
      ['warmup_helps', 'warmup_rlvr_beats_base_rlvr', 'cross_domain_kept', 'sample_efficiency'],
    );
    for (const c of claims) assert.match(c.verdict, /^(supported|not supported|inconclusive|not measured)$/);
    // the terminal summary: a results table and the four verdict lines with numbers
    assert.match(r.stdout, /math-lite/);
    assert.equal((r.stdout.match(/^(SUPPORTED|NOT SUPPORTED|INCONCLUSIVE|NOT MEASURED) /gm) ?? []).length, 4);
    assert.match(r.stdout, /points \[-?\d/);
  });

  it('a second run does no work; changing one RLVR setting re-runs only what depends on it', () => {
    const again = kindling(['demo', '--quick', '--out', out]);
    assert.equal(again.status, 0, again.stderr.slice(-2000));
    assert.equal((again.stderr.match(/: cached/g) ?? []).length, 22, 'every stage cached');
    assert.doesNotMatch(again.stderr, /running —/);
    // a run folder moved elsewhere keeps its cache (paths are hashed relative to it)
    const moved = `${out}-moved`;
    renameSync(out, moved);
    try {
      const there = kindling(['demo', '--quick', '--out', moved, '--dry-run']);
      assert.equal(there.status, 0, there.stderr);
      assert.doesNotMatch(there.stdout, /^ {2}(run|resume) /m, 'every stage cached after the move');
    } finally {
      renameSync(moved, out);
    }
    // the same experiment with one RLVR setting changed: only RLVR, their evaluations and the report
    const cfg = parse(readFileSync(join(REPO_ROOT, 'configs', 'demo-quick.yaml'), 'utf8'));
    cfg.rlvr.settings.temperature = 0.9;
    cfg.out = out;
    for (const k of ['base_model']) cfg[k] = join(REPO_ROOT, 'models', 'demo-base');
    cfg.warmup.config = join(REPO_ROOT, 'configs', 'sft', 'demo.yaml');
    cfg.rlvr.config = join(REPO_ROOT, 'configs', 'grpo', 'demo.yaml');
    const file = join(tmp, 'changed.yaml');
    writeFileSync(file, stringify(cfg));
    const plan = kindling(['run', file, '--dry-run']);
    assert.equal(plan.status, 0, plan.stderr);
    // the RLVR curves are evaluated with the final evaluation's protocol
    const grpoCmd = /^ +kindling grpo (.*rlvr-base-math-lite-s0 .*)$/m.exec(plan.stdout)?.[1] ?? '';
    for (const [flag, value] of [
      ['--eval-max-new-tokens', cfg.eval.max_new_tokens],
      ['--eval-max-total-tokens', cfg.eval.max_total_tokens],
      ['--eval-batch-size', cfg.eval.batch_size],
    ])
      assert.ok(grpoCmd.includes(`${flag} ${value} `), `${flag} ${value} in: ${grpoCmd}`);
    const status = Object.fromEntries(
      [...plan.stdout.matchAll(/^ {2}(cached|resume|run) +(\S+)/gm)].map((m) => [m[2], m[1]]),
    );
    for (const s of ['kk-puzzles', 'traces', 'warmup', 'eval-base-s0', 'eval-warmup-s0'])
      assert.equal(status[s], 'cached', s);
    for (const s of [
      'rlvr-base-math-lite-s0',
      'rlvr-warmup-code-lite-s0',
      'eval-base_rlvr_math-lite-s0',
      'eval-warmup_rlvr_mcq-lite-s0',
      'report',
    ])
      assert.equal(status[s], 'run', s);
    // Two seeds: seed 0's stages stay cached; seed 1's run, and each model's evaluations are pooled
    // over the seeds for the report.
    const seeds = parse(readFileSync(join(REPO_ROOT, 'configs', 'demo-quick.yaml'), 'utf8'));
    Object.assign(seeds, { out, base_model: cfg.base_model, warmup: cfg.warmup, seeds: [0, 1] });
    seeds.rlvr.config = cfg.rlvr.config;
    writeFileSync(file, stringify(seeds));
    const two = kindling(['run', file, '--dry-run']);
    assert.equal(two.status, 0, two.stderr);
    const st = Object.fromEntries(
      [...two.stdout.matchAll(/^ {2}(cached|resume|run) +(\S+)/gm)].map((m) => [m[2], m[1]]),
    );
    for (const s of ['warmup', 'rlvr-base-math-lite-s0', 'eval-warmup_rlvr_mcq-lite-s0'])
      assert.equal(st[s], 'cached', s);
    for (const s of ['rlvr-base-math-lite-s1', 'eval-base-s1', 'pool-base', 'pool-warmup_rlvr_mcq-lite', 'report'])
      assert.equal(st[s], 'run', s);
    // the report reads the pooled folders, not one seed's
    const reportCmd = /^ +kindling report (.*)$/m.exec(two.stdout)?.[1] ?? '';
    assert.match(reportCmd, /\/eval\/pool-base /);
    assert.doesNotMatch(reportCmd, /\/eval\/eval-base-s0 /);
    assert.ok(existsSync(join(out, 'summary.txt')));
  });
});
