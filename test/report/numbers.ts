// The report's numbers read back (read-back.ts) and compared with the files it was made from, read
// here as plain JSON: results.json for the tables and Figures 1–4, eval/step-N/results.json for the
// sample-efficiency chart, metrics.jsonl for the training curves, verdicts.json for the claims.
// Registered into report.test.ts's suite so the fixture is built once.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { it } from 'node:test';
import { allFigures } from '../../src/report/figures.js';
import { loadReportInput } from '../../src/report/load.js';
import type { ReportSummary } from '../../src/report/report.js';
import { ResultIndex } from '../../src/report/roles.js';
import { LABELS, RUNS, TASKS } from './fixture.js';
import { chartMarks, htmlTable, htmlTitles, markdownTable, vegaNumber } from './read-back.js';

interface Stat {
  mean: number;
  std: number;
}
interface RawResult {
  model: string;
  task: string;
  domain: string;
  examples: number;
  trials: number;
  score: Stat;
  length: Stat;
  pass_at_k: Record<string, number>;
  truncation_rate: number;
  categories: { category: string; examples: number; accuracy: Stat }[];
}
interface RawComparison {
  task: string;
  a: string;
  b: string;
  n: number;
  diff: number;
  low: number;
  high: number;
  pValue: number;
}
interface RawEffect {
  mean: number;
  lo: number;
  hi: number;
  n: number;
}

const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const p1 = (x: number) => (100 * x).toFixed(1);
const signed = (x: number) => `${x >= 0 ? '+' : ''}${p1(x)}`;
const r2 = (x: number) => Math.round(x * 100) / 100;
const r1 = (x: number) => Math.round(x * 10) / 10;
const sortRows = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(r)).sort();

