// The stages of an experiment, each one `kindling` command whose result is cached under a hash of
// everything it depends on: its settings, the contents of its input files and its upstream stages.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { commandLine, type DistillOptions, type StageCall } from './calls.js';
import type { Experiment } from './config.js';

export interface Stage {
  id: string;
  title: string;
  deps: string[];
  /** Settings that determine the result (hashed). */
  spec: Record<string, unknown>;
  /** Files or folders whose contents determine the result (hashed). */
  inputs: string[];
  /** The `kindling` command and its settings (the stage's output folder is `dir`). */
  call: StageCall;
  dir: string;
  hash?: string;
}

export interface ModelRef {
  label: string;
  seed: number | null;
  dir: string;
  stage: string | null;
}

export interface Plan {
  stages: Stage[];
  /** Evaluation results folders by seed (what the verdicts and the report read). */
  evalDirs: { seed: number; label: string; dir: string; stage: string }[];
  rlvrDirs: string[];
  report: string;
}

/** A model label as part of a stage id (`warmup+rlvr:math` → `warmup_rlvr_math`). */
const slug = (label: string) => label.replace(/[^a-z0-9-]+/gi, '_');

/**
 * A `kindling eval` stage call under the experiment's evaluation protocol (sampling, token
 * budgets, batch size, device); tasks, trials, limit and seed are the caller's.
 */
function evalCall(
  e: Experiment,
  o: {
    label: string;
    model: string;
    tasks: readonly string[];
    out: string;
    trials: number;
    limit: number | null;
    seed: number;
  },
): StageCall {
  const ev = e.eval;
  return {
    command: 'eval',
    options: {
      model: [`${o.label}=${o.model}`],
      tasks: [o.tasks.join(',')],
      out: o.out,
      trials: o.trials,
      temperature: ev.temperature,
      topP: ev.top_p,
      maxTotalTokens: ev.max_total_tokens,
      ...(ev.max_new_tokens ? { maxNewTokens: ev.max_new_tokens } : {}),
      ...(o.limit ? { limit: o.limit } : {}),
      kkPerSize: ev.kk_per_size,
      batchSize: ev.batch_size,
      // The seed the RLVR run of this seed evaluates with during training, so its last periodic
      // evaluation and the final one sample alike.
      seed: o.seed,
      device: e.device,
      quiet: true,
    },
  };
}

/** Adds a stage to the plan (stages run in the order they are added). */
type Add = (s: Stage) => void;

export function buildPlan(e: Experiment): Plan {
  const stages: Stage[] = [];
  const add: Add = (s) => stages.push(s);
  const puzzles = puzzleStage(e, add);
  const traces = tracesStage(e, add, puzzles);
  const warmup = warmupStages(e, add, traces);
  const models: ModelRef[] = [
    { label: 'base', seed: null, dir: e.base_model, stage: null },
    { label: 'warmup', seed: null, dir: join(warmup.dir, 'model'), stage: 'warmup' },
  ];
  const rlvrDirs = rlvrStages(e, add, models);
  const evalDirs = evalStages(e, add, models);
  const reportEvals = poolStages(e, add, evalDirs);
  const report = reportStage(e, add, stages, reportEvals, rlvrDirs, warmup.selection);
  hashStages(e.out, stages);
  return { stages, evalDirs, rlvrDirs, report };
}

/** 1. K&K puzzles: generated unless the experiment gives files. */
function puzzleStage(e: Experiment, add: Add): { files: string[]; deps: string[] } {
  if (e.kk.files.length) return { files: e.kk.files, deps: [] };
  const dir = join(e.out, 'kk-puzzles');
  const file = join(dir, 'puzzles.jsonl');
  add({
    id: 'kk-puzzles',
    title: `K&K puzzles (${e.kk.people} people, ${e.kk.per_size} per size)`,
    deps: [],
    dir,
    spec: { people: e.kk.people, per_size: e.kk.per_size, seed: e.kk.seed },
    inputs: [],
    call: {
      command: 'kk generate',
      options: { people: e.kk.people, perSize: e.kk.per_size, seed: e.kk.seed, out: file },
    },
  });
  return { files: [file], deps: ['kk-puzzles'] };
}

