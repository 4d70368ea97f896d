// The self-contained HTML report: inline CSS, inline SVG charts, the samples as embedded JSON and a
// small plain-JS browser. A Content-Security-Policy forbids every network request, so the page
// behaves the same offline, from a file or from a mail attachment.

import type { Selection } from '../eval/select.js';
import { CHOICES_CAPTION, choiceTables } from './choices.js';
import type { Figure } from './figures.js';
import { RLVR_CAPTION, RLVR_HEADER, type RlvrRunSummary, rlvrCells } from './rlvr-runs.js';
import type { ResultIndex } from './roles.js';
import type { BrowserData } from './samples.js';
import {
  type Cell,
  categoryRows,
  comparisonRows,
  FORMAT_CAPTION,
  formatComparison,
  formatMatrix,
  resultsMatrix,
} from './tables.js';
import { type VerdictClaim, verdictsHtml } from './verdicts.js';

export interface RenderedFigure extends Figure {
  svg: string | null;
  png: string | null;
}

export interface HtmlInput {
  title: string;
  generated: string;
  sources: string[];
  index: ResultIndex;
  figures: RenderedFigure[];
  samples: BrowserData;
  notes: string[];
  /** Verdicts of `kindling run` on the paper's four claims, shown first. */
  verdicts?: { seeds: number[]; claims: VerdictClaim[] } | null;
  /** One line per GRPO run (src/report/rlvr-runs.ts). */
  rlvr?: readonly RlvrRunSummary[];
  /** Choices made on a validation split (src/report/choices.ts). */
  selections?: readonly Selection[];
}

export const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON that is safe inside <script>: no '<' (so no </script> or <!--), no line separators. */
export const scriptJson = (v: unknown): string =>
  JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