export function readBackChecks(
  get: () => { root: string; inputs: { evalDir: string; runs: string[]; verdicts: string }; report: ReportSummary },
): void {
  const raw = () => {
    const { inputs, report } = get();
    const results = json(join(inputs.evalDir, 'results.json')) as {
      results: RawResult[];
      comparisons: RawComparison[];
    };
    const find = (model: string, task: string) => {
      const r = results.results.find((x) => x.model === model && x.task === task);
      assert.ok(r, `results.json has ${model} on ${task}`);
      return r;
    };
    const cmp = (a: string, b: string, task: string) => {
      const c = results.comparisons.find((x) => x.a === a && x.b === b && x.task === task);
      assert.ok(c, `results.json compares ${b} with ${a} on ${task}`);
      return c;
    };
    return {
      html: readFileSync(report.html, 'utf8'),
      md: readFileSync(report.markdown!, 'utf8'),
      results,
      find,
      cmp,
    };
  };

  it('every cell of the format-rate table (HTML and Markdown) is the share counted from samples.jsonl', () => {
    const { html, md, find } = raw();
    const samples = readFileSync(join(get().inputs.evalDir, 'samples.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { model: string; task: string; reward_reason: string });
    const share = (m: string, t: string) => {
      const r = find(m, t) as RawResult & { name: string };
      const mine = samples.filter((s) => s.model === m && s.task === r.name);
      assert.equal(mine.length, r.examples * r.trials, `${m} on ${t}: every sample`);
      const formed = mine.filter((s) => !s.reward_reason.startsWith('format_')).length;
      const boxed = mine.filter((s) => !s.reward_reason.startsWith('format_') && s.reward_reason !== 'no_boxed').length;
      return `${p1(formed / mine.length)}%${r.domain.startsWith('math') ? ` (boxed ${p1(boxed / mine.length)}%)` : ''}`;
    };
    const expected = LABELS.map((m) => [m, ...TASKS.map((t) => share(m, t))]);
    assert.deepEqual(htmlTable(html, '<table id="format-table">'), [['model', ...TASKS], ...expected]);
    assert.deepEqual(markdownTable(md, `| well-formed | ${TASKS.join(' | ')} |`), expected);
    // The fixture has both extremes: math500 (random models never close </think>) and the byte task (no gate).
    assert.ok(
      expected.some((row) => row.includes('0.0% (boxed 0.0%)')) &&
        expected.some((row) => row.includes('100.0% (boxed 100.0%)')),
    );
  });

  it("the RLVR runs table (HTML and Markdown) is each run's metrics.jsonl: flat groups, well-formed share, entropy, reward", () => {
    const { html, md } = raw();
    const expected = get().inputs.runs.map((dir) => {
      const rows = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, number>)
        .filter((r) => 'frac_reward_zero_std' in r); // step rows, not the periodic-eval rows
      const [a, z] = [rows[0]!, rows.at(-1)!];
      const flat = rows.reduce((s, r) => s + r.frac_reward_zero_std!, 0) / rows.length;
      const pc = (x: number) => `${(100 * x).toFixed(0)}%`;
      return [
        basename(dir),
        String(rows.length),
        flat.toFixed(2),
        `${pc(a['completions/well_formed_ratio']!)} → ${pc(z['completions/well_formed_ratio']!)}`,
        `${a.entropy!.toFixed(2)} → ${z.entropy!.toFixed(2)} (×${(z.entropy! / a.entropy!).toFixed(2)})`,
        `${a.reward!.toFixed(2)} → ${z.reward!.toFixed(2)}`,
        pc(z['completions/novel_word_ratio']!),
      ];
    });
    assert.equal(expected.length, RUNS.length);
    const table = htmlTable(html, '<table id="rlvr-table">');
    assert.equal(table[0]![0], 'run');
    assert.deepEqual(table.slice(1), expected);
    assert.deepEqual(markdownTable(md, `| ${table[0]!.join(' | ')} |`), expected);
    // The same numbers unrounded (two decimals can hide a first/last swap).
    assert.deepEqual(
      get().report.rlvr.map((r) => [r.run, r.entropyFirst, r.entropyLast, r.rewardFirst, r.rewardLast]),
      get().inputs.runs.map((dir) => {
        const rows = readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, number>)
          .filter((r) => 'frac_reward_zero_std' in r);
        return [basename(dir), rows[0]!.entropy, rows.at(-1)!.entropy, rows[0]!.reward, rows.at(-1)!.reward];
      }),
    );
  });

  it('every cell of the results, category and comparison tables (HTML and Markdown) is what results.json says', () => {
    const { html, md, find, results, cmp } = raw();
    const cell = (r: RawResult) =>
      `${p1(r.score.mean)} ± ${p1(r.score.std)} / ${r.length.mean.toFixed(0)} ± ${r.length.std.toFixed(0)}`;
    const expected = LABELS.map((m) => [m, ...TASKS.map((t) => cell(find(m, t)))]);
    assert.deepEqual(htmlTable(html, '<table id="results-table">'), [
      ['model', ...TASKS],
      ...expected.map((row) => row.map((c, i) => (i === 0 ? c : c.replace(/$/, ' tokens')))),
    ]);
    assert.deepEqual(
      markdownTable(md, `| model | ${TASKS.join(' | ')} |`),
      expected.map((row) => row.map((c, i) => (i === 0 ? c : `${c} tok`))),
    );
    // the hover text: examples × trials, pass@k and truncation of the same cell
    const titles = htmlTitles(html, '<table id="results-table">');
    LABELS.forEach((m, i) =>
      TASKS.forEach((t, j) => {
        const r = find(m, t);
        const pass = Object.entries(r.pass_at_k).map(([k, v]) => `pass@${k} ${p1(v)}%`);
        assert.equal(
          titles[i]![j],
          `${r.examples} examples × ${r.trials} trials; ${pass.join(', ')}; truncated ${p1(r.truncation_rate)}%`,
        );
      }),
    );
    // the per-category table: every result with more than one category
    const cats = results.results
      .filter((r) => r.categories.length > 1)
      .flatMap((r) =>
        r.categories.map((c) => [
          r.model,
          r.task,
          c.category,
          String(c.examples),
          `${p1(c.accuracy.mean)} ± ${p1(c.accuracy.std)}`,
        ]),
      );
    assert.ok(cats.length >= 2 * 2 * LABELS.length, 'arith and byte have categories');
    assert.deepEqual(htmlTable(html, '<details><summary>per category').slice(1), cats);
    // the comparisons: every model against base, per task, as results.json's paired comparisons
    const pairs = TASKS.flatMap((t) =>
      LABELS.filter((m) => m !== 'base').map((m) => {
        const c = cmp('base', m, t);
        const p = c.pValue < 0.001 ? '<0.001' : c.pValue.toFixed(3);
        return [t, `${m} − base`, signed(c.diff), `[${p1(c.low)}, ${p1(c.high)}]`, p, String(c.n)];
      }),
    );
    assert.ok(
      pairs.some((row) => row[2]!.startsWith('-')) && pairs.some((row) => /^\+[1-9]/.test(row[2]!)),
      'the fixture has gains and losses',
    );
    assert.deepEqual(
      htmlTable(html, '<table id="comparisons-table">')
        .slice(1)
        .map((row) => row.slice(0, 6)),
      pairs,
    );
    assert.deepEqual(markdownTable(md, '| task | b − a | Δ points | 95% CI | p | n |'), pairs);
  });

  it("every figure's data (the spec and the marks in the page's SVG) is what results.json, eval/step-N and metrics.jsonl say", () => {
    const { html, find, cmp } = raw();
    const { inputs } = get();
    const figs = Object.fromEntries(
      allFigures(
        new ResultIndex(loadReportInput([inputs.evalDir]).evals.flatMap((e) => e.results.results)),
        loadReportInput([inputs.evalDir, ...inputs.runs]),
      ).map((f) => [f.id, (f.spec as { data: { values: Record<string, unknown>[] } }).data.values]),
    );

    // accuracy: one bar per model and task, whiskers mean ± std clipped to [0, 100]
    const acc = TASKS.flatMap((t) =>
      LABELS.map((m) => {
        const r = find(m, t);
        const a = 100 * r.score.mean;
        const s = 100 * r.score.std;
        return { model: m, task: t, accuracy: r2(a), low: r2(Math.max(0, a - s)), high: r2(Math.min(100, a + s)) };
      }),
    );
    assert.deepEqual(sortRows(figs.accuracy!), sortRows(acc));
    const bars = chartMarks(html, 'accuracy').filter((k) => 'accuracy (%)' in k);
    // facets (tasks) in order, models in order within each
    assert.deepEqual(
      bars.map((k) => [k.model, vegaNumber(k['accuracy (%)'])]),
      acc.map((r) => [r.model, r.accuracy]),
    );

    // Figure 2 and 4: warmup, base+RLVR and warmup+RLVR (in-domain: `+rlvr:<the task's domain>`) vs base
    const variants = (t: string) =>
      (
        [
          ['warmup', 'warmup'],
          ['base+RLVR', `base+rlvr:${find('base', t).domain}`],
          ['warmup+RLVR', `warmup+rlvr:${find('base', t).domain}`],
        ] as const
      ).filter(([, m]) => LABELS.includes(m));
    const gains = TASKS.flatMap((t) =>
      variants(t).map(([variant, m]) => {
        const c = cmp('base', m, t);
        return {
          task: t,
          variant,
          model: m,
          delta: r2(100 * (find(m, t).score.mean - find('base', t).score.mean)),
          low: r2(100 * c.low),
          high: r2(100 * c.high),
          n: c.n,
        };
      }),
    );
    assert.equal(gains.filter((g) => g.task === 'byte').length, 3, 'byte is a math task: all three variants');
    assert.deepEqual(sortRows(figs.gains!), sortRows(gains));
    const gainMarks = chartMarks(html, 'gains');
    assert.deepEqual(
      gainMarks
        .filter((k) => 'change vs base (points)' in k)
        .map((k) => [k.task, k.variant, vegaNumber(k['change vs base (points)'])]),
      gains.map((g) => [g.task, g.variant, g.delta]),
    );
    assert.deepEqual(
      gainMarks.filter((k) => 'low' in k).map((k) => [k.task, k.variant, vegaNumber(k.low), vegaNumber(k.high)]),
      gains.map((g) => [g.task, g.variant, g.low, g.high]),
    );

    const lengths = TASKS.flatMap((t) =>
      variants(t).map(([variant, m]) => {
        const b = find('base', t).length.mean;
        const l = find(m, t).length.mean;
        return { task: t, variant, model: m, change: r1((100 * (l - b)) / b), tokens: r1(l), base_tokens: r1(b) };
      }),
    );
    assert.deepEqual(sortRows(figs.length!), sortRows(lengths));
    assert.deepEqual(
      chartMarks(html, 'length').map((k) => [k.task, k.variant, vegaNumber(k['length change vs base (%)'])]),
      lengths.map((g) => [g.task, g.variant, g.change]),
    );

    // Figure 3: each RLVR model minus the model it started from, on every task
    const transfer = LABELS.filter((m) => m.includes('+rlvr:')).flatMap((m) => {
      const [start, domain] = m.split('+rlvr:') as [string, string];
      return TASKS.map((t) => ({
        start: `from ${start}`,
        train: domain,
        task: t,
        delta: r1(100 * (find(m, t).score.mean - find(start, t).score.mean)),
      }));
    });
    assert.deepEqual(sortRows(figs.transfer!), sortRows(transfer));
    const texts = chartMarks(html, 'transfer').filter((k) => 'delta' in k);
    assert.deepEqual(
      texts
        .map((k) => [k.task, k['RLVR on'], vegaNumber(k.delta)])
        .map((x) => JSON.stringify(x))
        .sort(),
      transfer.map((r) => JSON.stringify([r.task, r.train, r.delta])).sort(),
    );

    // sample efficiency: every periodic evaluation the two GRPO runs wrote
    const curve = RUNS.flatMap(([run, label], i) =>
      readdirSync(join(inputs.runs[i]!, 'eval'))
        .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
        .flatMap((step) =>
          (json(join(inputs.runs[i]!, 'eval', step, 'results.json')).results as RawResult[]).map((r) => {
            const a = 100 * r.score.mean;
            const s = 100 * r.score.std;
            return {
              run: `${label} (${run})`,
              task: r.task,
              step: Number(step.slice(5)),
              accuracy: r2(a),
              low: r2(Math.max(0, a - s)),
              high: r2(Math.min(100, a + s)),
            };
          }),
        ),
    );
    assert.deepEqual(
      curve.map((c) => c.step),
      [0, 2, 4, 0, 2, 4],
      'evaluated at steps 0, 2 and 4 of each run',
    );
    assert.deepEqual(sortRows(figs['sample-efficiency']!), sortRows(curve));
    assert.deepEqual(
      chartMarks(html, 'sample-efficiency')
        .filter((k) => k._mark === 'point')
        .map((k) => [k.run, vegaNumber(k.step), vegaNumber(k.accuracy)]),
      curve.map((c) => [c.run, c.step, c.accuracy]),
    );

    // training curves: every metrics.jsonl row the trainer wrote, each drawn metric at each step
    const drawn = [
      'loss',
      'reward',
      'reward_std',
      'completions/mean_length',
      'completions/clipped_ratio',
      'completions/well_formed_ratio',
      'completions/novel_word_ratio',
      'kl',
    ];
    const training = inputs.runs.flatMap((dir) =>
      readFileSync(join(dir, 'metrics.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, number>)
        .flatMap((row) =>
          [...drawn, 'entropy', 'grad_norm', 'learning_rate']
            .filter((m) => typeof row[m] === 'number')
            .map((m) => ({ run: basename(dir), step: row.step, metric: m, value: row[m]! })),
        ),
    );
    assert.ok(
      training.filter((r) => r.metric === 'reward').length === 8 && training.some((r) => r.metric === 'grad_norm'),
      'four GRPO steps per run, with rewards and gradient norms',
    );
    assert.deepEqual(sortRows(figs.training!), sortRows(training));
    // a line's SVG path carries one label (its first point)
    const lines = chartMarks(html, 'training');
    assert.equal(lines.length, drawn.filter((m) => training.some((r) => r.metric === m)).length * 2 + 3 * 2);
    for (const k of lines)
      assert.ok(
        training.some(
          (r) =>
            r.run === k.run &&
            r.step === vegaNumber(k.step) &&
            Math.abs(r.value - vegaNumber(k.value)) < 1e-3 * Math.max(1, Math.abs(r.value)),
        ),
        `training mark ${JSON.stringify(k)} is a metrics.jsonl value`,
      );
  });

  it('the claims section (HTML and Markdown) shows every effect, interval and verdict of verdicts.json', () => {
    const { html, md } = raw();
    const v = json(get().inputs.verdicts) as {
      seeds: number[];
      claims: {
        claim: string;
        verdict: string;
        effect: RawEffect | null;
        parts: { what: string; effect: RawEffect }[];
      }[];
    };
    const interval = (e: RawEffect) => `${signed(e.mean)} [${signed(e.lo)}, ${signed(e.hi)}]`;
    assert.ok(
      v.claims.every((c) => c.effect !== null),
      'the fixture measures all four claims',
    );
    assert.deepEqual(
      markdownTable(md, '| claim | effect (points, 95 % CI) | verdict |'),
      v.claims.map((c) => [c.claim, interval(c.effect!), `**${c.verdict}**`]),
    );
    const rows = htmlTable(html, '<table><thead><tr><th>claim</th>').slice(1);
    assert.deepEqual(
      rows.map((r) => r.slice(1)),
      v.claims.map((c) => [interval(c.effect!), c.verdict]),
    );
    const claimsHtml = html.slice(html.indexOf('<section id="claims">'), html.indexOf('<section id="results">'));
    const parts = [...claimsHtml.matchAll(/<li>(.*?)<\/li>/g)].map((m) => m[1]);
    assert.deepEqual(
      parts,
      v.claims.flatMap((c) => c.parts.map((p) => `${p.what}: ${interval(p.effect)} over ${p.effect.n} examples`)),
    );
  });
}
