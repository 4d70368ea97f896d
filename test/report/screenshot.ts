// Makes the report of test/report/fixture.ts and a screenshot of it in headless Chromium:
//   node dist/test/report/screenshot.js [OUT.png] [FOLDER]
// (docs/images/report-screenshot.png was made this way).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { makeReport } from '../../src/report/report.js';
import { buildReportInputs } from './fixture.js';

const out = resolve(process.argv[2] ?? 'report-screenshot.png');
const root = process.argv[3] ? resolve(process.argv[3]) : mkdtempSync(join(tmpdir(), 'kindling-report-shot-'));
const inputs = await buildReportInputs(root);
const r = await makeReport({
  dirs: [inputs.evalDir, ...inputs.runs],
  out: join(root, 'out', 'report.html'),
  title: 'kindling report (tiny random models)',
});
const browser = await chromium.launch({
  executablePath: process.env.KINDLING_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(pathToFileURL(r.html).href);
  await page.screenshot({ path: out, fullPage: true });
} finally {
  await browser.close();
}
console.log(`${r.html}\n${out}`);
