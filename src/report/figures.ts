// The report's charts as Vega-Lite specifications (rendered by render.ts). Each figure is built
// from the loaded results; a figure whose inputs are missing says what it needs instead.
//   accuracy          accuracy (headline score) by model and task, mean ± std over trials
//   gains             Figure 2 analog: change vs base per benchmark for warmup, base+RLVR, warmup+RLVR
//                     (in-domain RLVR), with the paired 95% confidence interval
//   transfer          Figure 3 analog: RLVR training domain × evaluation task, change vs the start model
//   length            Figure 4 analog: relative completion-length change vs base
//   sample-efficiency accuracy vs RLVR step from periodic evaluations, one line per run
//   training          loss, reward, completion length … vs step from metrics.jsonl
import { compareResults, type TaskResult } from '../eval/aggregate.js';
import type { ReportInput } from './load.js';
import { inDomainRlvr, parseRole, type ResultIndex } from './roles.js';

export type VlSpec = Record<string, unknown>;

export interface Figure {
  id: string;
  title: string;
  caption: string;
  /** null when the inputs are missing (see `missing`). */
  spec: VlSpec | null;
  missing?: string;
}

const FONT = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';
const CONFIG = {
  font: FONT,
  background: 'white',
  padding: 8,
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#e6e6e6' },
  legend: {
    labelFontSize: 11,
    titleFontSize: 12,
    orient: 'bottom',
    direction: 'horizontal',
    labelLimit: 480,
    columns: 3,
  },
  header: { labelFontSize: 12, titleFontSize: 12 },
  view: { stroke: '#ddd' },
};
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json'; // an identifier only: nothing is fetched
const VARIANTS = ['warmup', 'base+RLVR', 'warmup+RLVR'] as const;
const VARIANT_COLORS = ['#4c78a8', '#f58518', '#54a24b'];

const pct = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? null : 100 * x);
const round = (x: number | null, d = 2) => (x === null ? null : Math.round(x * 10 ** d) / 10 ** d);
/** mean ± std of a percentage, kept inside [0, 100]. */
const band = (m: number | null, s: number) => ({
  low: round(m === null ? null : Math.max(0, m - s)),
  high: round(m === null ? null : Math.min(100, m + s)),
});

function spec(title: string, body: VlSpec): VlSpec {
  return { $schema: SCHEMA, title: { text: title, anchor: 'start', fontSize: 14 }, config: CONFIG, ...body };
}

export function accuracyFigure(index: ResultIndex): Figure {
  const rows = index.all().map((r) => {
    const m = pct(r.score.mean);
    const s = pct(r.score.std) ?? 0;
    return { model: r.model, task: r.task, accuracy: round(m), ...band(m, s) };
  });
  const base = {
    id: 'accuracy',
    title: 'Accuracy by model and task',
    caption: 'Headline score per task (macro average over categories for MMLU-Pro), mean ± std over trials.',
  };
  if (rows.length === 0) return { ...base, spec: null, missing: 'evaluation results (results.json)' };
  const models = index.models();
  return {
    ...base,
    spec: spec(base.title, {
      data: { values: rows },
      facet: { column: { field: 'task', type: 'nominal', title: null, sort: index.tasks() } },
      spec: {
        width: Math.max(80, 26 * models.length),
        height: 220,
        layer: [
          {
            mark: { type: 'bar', tooltip: true },
            encoding: {
              x: { field: 'model', type: 'nominal', sort: models, axis: { labelAngle: -40, title: null } },
              y: { field: 'accuracy', type: 'quantitative', title: 'accuracy (%)' },
              color: { field: 'model', type: 'nominal', sort: models, legend: null },
            },
          },
          {
            mark: { type: 'rule', color: 'black' },
            encoding: {
              x: { field: 'model', type: 'nominal', sort: models },
              y: { field: 'low', type: 'quantitative' },
              y2: { field: 'high' },
            },
          },
        ],
      },
    }),
  };
}

