// The report from real evaluation folders and training runs: every figure drawn (SVG in the page,
// PNG beside it), the Markdown summary, and the page rendered by headless Chromium (Debian's
// chromium, --headless --no-sandbox --disable-gpu) with every chart present, no console errors, no
// network request, a working sample browser, and a screenshot; and every number in its tables and
// charts read back and compared with the results.json, eval/step-N/results.json, metrics.jsonl and
// verdicts.json it was made from.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { makeReport, type ReportSummary } from '../../src/report/report.js';
import { kindling } from '../cli/run.js';
import { buildReportInputs } from './fixture.js';
import { readBackChecks } from './numbers.js';

const CHROMIUM = process.env.KINDLING_CHROMIUM ?? '/usr/bin/chromium';
const FIGURES = ['accuracy', 'gains', 'transfer', 'length', 'sample-efficiency', 'training'];

const pngSize = (file: string) => {
  const b = readFileSync(file);
  assert.equal(b.subarray(0, 8).toString('hex'), '89504e470d0a1a0a', `${file} is a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
};

describe('kindling report', () => {
  const root = mkdtempSync(join(tmpdir(), 'kindling-report-'));
  let inputs: { evalDir: string; runs: string[]; verdicts: string };
  let report: ReportSummary;

  before(async () => {
    inputs = await buildReportInputs(root);
    report = await makeReport({
      dirs: [inputs.evalDir, ...inputs.runs],
      out: join(root, 'out', 'report.html'),
      notes: ['Tables show seed 0, the first of 3.'],
      verdicts: inputs.verdicts,
    });
  });

  it('draws every figure, as SVG in the page and as PNG beside it, and writes the Markdown summary', () => {
    assert.deepEqual(
      report.figures.map((f) => [f.id, f.drawn]),
      FIGURES.map((id) => [id, true]),
    );
    assert.equal(report.pngs.length, FIGURES.length);
    for (const id of FIGURES) {
      const { width, height } = pngSize(join(root, 'out', `report-${id}.png`));
      assert.ok(width > 200 && height > 100, `${id}.png is ${width}×${height}`);
    }
    const html = readFileSync(report.html, 'utf8');
    for (const id of FIGURES) assert.match(html, new RegExp(`<figure class="chart" id="fig-${id}"[^>]*>.*?<svg`, 's'));
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'no external resource');
    const md = readFileSync(report.markdown!, 'utf8');
    assert.match(md, /\| model \| arith \| byte \| math500 \| kk:3,4 \|/);
    assert.match(md, /\| warmup\+rlvr:math \| [\d.]+ ± [\d.]+<br>\d+ ± \d+ tok/);
    assert.match(md, /!\[gains\]\(report-gains\.png\)/);
    assert.match(md, /warmup − base/);
    assert.match(md, /## Notes\n\n- Tables show seed 0, the first of 3\./);
    assert.match(html, /<li>Tables show seed 0, the first of 3\.<\/li>/);
    assert.equal(report.samples.embedded, 6 * 4 * 4 * 4);
  });

  readBackChecks(() => ({ root, inputs, report }));

  it('renders in headless Chromium with every chart, no console errors, a working sample browser and a screenshot', async (t) => {
    assert.ok(
      existsSync(CHROMIUM),
      `${CHROMIUM} is missing: install Debian's chromium (bash scripts/setup.sh --peers)`,
    );
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') errors.push(`console.${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
      page.on('request', (r) => requests.push(r.url()));
      const url = pathToFileURL(report.html).href;
      await page.goto(url, { waitUntil: 'load' });

      for (const id of FIGURES) {
        const box = await page.locator(`figure#fig-${id} > svg`).boundingBox();
        assert.ok(box && box.width > 150 && box.height > 80, `chart ${id} is drawn (${JSON.stringify(box)})`);
        assert.ok(
          (await page.locator(`figure#fig-${id} svg .mark-text, figure#fig-${id} svg text`).count()) > 0,
          `chart ${id} has text`,
        );
      }
      assert.equal(await page.locator('figure.chart.missing').count(), 0);
      assert.equal(await page.locator('#results-table tr').count(), 1 + 6);

      // the sample browser: filters by correctness, model and task
      const articles = page.locator('#sample-list article.sample');
      assert.equal(await articles.count(), 20, 'first page of samples');
      await page.selectOption('#f-correct', 'incorrect');
      const wrong = await articles.evaluateAll((els) => els.map((e) => e.getAttribute('data-correct')));
      assert.ok(wrong.length > 0 && wrong.every((c) => c === 'false'));
      await page.selectOption('#f-correct', '');
      await page.selectOption('#f-model', 'warmup');
      await page.selectOption('#f-task', 'kk');
      const picked = await articles.evaluateAll((els) =>
        els.map((e) => `${e.getAttribute('data-model')}/${e.getAttribute('data-task')}`),
      );
      assert.equal(picked.length, 16);
      assert.ok(picked.every((p) => p === 'warmup/kk'));
      assert.match((await page.locator('#sample-count').textContent()) ?? '', /^16 of 384 embedded samples match/);
      await page.selectOption('#f-task', '');
      await page.selectOption('#f-model', '');

      const shot = join(root, 'report-screenshot.png');
      await page.screenshot({ path: shot, fullPage: true });
      const { width, height } = pngSize(shot);
      assert.ok(width >= 1280 && height > 2000, `screenshot ${width}×${height}`);
      t.diagnostic(`screenshot: ${shot}`);

      assert.deepEqual(errors, [], 'no console errors or warnings');
      assert.deepEqual(requests, [url], 'the page loads nothing but itself');
    } finally {
      await browser.close();
    }
  });

  it('kindling report (CLI) writes the files and names a figure it cannot draw', () => {
    const out = join(root, 'cli', 'only-eval.html');
    const r = kindling(['report', inputs.evalDir, '--out', out, '--no-png', '--max-samples', '50']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /only-eval\.html \(4\/6 figures, \d+ of 384 samples embedded\)/);
    assert.match(r.stderr, /figure 'sample-efficiency' not drawn \(needs periodic evaluations/);
    assert.match(r.stderr, /figure 'training' not drawn \(needs metrics\.jsonl/);
    assert.ok(existsSync(out) && existsSync(join(root, 'cli', 'only-eval.md')));
    assert.ok(!existsSync(join(root, 'cli', 'only-eval-accuracy.png')), '--no-png');
  });

  it('bad input names the folder, file and field', () => {
    const r = kindling(['report', join(root, 'models'), '--out', join(root, 'x.html')]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /models: no results\.json, eval\/step-<N>\/results\.json or metrics\.jsonl found/);
    const broken = mkdtempSync(join(root, 'broken-'));
    writeFileSync(join(broken, 'metrics.jsonl'), '{"step": 1, "loss": 2}\n{"loss": 1}\n');
    const r2 = kindling(['report', broken, '--out', join(root, 'y.html')]);
    assert.equal(r2.status, 1);
    assert.match(r2.stderr, /metrics\.jsonl:2: field 'step' must be a number/);
    const bad = mkdtempSync(join(root, 'bad-'));
    writeFileSync(
      join(bad, 'results.json'),
      JSON.stringify({ format: 'kindling-eval/1', models: [], tasks: [], results: [{ model: 'a' }], comparisons: [] }),
    );
    const r3 = kindling(['report', bad, '--out', join(root, 'z.html')]);
    assert.equal(r3.status, 1);
    assert.match(r3.stderr, /results\.json: results\[0\]\.task must be a string/);
  });
});