/** 2. The teacher's traces of the puzzles (what the warmup trains on); returns the traces file. */
function tracesStage(e: Experiment, add: Add, puzzles: { files: string[]; deps: string[] }): string {
  const tracesDir = join(e.out, 'traces');
  const traces = join(tracesDir, 'traces.jsonl');
  add({
    id: 'traces',
    title: `teacher traces (${e.teacher.spec}, ${e.teacher.samples_per_puzzle} per puzzle)`,
    deps: puzzles.deps,
    dir: tracesDir,
    spec: { teacher: e.teacher.spec, samples: e.teacher.samples_per_puzzle, options: e.teacher.options },
    inputs: e.kk.files,
    call: {
      command: 'distill',
      options: {
        teacher: e.teacher.spec,
        puzzles: puzzles.files,
        out: traces,
        samplesPerPuzzle: e.teacher.samples_per_puzzle,
        summary: join(tracesDir, 'summary.json'),
        tokenizer: e.base_model,
        ...distillOptions(e.teacher.options),
      },
    },
  });
  return traces;
}

/**
 * 3. Warmup SFT: one run, or one per rate of warmup.lr_grid with the best on the validation split
 * kept (select-model copies it to warmup/model, so what follows is the same either way). Returns the
 * warmup folder and, with a grid, the selection file the report shows.
 */
function warmupStages(e: Experiment, add: Add, traces: string): { dir: string; selection: string | null } {
  const warmupDir = join(e.out, 'warmup');
  const sftStage = (id: string, dir: string, settings: Record<string, unknown>, title: string): Stage => ({
    id,
    title,
    deps: ['traces'],
    dir,
    spec: { settings, device: e.device },
    inputs: [e.base_model, ...(e.warmup.config ? [e.warmup.config] : [])],
    call: {
      command: 'sft',
      options: {
        model: e.base_model,
        data: traces,
        out: dir,
        ...(e.warmup.config ? { config: e.warmup.config } : {}),
        settings: { device: e.device, ...settings },
        progress: false,
      },
    },
  });
  // validateExperiment refuses a grid without validation tasks
  const v = e.warmup.lr_grid.length > 0 ? e.warmup.validation : null;
  if (!v) {
    add(sftStage('warmup', warmupDir, e.warmup.settings, 'warmup SFT on the traces'));
    return { dir: warmupDir, selection: null };
  }
  const valDirs: string[] = [];
  const valStages: string[] = [];
  for (const lr of e.warmup.lr_grid) {
    const name = `warmup-lr-${slug(lr.toExponential().replace('e+', 'e'))}`;
    const dir = join(e.out, name);
    add(sftStage(name, dir, { ...e.warmup.settings, learning_rate: lr }, `warmup SFT at learning rate ${lr}`));
    const valDir = join(e.out, 'validation', name);
    const seed = e.seeds[0]!;
    add({
      id: `val-${name}`,
      title: `validate the warmup at learning rate ${lr}`,
      deps: [name],
      dir: valDir,
      spec: { ...e.eval, ...v, seed, label: name, device: e.device },
      inputs: [],
      call: evalCall(e, {
        label: name,
        model: join(dir, 'model'),
        tasks: v.tasks,
        out: valDir,
        trials: v.trials,
        limit: v.limit,
        seed,
      }),
    });
    valDirs.push(valDir);
    valStages.push(`val-${name}`);
  }
  add({
    id: 'warmup',
    title: `warmup: the learning rate of ${e.warmup.lr_grid.join(', ')} with the best validation accuracy`,
    deps: valStages,
    dir: warmupDir,
    spec: { grid: e.warmup.lr_grid },
    inputs: [],
    call: { command: 'select-model', options: { dirs: valDirs, out: warmupDir } },
  });
  return { dir: warmupDir, selection: join(warmupDir, 'selection.json') };
}

