// `kindling report`: results folders and training runs → one self-contained HTML file, the same
// figures as PNG files beside it (<name>-<figure>.png) and a Markdown summary (<name>.md).

import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { readSelection } from '../eval/select.js';
import { allFigures } from './figures.js';
import { type RenderedFigure, renderHtml } from './html.js';
import { loadReportInput } from './load.js';
import { renderMarkdown } from './markdown.js';
import { renderSvg, svgToPng } from './render.js';
import { type RlvrRunSummary, summariseRlvrRun } from './rlvr-runs.js';
import { ResultIndex } from './roles.js';
import { type BrowserOptions, collectSamples } from './samples.js';
import { readVerdicts } from './verdicts.js';

export interface ReportOptions extends BrowserOptions {
  /** Results folders and/or training run folders. */
  dirs: readonly string[];
  /** The HTML file to write. */
  out: string;
  title?: string;
  /** Write PNG files (default true). */
  png?: boolean;
  /** Write the Markdown summary (default true). */
  markdown?: boolean;
  /** verdicts.json of `kindling run`: the four claims, shown first. */
  verdicts?: string | null;
  /** Lines for the report's notes (e.g. which seed the tables show). */
  notes?: readonly string[];
  /** selection.json files of `kindling select-model`: choices made on a validation split. */
  selections?: readonly string[];
}

export interface ReportSummary {
  html: string;
  markdown: string | null;
  pngs: string[];
  figures: { id: string; drawn: boolean; missing?: string }[];
  samples: { embedded: number; total: number };
  notes: string[];
  /** One line per GRPO run among the folders. */
  rlvr: RlvrRunSummary[];
}

export async function makeReport(o: ReportOptions): Promise<ReportSummary> {
  const input = loadReportInput(o.dirs);
  const index = new ResultIndex(input.evals.flatMap((e) => e.results.results));
  const notes: string[] = [...(o.notes ?? [])];
  if (index.duplicates.length)
    notes.push(
      `Evaluated in more than one folder (the first folder given counts): ${[...new Set(index.duplicates)].join('; ')}.`,
    );
  // One line for all folders pooled over the same seeds (`kindling run --seeds` pools every model).
  const pooledBySeeds = new Map<string, string[]>();
  for (const e of input.evals) {
    const seeds = e.results.pooled_from?.map((p) => p.seed).join(', ');
    if (seeds) pooledBySeeds.set(seeds, [...(pooledBySeeds.get(seeds) ?? []), basename(e.dir)]);
  }
  for (const [seeds, dirs] of pooledBySeeds)
    notes.push(
      `Pooled over seeds ${seeds} (${dirs.join(', ')}): each seed's trials count as extra trials, so mean ± std and pass@k run over seeds × trials.`,
    );
  for (const e of input.evals)
    for (const r of e.results.results)
      if (!r.complete)
        notes.push(
          `${r.model} on ${r.task} is incomplete (${r.cells} of ${r.examples * r.trials} samples) in ${e.dir}.`,
        );

  const html = resolve(o.out);
  const outDir = dirname(html);
  const stem = basename(html).replace(/\.html?$/i, '');
  mkdirSync(outDir, { recursive: true });

  const figures: RenderedFigure[] = [];
  const pngs: string[] = [];
  for (const f of allFigures(index, input)) {
    if (!f.spec) {
      figures.push({ ...f, svg: null, png: null });
      continue;
    }
    const svg = await renderSvg(f.spec);
    let png: string | null = null;
    if (o.png !== false) {
      const file = join(outDir, `${stem}-${f.id}.png`);
      writeFileSync(file, svgToPng(svg));
      pngs.push(file);
      png = relative(outDir, file);
    }
    figures.push({ ...f, svg, png });
  }

  const samples = await collectSamples(input.evals, o);
  const rlvr = input.metrics.flatMap((m) => summariseRlvrRun(m.run, m.rows) ?? []);
  const title = o.title ?? 'kindling report';
  const generated = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
  const sources = o.dirs.map((d) => relative(process.cwd(), resolve(d)) || '.');
  const verdicts = o.verdicts ? readVerdicts(o.verdicts) : null;
  const selections = (o.selections ?? []).map(readSelection);
  writeFileSync(
    html,
    renderHtml({ title, generated, sources, index, figures, samples, notes, verdicts, rlvr, selections }),
  );
  let markdown: string | null = null;
  if (o.markdown !== false) {
    markdown = join(outDir, `${stem}.md`);
    writeFileSync(markdown, renderMarkdown({ title, generated, index, figures, notes, verdicts, rlvr, selections }));
  }
  return {
    html,
    markdown,
    pngs,
    figures: figures.map((f) => ({ id: f.id, drawn: f.svg !== null, ...(f.missing ? { missing: f.missing } : {}) })),
    samples: { embedded: samples.samples.length, total: samples.total },
    notes,
    rlvr,
  };
}
