// The plan hands each stage a typed call; the printed command line must mean the same thing when a
// person re-runs it by hand, and an interrupted trainer stage is re-entered with `resume`.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { parseCommandLine, resolveCall } from '../../src/cli/stage-calls.js';
import { initModel, saveModel } from '../../src/model/index.js';
import { REPO_ROOT } from '../../src/paths.js';
import { commandLine, type StageCall } from '../../src/pipeline/calls.js';
import { loadExperiment } from '../../src/pipeline/config.js';
import { buildPlan, type Plan } from '../../src/pipeline/plan.js';
import { runPlan } from '../../src/pipeline/runner.js';
import { byteLevelTokenizer } from '../../src/tokenizer/index.js';
import { kindling } from '../cli/run.js';
import { tinyQwen2 } from '../tiny-model.js';

const tmp = mkdtempSync(join(tmpdir(), 'kindling-calls-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Every option kind a plan writes: generated puzzles, teacher options, a grid, seeds, settings with arrays and objects. */
function richExperiment(): string {
  const file = join(tmp, 'rich.yaml');
  writeFileSync(
    file,
    stringify({
      name: 'rich',
      out: join(tmp, 'rich-out'),
      base_model: join(REPO_ROOT, 'models', 'demo-base'),
      seeds: [0, 1],
      kk: { people: '3-5', per_size: 4 },
      teacher: {
        spec: 'symbolic',
        samples_per_puzzle: 1,
        options: { verbosity: 'medium', slip_rate: 0.1, retry_failed: false, concurrency: 2 },
      },
      warmup: {
        settings: { learning_rate: 1e-4, lr_scheduler_type: 'cosine', max_steps: 3 },
        lr_grid: [1e-4, 3e-4],
        validation: { tasks: ['math-lite:validation'], limit: 10, trials: 2 },
      },
      rlvr: {
        settings: { max_steps: 2, stop: ['</answer>'], reward_weights: { task: 1 } },
        starts: ['base', 'warmup'],
        domains: [
          { domain: 'math-lite', task: 'math-lite', eval: 'math-lite' },
          { domain: 'mcq-lite', task: 'mcq-lite' },
        ],
      },
      eval: { tasks: ['math-lite', 'kk:3'], trials: 1, limit: 5 },
      report: { title: 'rich report', notes: ['a note', 'another note'] },
    }),
  );
  return file;
}

describe('stage calls', () => {
  const experiments = [
    join(REPO_ROOT, 'configs', 'demo.yaml'),
    join(REPO_ROOT, 'configs', 'demo-quick.yaml'),
    join(REPO_ROOT, 'configs', 'paper', 'qwen2.5-3b.yaml'),
    richExperiment(),
  ];

  it('every stage of every shipped plan: the printed command line parses back to what the stage is given', async () => {
    const commands = new Set<string>();
    for (const file of experiments)
      for (const s of buildPlan(loadExperiment(file)).stages) {
        const argv = commandLine(s.call);
        assert.deepEqual(
          await parseCommandLine(argv),
          resolveCall(s.call),
          `${file}: ${s.id}: kindling ${argv.join(' ')}`,
        );
        commands.add(s.call.command);
      }
    assert.deepEqual(
      [...commands].sort(),
      ['distill', 'eval', 'grpo', 'kk generate', 'pool-evals', 'report', 'select-model', 'sft'],
      'every stage command is covered',
    );
  });

  it('a call gets the command defaults for what it leaves out, and its own values for the rest', () => {
    const call: StageCall = {
      command: 'eval',
      options: { model: ['m=/x'], tasks: ['math-lite'], out: '/o', trials: 3 },
    };
    const o = resolveCall(call);
    assert.equal(o.trials, 3);
    assert.equal(o.temperature, 0.7, "kindling eval's default temperature");
    assert.equal(o.topK, 0);
    assert.deepEqual(commandLine(call), [
      'eval',
      '--model',
      'm=/x',
      '--tasks',
      'math-lite',
      '--out',
      '/o',
      '--trials',
      '3',
    ]);
    // settings, booleans and variadic options
    assert.deepEqual(
      commandLine({
        command: 'sft',
        options: { model: 'a', data: 'b', out: 'c', settings: { learning_rate: 1e-4, stop: ['x'] }, progress: false },
      }),
      [
        'sft',
        '--model',
        'a',
        '--data',
        'b',
        '--out',
        'c',
        '--learning-rate',
        '0.0001',
        '--stop',
        '["x"]',
        '--no-progress',
      ],
    );
    assert.deepEqual(
      commandLine({ command: 'report', options: { dirs: ['d1', 'd2'], out: 'r.html', note: ['n 1', 'n 2'] } }),
      ['report', 'd1', 'd2', '--out', 'r.html', '--note', 'n 1', 'n 2'],
    );
  });

  it('an unknown option or a bad value in a call is refused with the flag, as on the command line', () => {
    const distill = (extra: Record<string, unknown>): StageCall => ({
      command: 'distill',
      options: { teacher: 'symbolic', puzzles: ['p.jsonl'], out: 'o.jsonl', ...extra },
    });
    assert.throws(
      () => resolveCall(distill({ temperature: 'hot' })),
      /kindling distill: --temperature must be a number/,
    );
    assert.throws(() => resolveCall(distill({ maxTokens: 0 })), /--max-tokens must be an integer ≥ 1, got '0'/);
    assert.throws(() => resolveCall(distill({ verbosity: 'loud' })), /--verbosity must be one of low, medium, high/);
    assert.throws(() => resolveCall(distill({ tempreature: 0.6 })), /kindling distill: no option 'tempreature'/);
    assert.throws(() => resolveCall(distill({ maxTokens: true })), /--max-tokens takes a value/);
    assert.equal(resolveCall(distill({ topK: false })).topK, false, "--no-top-k's value");
    assert.throws(
      () => resolveCall({ command: 'eval', options: { model: ['m=/x'], tasks: ['t'], out: 'o', trials: 0 } }),
      /--trials must be an integer ≥ 1/,
    );
  });

  it('kindling run refuses an experiment whose teacher options the distill command would refuse, before any stage runs', () => {
    const file = join(tmp, 'bad-teacher.yaml');
    const out = join(tmp, 'bad-teacher-out');
    writeFileSync(
      file,
      stringify({
        name: 'bad',
        out,
        base_model: join(REPO_ROOT, 'models', 'demo-base'),
        kk: { people: '3', per_size: 2 },
        teacher: { options: { max_tokens: -5 } },
        rlvr: { domains: [{ domain: 'math-lite', task: 'math-lite' }] },
        eval: { tasks: ['math-lite'] },
      }),
    );
    const r = kindling(['run', file]);
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /bad-teacher\.yaml: stage traces: kindling distill: --max-tokens must be an integer ≥ 1, got '-5'/,
    );
    assert.equal(existsSync(join(out, 'kk-puzzles')), false, 'no stage ran');
  });

  it('an interrupted trainer stage is re-entered with resume: steps done before are kept, not redone', async () => {
    const base = join(tmp, 'base');
    const m = initModel(tinyQwen2({ max_position_embeddings: 512 }), { seed: 2 });
    saveModel(m, base, { tokenizer: byteLevelTokenizer() });
    for (const p of m.parameters()) p.dispose();
    const data = join(tmp, 'traces.jsonl');
    writeFileSync(
      data,
      ['1+1', '2+2', '3+3', '4+4']
        .map((q) => JSON.stringify({ prompt: `Q: ${q}? <think>\n`, completion: `add</think> <answer>${q}</answer>` }))
        .join('\n'),
    );
    const out = join(tmp, 'resume-run');
    const dir = join(out, 'warmup');
    const plan: Plan = {
      stages: [
        {
          id: 'warmup',
          title: 'warmup',
          deps: [],
          spec: {},
          inputs: [],
          dir,
          hash: 'h1',
          call: {
            command: 'sft',
            options: {
              model: base,
              data,
              out: dir,
              settings: { max_steps: 4, save_steps: 2, per_device_train_batch_size: 1, learning_rate: 1e-3 },
              progress: false,
            },
          },
        },
      ],
      evalDirs: [],
      rlvrDirs: [],
      report: join(out, 'report.html'),
    };
    const log = () => {};
    assert.deepEqual((await runPlan(out, plan, { log })).ran, ['warmup']);
    const metrics = join(dir, 'metrics.jsonl');
    const rows = readFileSync(metrics, 'utf8').trim().split('\n');
    assert.equal(rows.length, 4);
    // As if the stage had been stopped after its step-2 checkpoint: the later checkpoint and rows
    // gone, the stage record not done. The first row is marked to see whether it survives.
    rmSync(join(dir, 'checkpoints', 'step-4'), { recursive: true, force: true });
    rmSync(join(dir, 'model'), { recursive: true, force: true });
    const first = { ...JSON.parse(rows[0]!), marker: 'kept' };
    writeFileSync(metrics, `${[JSON.stringify(first), rows[1]].join('\n')}\n`);
    mkdirSync(join(out, '.stages'), { recursive: true });
    writeFileSync(join(out, '.stages', 'warmup.json'), JSON.stringify({ id: 'warmup', hash: 'h1', done: false }));
    assert.deepEqual((await runPlan(out, plan, { log })).ran, ['warmup']);
    const after = readFileSync(metrics, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      after.map((r) => r.step),
      [1, 2, 3, 4],
      'steps 3 and 4 run once more, 1 and 2 are not redone',
    );
    assert.equal(after[0].marker, 'kept', 'the rows written before the interruption are kept');
  });
});