/** Figure 2: Δ accuracy (points) vs base, per benchmark, for the three variants, with paired 95% CIs. */
export function gainsFigure(index: ResultIndex): Figure {
  const base = {
    id: 'gains',
    title: 'Figure 2 analog: change vs base',
    caption:
      'Accuracy change in points over the base model per benchmark: warmup only, base+RLVR and warmup+RLVR (RLVR on the benchmark’s own domain). Whiskers: paired 95% confidence interval over examples (paired t).',
  };
  const rows: Record<string, unknown>[] = [];
  const baseLabel = index.find((r) => r.start === 'base' && r.rlvr === null)[0];
  if (!baseLabel) return { ...base, spec: null, missing: "a model labelled 'base'" };
  for (const task of index.tasks()) {
    const b = index.get(baseLabel, task);
    if (!b) continue;
    const variants: [string, string | undefined][] = [
      ['warmup', index.find((r) => r.start === 'warmup' && r.rlvr === null)[0]],
      ['base+RLVR', inDomainRlvr(index, 'base', b.domain)],
      ['warmup+RLVR', inDomainRlvr(index, 'warmup', b.domain)],
    ];
    for (const [variant, label] of variants) {
      const r = label ? index.get(label, task) : undefined;
      if (!r) continue;
      rows.push(deltaRow(task, variant, label!, b, r));
    }
  }
  if (rows.length === 0)
    return {
      ...base,
      spec: null,
      missing:
        "results of 'warmup', 'base+rlvr:<domain>' or 'warmup+rlvr:<domain>' on a task the base model was evaluated on",
    };
  return { ...base, spec: groupedBars(base.title, rows, 'delta', 'change vs base (points)', true) };
}

function deltaRow(task: string, variant: string, label: string, b: TaskResult, r: TaskResult): Record<string, unknown> {
  const c = compareResults(b, r); // paired over examples, on the headline (macro → stratified)
  const ok = c.n >= 2 && Number.isFinite(c.low);
  return {
    task,
    variant,
    model: label,
    delta: round(pct((r.score.mean ?? Number.NaN) - (b.score.mean ?? Number.NaN))),
    low: ok ? round(pct(c.low)) : null,
    high: ok ? round(pct(c.high)) : null,
    n: c.n,
  };
}

function groupedBars(
  title: string,
  rows: Record<string, unknown>[],
  field: string,
  yTitle: string,
  whiskers: boolean,
): VlSpec {
  const tasks = [...new Set(rows.map((r) => r.task as string))];
  const present = VARIANTS.filter((v) => rows.some((r) => r.variant === v));
  const color = {
    field: 'variant',
    type: 'nominal',
    sort: present,
    scale: { domain: [...VARIANTS], range: VARIANT_COLORS },
    title: null,
  };
  const layers: VlSpec[] = [
    {
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: { field: 'task', type: 'nominal', sort: tasks, axis: { labelAngle: 0, title: null } },
        xOffset: { field: 'variant', sort: present },
        y: { field, type: 'quantitative', title: yTitle },
        color,
      },
    },
    { mark: { type: 'rule', color: '#333', strokeDash: [3, 3] }, encoding: { y: { datum: 0 } } },
  ];
  if (whiskers)
    layers.push({
      transform: [{ filter: 'datum.low !== null' }],
      mark: { type: 'rule', color: 'black' },
      encoding: {
        x: { field: 'task', type: 'nominal', sort: tasks },
        xOffset: { field: 'variant', sort: present },
        y: { field: 'low', type: 'quantitative' },
        y2: { field: 'high' },
      },
    });
  return spec(title, {
    data: { values: rows },
    width: Math.max(220, (70 * tasks.length * Math.max(1, present.length)) / 2),
    height: 240,
    layer: layers,
  });
}

