// The report's Markdown summary (for terminals and READMEs): the results table, the paired
// comparisons and the figures as PNG links.

import type { Selection } from '../eval/select.js';
import { CHOICES_CAPTION, choiceTables } from './choices.js';
import type { RenderedFigure } from './html.js';
import { RLVR_CAPTION, RLVR_HEADER, type RlvrRunSummary, rlvrCells } from './rlvr-runs.js';
import type { ResultIndex } from './roles.js';
import { comparisonRows, FORMAT_CAPTION, formatComparison, formatMatrix, resultsMatrix } from './tables.js';
import { type VerdictClaim, verdictsMarkdown } from './verdicts.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A Markdown table: a text first column, numbers right-aligned after it. */
const table = (header: readonly string[], rows: readonly (readonly string[])[]): string[] => [
  `| ${header.map(cell).join(' | ')} |`,
  `|---|${header
    .slice(1)
    .map(() => '---:')
    .join('|')}|`,
  ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
];

export function renderMarkdown(o: {
  title: string;
  generated: string;
  index: ResultIndex;
  figures: RenderedFigure[];
  notes: string[];
  verdicts?: { seeds: number[]; claims: VerdictClaim[] } | null;
  rlvr?: readonly RlvrRunSummary[];
  selections?: readonly Selection[];
}): string {
  const lines: string[] = [`# ${o.title}`, '', `Generated ${o.generated} by \`kindling report\`.`, ''];
  if (o.verdicts) lines.push(...verdictsMarkdown(o.verdicts));
  if (o.selections?.length) {
    lines.push('## Choices made on the validation split', '', CHOICES_CAPTION, '');
    for (const t of choiceTables(o.selections)) lines.push(...table(t.header, t.rows), '', `Rule: ${t.rule}.`, '');
  }
  const { tasks, rows } = resultsMatrix(o.index);
  if (rows.length) {
    lines.push('## Results', '', 'Accuracy %, mean ± std over trials; completion length in tokens below.', '');
    const body = rows.map((r) => [r.model, ...r.cells.map((c) => (c ? `${c.score}<br>${c.length} tok` : '—'))]);
    lines.push(...table(['model', ...tasks], body), '');
  }
  const fmt = formatMatrix(o.index);
  if (fmt.rows.length) {
    lines.push('## Format rate', '', FORMAT_CAPTION, '');
    const body = fmt.rows.map((r) => [r.model, ...r.cells.map((c) => (c ? c.score : '—'))]);
    lines.push(...table(['well-formed', ...fmt.tasks], body), '');
  }
  const cmp = comparisonRows(o.index).map(formatComparison);
  if (cmp.length) {
    lines.push(
      '## Comparisons (paired over examples, 95% CI)',
      '',
      '| task | b − a | Δ points | 95% CI | p | n |',
      '|---|---|---:|---:|---:|---:|',
    );
    for (const c of cmp) lines.push(`| ${cell(c.task)} | ${cell(c.pair)} | ${c.diff} | ${c.ci} | ${c.p} | ${c.n} |`);
    lines.push('');
  }
  if (o.rlvr?.length) {
    lines.push('## RLVR runs', '', RLVR_CAPTION, '');
    lines.push(...table(RLVR_HEADER, o.rlvr.map(rlvrCells)), '');
  }
  lines.push('## Figures', '');
  for (const f of o.figures)
    lines.push(f.png ? `- ${f.title}: ![${f.id}](${f.png})` : `- ${f.title}: not drawn (needs ${f.missing ?? 'data'})`);
  if (o.notes.length) lines.push('', '## Notes', '', ...o.notes.map((n) => `- ${n}`));
  return `${lines.join('\n')}\n`;
}