/** 4. RLVR per start model × domain × seed; each run's model joins `models`. Returns the run folders. */
function rlvrStages(e: Experiment, add: Add, models: ModelRef[]): string[] {
  const rlvrDirs: string[] = [];
  for (const seed of e.seeds)
    for (const start of e.rlvr.starts)
      for (const d of e.rlvr.domains) {
        const id = `rlvr-${start}-${d.domain}-s${seed}`;
        const dir = join(e.out, id);
        const startModel = models.find((m) => m.label === start)!;
        const label = `${start}+rlvr:${d.domain}`;
        // The RLVR curves (periodic evaluations) use the final evaluation's protocol, so a curve's
        // last point and the tables measure the same thing; rlvr.settings may still override it.
        const curves = d.eval
          ? {
              eval_temperature: e.eval.temperature,
              eval_top_p: e.eval.top_p,
              eval_max_total_tokens: e.eval.max_total_tokens,
              eval_max_new_tokens: e.eval.max_new_tokens, // null: no cap beyond the total
              eval_batch_size: e.eval.batch_size,
            }
          : {};
        add({
          id,
          title: `RLVR ${label} (seed ${seed})`,
          deps: startModel.stage ? [startModel.stage] : [],
          dir,
          spec: { task: d.task, eval: d.eval, settings: e.rlvr.settings, seed, device: e.device },
          inputs: [
            ...(start === 'base' ? [e.base_model] : []),
            ...(e.rlvr.config ? [e.rlvr.config] : []),
            ...(d.train ? [d.train] : []),
          ],
          call: {
            command: 'grpo',
            options: {
              model: startModel.dir,
              task: d.task,
              out: dir,
              ...(d.train ? { train: d.train } : {}),
              ...(e.rlvr.config ? { config: e.rlvr.config } : {}),
              ...(d.eval ? { evalTasks: d.eval, evalLabel: label } : {}),
              settings: { seed, device: e.device, ...curves, ...e.rlvr.settings },
              progress: false,
            },
          },
        });
        rlvrDirs.push(dir);
        models.push({ label, seed, dir: join(dir, 'model'), stage: id });
      }
  return rlvrDirs;
}

/** 5. Evaluation of every model on every task, per seed. */
function evalStages(e: Experiment, add: Add, models: readonly ModelRef[]): Plan['evalDirs'] {
  const evalDirs: Plan['evalDirs'] = [];
  for (const seed of e.seeds)
    for (const m of models) {
      if (m.seed !== null && m.seed !== seed) continue;
      const id = `eval-${slug(m.label)}-s${seed}`;
      const dir = join(e.out, 'eval', id);
      const ev = e.eval;
      add({
        id,
        title: `evaluate ${m.label} (seed ${seed})`,
        deps: m.stage ? [m.stage] : [],
        dir,
        spec: { ...ev, seed, label: m.label, device: e.device },
        inputs: m.stage ? [] : [m.dir],
        call: evalCall(e, {
          label: m.label,
          model: m.dir,
          tasks: ev.tasks,
          out: dir,
          trials: ev.trials,
          limit: ev.limit,
          seed,
        }),
      });
      evalDirs.push({ seed, label: m.label, dir, stage: id });
    }
  return evalDirs;
}

/** 6. With several seeds, each model's evaluations pooled (seeds as extra trials); returns the folders the report reads. */
function poolStages(e: Experiment, add: Add, evalDirs: Plan['evalDirs']): string[] {
  const reportEvals: string[] = [];
  const labels = [...new Set(evalDirs.map((d) => d.label))];
  for (const label of labels) {
    const mine = evalDirs.filter((d) => d.label === label);
    if (e.seeds.length === 1) {
      reportEvals.push(mine[0]!.dir);
      continue;
    }
    const id = `pool-${slug(label)}`;
    const dir = join(e.out, 'eval', id);
    add({
      id,
      title: `pool ${label} over seeds ${e.seeds.join(', ')}`,
      deps: mine.map((d) => d.stage),
      dir,
      spec: { label, seeds: e.seeds },
      inputs: [],
      call: { command: 'pool-evals', options: { dirs: mine.map((d) => d.dir), out: dir } },
    });
    reportEvals.push(dir);
  }
  return reportEvals;
}