/** Figure 3: train domain × eval task matrix of changes vs the RLVR run's start model. */
export function transferFigure(index: ResultIndex): Figure {
  const base = {
    id: 'transfer',
    title: 'Figure 3 analog: RLVR training domain × evaluation task',
    caption:
      'Accuracy change in points of each RLVR model over the model it started from (base or warmup), per evaluation task. Rows: the domain RLVR was trained on.',
  };
  const rows: Record<string, unknown>[] = [];
  for (const label of index.find((r) => r.rlvr !== null && r.rlvr !== '*')) {
    const role = parseRole(label)!;
    const start = index.find((r) => r.start === role.start && r.rlvr === null)[0];
    if (!start) continue;
    for (const task of index.tasks()) {
      const a = index.get(start, task);
      const b = index.get(label, task);
      if (!a || !b) continue;
      const d = pct((b.score.mean ?? Number.NaN) - (a.score.mean ?? Number.NaN));
      rows.push({
        start: role.start === 'base' ? 'from base' : 'from warmup',
        train: role.rlvr,
        task,
        delta: round(d, 1),
      });
    }
  }
  if (rows.length === 0)
    return {
      ...base,
      spec: null,
      missing:
        "models labelled 'base+rlvr:<domain>' / 'warmup+rlvr:<domain>' and their start model ('base' / 'warmup') on the same tasks",
    };
  const extent = Math.max(1, ...rows.map((r) => Math.abs((r.delta as number | null) ?? 0)));
  const tasks = [...new Set(rows.map((r) => r.task as string))];
  return {
    ...base,
    spec: spec(base.title, {
      data: { values: rows },
      facet: { column: { field: 'start', type: 'nominal', title: null, sort: ['from base', 'from warmup'] } },
      spec: {
        width: Math.max(120, 70 * tasks.length),
        height: { step: 34 },
        encoding: {
          x: {
            field: 'task',
            type: 'nominal',
            sort: tasks,
            axis: { labelAngle: 0, title: 'evaluated on', grid: false },
          },
          y: { field: 'train', type: 'nominal', title: 'RLVR on', axis: { grid: false } },
        },
        layer: [
          {
            mark: { type: 'rect', tooltip: true },
            encoding: {
              color: {
                field: 'delta',
                type: 'quantitative',
                title: 'Δ points',
                scale: { scheme: 'redblue', domain: [-extent, extent] },
              },
            },
          },
          {
            mark: { type: 'text', fontSize: 11 },
            encoding: {
              text: { field: 'delta', type: 'quantitative', format: '+.1f' },
              color: { condition: { test: `abs(datum.delta) > ${0.6 * extent}`, value: 'white' }, value: 'black' },
            },
          },
        ],
      },
      resolve: { scale: { color: 'shared' } },
    }),
  };
}

/** Figure 4: relative completion-length change vs base. */
export function lengthFigure(index: ResultIndex): Figure {
  const base = {
    id: 'length',
    title: 'Figure 4 analog: relative completion-length change',
    caption: 'Mean completion length (tokens) relative to the base model, in percent, per benchmark.',
  };
  const baseLabel = index.find((r) => r.start === 'base' && r.rlvr === null)[0];
  if (!baseLabel) return { ...base, spec: null, missing: "a model labelled 'base'" };
  const rows: Record<string, unknown>[] = [];
  for (const task of index.tasks()) {
    const b = index.get(baseLabel, task);
    if (!b || !(b.length.mean! > 0)) continue;
    const variants: [string, string | undefined][] = [
      ['warmup', index.find((r) => r.start === 'warmup' && r.rlvr === null)[0]],
      ['base+RLVR', inDomainRlvr(index, 'base', b.domain)],
      ['warmup+RLVR', inDomainRlvr(index, 'warmup', b.domain)],
    ];
    for (const [variant, label] of variants) {
      const r = label ? index.get(label, task) : undefined;
      if (!r || r.length.mean === null) continue;
      rows.push({
        task,
        variant,
        model: label,
        change: round((100 * (r.length.mean - b.length.mean!)) / b.length.mean!, 1),
        tokens: round(r.length.mean, 1),
        base_tokens: round(b.length.mean!, 1),
      });
    }
  }
  if (rows.length === 0)
    return {
      ...base,
      spec: null,
      missing: "results of 'warmup' or an RLVR model on a task the base model was evaluated on",
    };
  return { ...base, spec: groupedBars(base.title, rows, 'change', 'length change vs base (%)', false) };
}