/** Several SVGs in one page must not share ids (vega names its clip paths clip1, clip2, …). */
export function prefixSvgIds(svg: string, prefix: string): string {
  const ids = new Set([...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
  if (ids.size === 0) return svg;
  return svg
    .replace(/(\sid=")([^"]+)(")/g, (all, a: string, id: string, b: string) =>
      ids.has(id) ? `${a}${prefix}${id}${b}` : all,
    )
    .replace(/url\(#([^)]+)\)/g, (all, id: string) => (ids.has(id) ? `url(#${prefix}${id})` : all))
    .replace(/(href=")#([^"]+)(")/g, (all, a: string, id: string, b: string) =>
      ids.has(id) ? `${a}#${prefix}${id}${b}` : all,
    );
}

const CSS = `
:root { --fg:#1d1d1f; --muted:#666; --line:#ddd; --ok:#1a7f37; --bad:#cf222e; --bg2:#f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: var(--fg); margin: 0; padding: 0 24px 48px; max-width: 1400px; }
header { border-bottom: 1px solid var(--line); padding: 16px 0 8px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; }
nav a { margin-right: 14px; }
.muted { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg2); }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td .len { color: var(--muted); font-size: 12px; }
figure.chart { margin: 16px 0; padding: 8px; border: 1px solid var(--line); border-radius: 6px; overflow-x: auto; }
figure.chart figcaption { margin-bottom: 6px; }
figure.chart.missing { background: var(--bg2); color: var(--muted); }
.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin: 8px 0; }
.filters label { font-size: 12px; color: var(--muted); }
.sample { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; padding: 8px 10px; }
.sample header { border: 0; padding: 0; display: flex; gap: 12px; flex-wrap: wrap; font-size: 12px; }
.sample .verdict.ok { color: var(--ok); font-weight: bold; } .sample .verdict.bad { color: var(--bad); font-weight: bold; }
.sample pre { white-space: pre-wrap; word-break: break-word; background: var(--bg2); padding: 6px 8px; margin: 6px 0; max-height: 420px; overflow: auto; font-size: 12px; }
.sample dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 4px 0; font-size: 12px; }
.sample dt { color: var(--muted); } .sample dd { margin: 0; white-space: pre-wrap; word-break: break-word; }
.pager { display: flex; gap: 8px; align-items: center; margin: 8px 0; }
`;

// The sample browser (plain JS; reads the embedded JSON, renders with textContent only).
const BROWSER_JS = `
(function () {
  var data = JSON.parse(document.getElementById('samples-data').textContent);
  var PER_PAGE = 20, page = 0;
  function $(id) { return document.getElementById(id); }
  function uniq(key) { var s = {}; data.samples.forEach(function (x) { s[x[key]] = 1; }); return Object.keys(s).sort(); }
  function fill(sel, values) { values.forEach(function (v) { var o = document.createElement('option'); o.value = v; o.textContent = v; sel.appendChild(o); }); }
  fill($('f-task'), uniq('task')); fill($('f-model'), uniq('model')); fill($('f-category'), uniq('category'));
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined && text !== null) e.textContent = String(text); return e; }
  function filtered() {
    var t = $('f-task').value, m = $('f-model').value, c = $('f-correct').value, cat = $('f-category').value, q = $('f-text').value.toLowerCase();
    return data.samples.filter(function (x) {
      if (t && x.task !== t) return false;
      if (m && x.model !== m) return false;
      if (cat && x.category !== cat) return false;
      if (c === 'correct' && !x.correct) return false;
      if (c === 'incorrect' && x.correct) return false;
      if (q && (x.id + '\\n' + x.completion + '\\n' + (x.extracted || '')).toLowerCase().indexOf(q) < 0) return false;
      return true;
    });
  }
  function render() {
    var rows = filtered(), list = $('sample-list');
    var pages = Math.max(1, Math.ceil(rows.length / PER_PAGE));
    if (page >= pages) page = pages - 1;
    list.textContent = '';
    rows.slice(page * PER_PAGE, (page + 1) * PER_PAGE).forEach(function (x) {
      var a = el('article', 'sample');
      a.setAttribute('data-correct', x.correct ? 'true' : 'false');
      a.setAttribute('data-model', x.model); a.setAttribute('data-task', x.task);
      var h = el('header');
      h.appendChild(el('span', 'verdict ' + (x.correct ? 'ok' : 'bad'), x.correct ? '✓ correct' : '✗ incorrect'));
      h.appendChild(el('span', null, x.task + ' · ' + x.id + ' · trial ' + x.trial));
      h.appendChild(el('span', null, 'model ' + x.model));
      h.appendChild(el('span', null, x.category));
      h.appendChild(el('span', null, x.tokens + ' tokens, ended by ' + x.finish));
      h.appendChild(el('span', null, 'reward ' + x.reward));
      a.appendChild(h);
      var d = el('details'); d.appendChild(el('summary', null, 'prompt')); d.appendChild(el('pre', null, data.prompts[x.p])); a.appendChild(d);
      a.appendChild(el('pre', 'completion', x.completion));
      var dl = el('dl');
      [['extracted', x.extracted], ['gold', x.gold], ['judgement', x.reason]].forEach(function (kv) {
        if (kv[1] === null || kv[1] === undefined) return;
        dl.appendChild(el('dt', null, kv[0])); dl.appendChild(el('dd', null, kv[1]));
      });
      a.appendChild(dl);
      list.appendChild(a);
    });
    $('sample-count').textContent = rows.length + ' of ' + data.samples.length + ' embedded samples match (' + data.total + ' in the results)';
    $('page-info').textContent = 'page ' + (page + 1) + ' / ' + pages;
    $('prev').disabled = page === 0; $('next').disabled = page >= pages - 1;
  }
  ['f-task', 'f-model', 'f-correct', 'f-category'].forEach(function (id) { $(id).addEventListener('change', function () { page = 0; render(); }); });
  $('f-text').addEventListener('input', function () { page = 0; render(); });
  $('prev').addEventListener('click', function () { page--; render(); });
  $('next').addEventListener('click', function () { page++; render(); });
  render();
})();
`;

/** A model × task matrix as table rows (header first); `cell` renders a present cell's content. */
function matrixRows(
  m: { tasks: string[]; rows: { model: string; cells: (Cell | null)[] }[] },
  cell: (c: Cell) => string,
) {
  const head = `<tr><th>model</th>${m.tasks.map((t) => `<th>${esc(t)}</th>`).join('')}</tr>`;
  const body = m.rows.map(
    (r) =>
      `<tr><th>${esc(r.model)}</th>${r.cells
        .map((c) => (c ? `<td class="num" title="${esc(c.title)}">${cell(c)}</td>` : '<td class="num">—</td>'))
        .join('')}</tr>`,
  );
  return [head, ...body].join('\n');
}

function resultsSection(index: ResultIndex): string {
  const m = resultsMatrix(index);
  if (m.rows.length === 0) return '<p class="muted">No evaluation results were given.</p>';
  const table = matrixRows(m, (c) => `${esc(c.score)}<br><span class="len">${esc(c.length)} tokens</span>`);
  const cats = categoryRows(index);
  const catTable = cats.length
    ? `<details><summary>per category</summary><table><tr><th>model</th><th>task</th><th>category</th><th>examples</th><th>accuracy %</th></tr>${cats
        .map(
          (c) =>
            `<tr><td>${esc(c.model)}</td><td>${esc(c.task)}</td><td>${esc(c.category)}</td><td class="num">${c.examples}</td><td class="num">${esc(c.score)}</td></tr>`,
        )
        .join('')}</table></details>`
    : '';
  return `<p class="muted">Accuracy in %, mean ± std over trials (macro average over categories where the task says so); below it the completion length in tokens, mean ± std over trials. Hover a cell for pass@k and truncation.</p>
<table id="results-table">${table}</table>${catTable}`;
}

function formatSection(index: ResultIndex): string {
  const m = formatMatrix(index);
  if (m.rows.length === 0) return '';
  const table = matrixRows(m, (c) => esc(c.score));
  return `<h3 id="format-rate">Format rate</h3>
<p class="muted">${esc(FORMAT_CAPTION)} Hover a cell for every reward reason's share.</p>
<table id="format-table">${table}</table>`;
}

/** A table of text cells: header row, then rows whose cells after the first are numbers. */
function textTable(id: string, header: readonly string[], rows: readonly (readonly string[])[]): string {
  const tr = (cells: readonly string[], tag: 'th' | 'td') =>
    `<tr>${cells.map((c, i) => `<${tag}${tag === 'td' && i > 0 ? ' class="num"' : ''}>${esc(c)}</${tag}>`).join('')}</tr>`;
  return `<table id="${id}">${tr(header, 'th')}\n${rows.map((r) => tr(r, 'td')).join('\n')}</table>`;
}

function choicesSection(selections: readonly Selection[]): string {
  if (selections.length === 0) return '';
  const tables = choiceTables(selections).map(
    (t, i) => `${textTable(`choice-table-${i}`, t.header, t.rows)}<p class="muted">Rule: ${esc(t.rule)}.</p>`,
  );
  return `<section id="choices"><h2>Choices made on the validation split</h2>
<p class="muted">${esc(CHOICES_CAPTION)}</p>
${tables.join('\n')}
</section>`;
}

function rlvrSection(runs: readonly RlvrRunSummary[]): string {
  if (runs.length === 0) return '';
  return `<section id="rlvr"><h2>RLVR runs</h2>
<p class="muted">${esc(RLVR_CAPTION)}</p>
${textTable('rlvr-table', RLVR_HEADER, runs.map(rlvrCells))}
</section>`;
}

function comparisonSection(index: ResultIndex): string {
  const rows = comparisonRows(index).map(formatComparison);
  if (rows.length === 0) return '<p class="muted">Comparisons need two models evaluated on the same task.</p>';
  return `<p class="muted">Difference in accuracy points (b − a) with a 95% confidence interval, paired over examples: per-example accuracy over trials, paired t-interval (stratified by category for macro-averaged tasks).</p>
<table id="comparisons-table"><tr><th>task</th><th>b − a</th><th>Δ points</th><th>95% CI</th><th>p</th><th>examples</th><th>method</th></tr>${rows
    .map(
      (r) =>
        `<tr><td>${esc(r.task)}</td><td>${esc(r.pair)}</td><td class="num">${esc(r.diff)}</td><td class="num">${esc(r.ci)}</td><td class="num">${esc(r.p)}</td><td class="num">${esc(r.n)}</td><td>${esc(r.method)}</td></tr>`,
    )
    .join('')}</table>`;
}

function figureHtml(f: RenderedFigure): string {
  const cap = `<figcaption><b>${esc(f.title)}</b> — ${esc(f.caption)}${f.png ? ` <span class="muted">(PNG: ${esc(f.png)})</span>` : ''}</figcaption>`;
  if (!f.svg)
    return `<figure class="chart missing" id="fig-${esc(f.id)}" data-chart="${esc(f.id)}">${cap}<p>Not drawn: needs ${esc(f.missing ?? 'data')}.</p></figure>`;
  return `<figure class="chart" id="fig-${esc(f.id)}" data-chart="${esc(f.id)}">${cap}${prefixSvgIds(f.svg.replace(/^<\?xml[^>]*>\s*/, ''), `${f.id}-`)}</figure>`;
}

export function renderHtml(o: HtmlInput): string {
  const drawn = o.figures.filter((f) => f.svg).length;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${esc(o.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${esc(o.title)}</h1>
<p class="muted">Generated ${esc(o.generated)} by kindling from ${o.sources.map((s) => `<code>${esc(s)}</code>`).join(', ')}. ${drawn} of ${o.figures.length} figures drawn.</p>
<nav>${o.verdicts ? '<a href="#claims">Claims</a>' : ''}${o.selections?.length ? '<a href="#choices">Choices</a>' : ''}<a href="#results">Results</a><a href="#comparisons">Comparisons</a>${o.rlvr?.length ? '<a href="#rlvr">RLVR runs</a>' : ''}<a href="#figures">Figures</a><a href="#samples">Samples</a></nav>
${o.notes.length ? `<ul class="muted">${o.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
</header>
${o.verdicts ? `<section id="claims"><h2>The paper's four claims at this scale</h2>\n${verdictsHtml(o.verdicts, esc)}\n</section>` : ''}
${choicesSection(o.selections ?? [])}
<section id="results"><h2>Results</h2>
${resultsSection(o.index)}
${formatSection(o.index)}
</section>
<section id="comparisons"><h2>Model comparisons</h2>
${comparisonSection(o.index)}
</section>
${rlvrSection(o.rlvr ?? [])}
<section id="figures"><h2>Figures</h2>
${o.figures.map(figureHtml).join('\n')}
</section>
<section id="samples"><h2>Samples</h2>
<div class="filters">
<label>task <select id="f-task"><option value="">all</option></select></label>
<label>model <select id="f-model"><option value="">all</option></select></label>
<label>category <select id="f-category"><option value="">all</option></select></label>
<label>judged <select id="f-correct"><option value="">all</option><option value="correct">correct</option><option value="incorrect">incorrect</option></select></label>
<label>search <input id="f-text" type="search" placeholder="text in completion or id"></label>
</div>
<p id="sample-count" class="muted"></p>
<div class="pager"><button id="prev" type="button">◀ previous</button><span id="page-info" class="muted"></span><button id="next" type="button">next ▶</button></div>
<div id="sample-list"></div>
</section>
<script type="application/json" id="samples-data">${scriptJson(o.samples)}</script>
<script>${BROWSER_JS}</script>
</body>
</html>
`;
}