/** 7. The report: the evaluations (pooled over seeds) and the first seed's RLVR runs for curves; after every evaluation and RLVR stage. */
function reportStage(
  e: Experiment,
  add: Add,
  stages: readonly Stage[],
  reportEvals: readonly string[],
  rlvrDirs: readonly string[],
  selection: string | null,
): string {
  const first = e.seeds[0]!;
  const report = join(e.out, 'report.html');
  const notes = [
    ...(e.seeds.length > 1
      ? [
          `Accuracy tables and Figures 2–4 read the evaluations pooled over seeds ${e.seeds.join(', ')}; ` +
            `the RLVR curves and training figures show seed ${first}.`,
        ]
      : []),
    ...e.report.notes,
  ];
  add({
    id: 'report',
    title: 'report',
    deps: stages
      .filter((s) => s.id.startsWith('eval-') || s.id.startsWith('pool-') || s.id.startsWith('rlvr-'))
      .map((s) => s.id),
    dir: join(e.out, 'report'),
    spec: { title: e.report.title },
    inputs: [],
    call: {
      command: 'report',
      options: {
        dirs: [...reportEvals, ...rlvrDirs.filter((d) => d.endsWith(`-s${first}`))],
        out: report,
        title: e.report.title,
        verdicts: join(e.out, 'verdicts.json'),
        ...(selection ? { selection: [selection] } : {}),
        ...(notes.length ? { note: notes } : {}),
      },
    },
  });
  return report;
}

/** Each stage's cache key, in dependency order: its id, settings and command, its inputs' contents, its upstream stages' keys. */
function hashStages(out: string, stages: Stage[]): void {
  const byId = new Map(stages.map((s) => [s.id, s]));
  // Paths are hashed relative to the output folder and the input files (whose contents are hashed
  // anyway), so a run folder that moves, or a checkout in another place, keeps its cache.
  const portable = (text: string, inputs: readonly string[]) => {
    let t = text;
    for (const p of [...inputs].sort((a, b) => b.length - a.length)) t = t.split(p).join('<input>');
    return t.split(out).join('<out>');
  };
  for (const s of stages) {
    const h = createHash('sha256');
    // The command line, not the call object, is hashed: it is what the stages hashed before calls were
    // typed, so run folders made then stay cached.
    const command = commandLine(s.call);
    h.update(portable(JSON.stringify({ id: s.id, spec: s.spec, command }), s.inputs));
    for (const f of s.inputs) h.update(contentHash(f));
    for (const d of s.deps) h.update(byId.get(d)!.hash!);
    s.hash = h.digest('hex').slice(0, 16);
  }
}

/** The experiment file's teacher options (distill's flags in TRL-style snake_case) as distill's options. */
function distillOptions(options: Record<string, unknown>): Partial<DistillOptions> {
  return Object.fromEntries(
    Object.entries(options).map(([k, v]) => [k.replace(/[-_]([a-z])/g, (_, c: string) => c.toUpperCase()), v]),
  );
}

/** Content hash of a file, or of every file in a folder (names and bytes), recursively. */
export function contentHash(path: string): string {
  const h = createHash('sha256');
  const walk = (p: string, rel: string) => {
    if (!existsSync(p)) {
      h.update(`missing:${rel}`);
      return;
    }
    if (statSync(p).isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        if (name === 'checkpoints' || name.startsWith('.')) continue;
        walk(join(p, name), `${rel}/${name}`);
      }
    } else {
      h.update(rel);
      h.update(readFileSync(p));
    }
  };
  walk(path, '');
  return h.digest('hex');
}
