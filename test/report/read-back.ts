// Reads the numbers back out of a written report: the HTML tables' cells, the Markdown tables'
// cells, and the data Vega put on each chart's marks (the SVG's aria-label of every bar, rule,
// rect, text and point: "field: value; field: value").

/** The rows of the HTML table that starts at `<table` + `attrs` (each row: its cells' text, tags removed). */
export function htmlTable(html: string, start: string): string[][] {
  const at = html.indexOf(start);
  if (at < 0) throw new Error(`no ${start} in the page`);
  const table = html.slice(at, html.indexOf('</table>', at));
  return [...table.matchAll(/<tr>(.*?)<\/tr>/gs)].map((row) =>
    [...row[1]!.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/gs)].map((c) => cellText(c[1]!)),
  );
}

/** The `title` attributes of the HTML table's <td> cells, row by row. */
export function htmlTitles(html: string, start: string): string[][] {
  const at = html.indexOf(start);
  const table = html.slice(at, html.indexOf('</table>', at));
  return [...table.matchAll(/<tr>(.*?)<\/tr>/gs)]
    .map((row) => [...row[1]!.matchAll(/<td[^>]*title="([^"]*)"/g)].map((c) => unescapeHtml(c[1]!)))
    .filter((r) => r.length);
}

const unescapeHtml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
const cellText = (s: string) =>
  unescapeHtml(
    s
      .replace(/<br>/g, ' / ')
      .replace(/<[^>]+>/g, '')
      .trim(),
  );

/** The rows of the Markdown table whose header line is `header` (cells trimmed; the header and rule lines left out). */
export function markdownTable(md: string, header: string): string[][] {
  const lines = md.split('\n');
  const at = lines.indexOf(header);
  if (at < 0) throw new Error(`no table '${header}' in the Markdown`);
  const rows: string[][] = [];
  for (const line of lines.slice(at + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim().replace(/<br>/g, ' / ')),
    );
  }
  return rows;
}

/** One chart's marks in document order: each mark's aria-label parsed to field → text, and `_mark` its kind. */
export function chartMarks(html: string, figureId: string): Record<string, string>[] {
  const m = new RegExp(`<figure class="chart" id="fig-${figureId}".*?</figure>`, 's').exec(html);
  if (!m) throw new Error(`figure ${figureId} is not drawn`);
  return [
    ...m[0].matchAll(
      /aria-roledescription="([^"]*)"[^>]*aria-label="([^"]*)"|aria-label="([^"]*)"[^>]*aria-roledescription="([^"]*)"/g,
    ),
  ]
    .map((x) => ({ role: x[1] ?? x[4]!, label: unescapeHtml(x[2] ?? x[3]!) }))
    .filter((x) => !/axis|legend|title/i.test(x.role) && x.label.includes(': '))
    .map((x) => ({
      _mark: x.role,
      ...Object.fromEntries(x.label.split('; ').map((kv) => kv.split(': ') as [string, string])),
    }));
}

/** A number as Vega prints it on a mark ("−6.25", "+12.5", "1,024"). */
export const vegaNumber = (s: string | undefined): number =>
  s === undefined
    ? Number.NaN
    : Number(
        s
          .replace(/\u2212/g, '-')
          .replace(/,/g, '')
          .replace(/^\+/, ''),
      );