/** Accuracy vs RLVR step from the periodic evaluations. */
export function sampleEfficiencyFigure(input: ReportInput): Figure {
  const base = {
    id: 'sample-efficiency',
    title: 'Sample efficiency: accuracy vs RLVR step',
    caption: 'Periodic evaluations written during RLVR (run/eval/step-N/), one line per run; band: ± std over trials.',
  };
  const rows: Record<string, unknown>[] = [];
  for (const p of input.periodic)
    for (const r of p.results.results) {
      const m = pct(r.score.mean);
      const s = pct(r.score.std) ?? 0;
      rows.push({
        run: p.label === p.run ? p.run : `${p.label} (${p.run})`,
        task: r.task,
        step: p.step,
        accuracy: round(m),
        ...band(m, s),
      });
    }
  if (rows.length === 0) return { ...base, spec: null, missing: 'periodic evaluations (RUN/eval/step-N/results.json)' };
  const tasks = [...new Set(rows.map((r) => r.task as string))];
  return {
    ...base,
    spec: spec(base.title, {
      data: { values: rows },
      facet: { column: { field: 'task', type: 'nominal', title: null, sort: tasks } },
      spec: {
        width: 260,
        height: 200,
        layer: [
          {
            mark: { type: 'area', opacity: 0.15 },
            encoding: {
              x: { field: 'step', type: 'quantitative', title: 'RLVR step' },
              y: { field: 'low', type: 'quantitative', title: 'accuracy (%)' },
              y2: { field: 'high' },
              color: { field: 'run', type: 'nominal', title: null },
            },
          },
          {
            mark: { type: 'line', point: true, tooltip: true },
            encoding: {
              x: { field: 'step', type: 'quantitative' },
              y: { field: 'accuracy', type: 'quantitative' },
              color: { field: 'run', type: 'nominal', title: null },
            },
          },
        ],
      },
    }),
  };
}

/** The metrics drawn as training curves, in this order, when a run logged them. */
export const TRAINING_METRICS = [
  'loss',
  'reward',
  'reward_std',
  'completions/mean_length',
  'completions/clipped_ratio',
  'completions/well_formed_ratio',
  'completions/novel_word_ratio',
  'kl',
  'entropy',
  'grad_norm',
  'learning_rate',
];

export function trainingFigure(input: ReportInput): Figure {
  const base = {
    id: 'training',
    title: 'Training curves',
    caption: 'From each run’s metrics.jsonl (TRL metric names): loss, reward, completion length, … against step.',
  };
  const rows: Record<string, unknown>[] = [];
  for (const s of input.metrics)
    for (const r of s.rows)
      for (const m of TRAINING_METRICS) if (m in r) rows.push({ run: s.run, step: r.step, metric: m, value: r[m] });
  if (rows.length === 0)
    return { ...base, spec: null, missing: `metrics.jsonl rows with step and any of ${TRAINING_METRICS.join(', ')}` };
  const metrics = TRAINING_METRICS.filter((m) => rows.some((r) => r.metric === m));
  return {
    ...base,
    spec: spec(base.title, {
      data: { values: rows },
      facet: {
        row: {
          field: 'metric',
          type: 'nominal',
          title: null,
          sort: metrics,
          header: { labelAngle: 0, labelAlign: 'left' },
        },
      },
      spec: {
        width: 480,
        height: 110,
        mark: { type: 'line', tooltip: true },
        encoding: {
          x: { field: 'step', type: 'quantitative', title: 'step' },
          y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
          color: { field: 'run', type: 'nominal', title: null },
        },
      },
      resolve: { scale: { y: 'independent' } },
    }),
  };
}

export function allFigures(index: ResultIndex, input: ReportInput): Figure[] {
  return [
    accuracyFigure(index),
    gainsFigure(index),
    transferFigure(index),
    lengthFigure(index),
    sampleEfficiencyFigure(input),
    trainingFigure(input),
  ];
}
