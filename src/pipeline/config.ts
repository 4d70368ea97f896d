// The declarative experiment file of `kindling run`: K&K data → teacher traces → warmup SFT →
// RLVR per (start model × target domain × seed) → evaluation of every model on every task → report.
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { readConfigFile } from '../train/config-load.js';

const settings = z.record(z.string(), z.unknown()).default({});

export const ExperimentSchema = z
  .object({
    name: z.string().default('experiment'),
    /** Output folder (relative paths are relative to the experiment file). */
    out: z.string(),
    /** The base model: a Hugging Face folder. */
    base_model: z.string(),
    device: z.string().default('cpu'),
    /** RLVR and evaluation are repeated for each seed (error bars across seeds). */
    seeds: z.array(z.number().int().min(0)).min(1).default([0]),
    kk: z
      .object({
        /** Existing puzzle files (parquet/jsonl with quiz + solution_text_format), or generate new ones: */
        files: z.array(z.string()).default([]),
        people: z.string().default('3-7'),
        per_size: z.number().int().positive().default(900),
        seed: z.number().int().min(0).default(1234),
      })
      .strict()
      .default({ files: [], people: '3-7', per_size: 900, seed: 1234 }),
    teacher: z
      .object({
        /** `symbolic` (built in) or `openai:URL#MODEL` (any OpenAI-compatible server, e.g. vLLM with QwQ-32B). */
        spec: z.string().default('symbolic'),
        samples_per_puzzle: z.number().int().positive().default(4),
        /** Extra `kindling distill` flags, e.g. {temperature: 0.6, max_tokens: 8192, concurrency: 16}. */
        options: settings,
      })
      .strict()
      .default({ spec: 'symbolic', samples_per_puzzle: 4, options: {} }),
    warmup: z
      .object({
        config: z.string().nullable().default(null),
        settings,
        /**
         * Learning rates to try (the paper's Figure 5: too high a rate overfits K&K): one warmup per
         * rate, each evaluated on `validation`, the best kept as the warmup. Empty: one warmup.
         */
        lr_grid: z.array(z.number().positive()).default([]),
        /** The validation evaluation of the grid: held-out splits, never the test tasks. */
        validation: z
          .object({
            tasks: z.array(z.string()).min(1),
            limit: z.number().int().positive().nullable().default(null),
            trials: z.number().int().positive().default(1),
          })
          .strict()
          .nullable()
          .default(null),
      })
      .strict()
      .default({ config: null, settings: {}, lr_grid: [], validation: null }),
    rlvr: z
      .object({
        config: z.string().nullable().default(null),
        settings,
        starts: z
          .array(z.enum(['base', 'warmup']))
          .min(1)
          .default(['base', 'warmup']),
        domains: z
          .array(
            z
              .object({
                /** Label used in reports: `<start>+rlvr:<domain>`. */
                domain: z.string(),
                /** `kindling grpo --task` selector. */
                task: z.string(),
                /** Training rows file (--train), if the task needs one. */
                train: z.string().nullable().default(null),
                /** Periodic-evaluation selectors (sample-efficiency curves); null = none. */
                eval: z.string().nullable().default(null),
              })
              .strict(),
          )
          .default([]),
      })
      .strict()
      .default({ config: null, settings: {}, starts: ['base', 'warmup'], domains: [] }),
    eval: z
      .object({
        tasks: z.array(z.string()).min(1),
        trials: z.number().int().positive().default(4),
        temperature: z.number().min(0).default(0.7),
        top_p: z.number().gt(0).max(1).default(0.95),
        max_total_tokens: z.number().int().positive().default(4096),
        max_new_tokens: z.number().int().positive().nullable().default(null),
        limit: z.number().int().positive().nullable().default(null),
        kk_per_size: z.number().int().positive().default(100),
        batch_size: z.number().int().positive().default(8),
      })
      .strict(),
    report: z
      .object({
        title: z.string().default('kindling report'),
        /** Lines for the report's notes, e.g. how a preset was chosen. */
        notes: z.array(z.string()).default([]),
      })
      .strict()
      .default({ title: 'kindling report', notes: [] }),
  })
  .strict();

export type Experiment = z.infer<typeof ExperimentSchema> & { file: string; dir: string };

export function loadExperiment(file: string, overrides: Partial<Record<string, unknown>> = {}): Experiment {
  const raw = { ...readConfigFile(file), ...overrides };
  const r = ExperimentSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new Error(`${file}: field '${issue.path.join('.') || '(root)'}': ${issue.message}`);
  }
  const dir = dirname(resolve(file));
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(dir, p));
  const e = r.data;
  return {
    ...e,
    file: resolve(file),
    dir,
    out: abs(e.out),
    base_model: abs(e.base_model),
    kk: { ...e.kk, files: e.kk.files.map(abs) },
    warmup: { ...e.warmup, config: e.warmup.config ? abs(e.warmup.config) : null },
    rlvr: {
      ...e.rlvr,
      config: e.rlvr.config ? abs(e.rlvr.config) : null,
      domains: e.rlvr.domains.map((d) => ({ ...d, train: d.train ? abs(d.train) : null })),
    },
  };
}
