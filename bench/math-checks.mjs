// Math checks per second: kindling's verifier in-thread and through MathCheckPool (2 workers),
// and Hugging Face math-verify on the same pairs (one batch process), over the differential
// test's MATH-500 pairs. Run after `npx tsc -p tsconfig.json`.
//   node bench/math-checks.mjs [--pairs 2000] [--no-peer]
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { pairs: { type: 'string', default: '2000' }, 'no-peer': { type: 'boolean', default: false } },
});
const { buildPairs } = await import(join(repo, 'dist/test/tasks/math/pairs.js'));
const { verifyMath, MathCheckPool } = await import(join(repo, 'dist/src/tasks/math/index.js'));

const all = buildPairs();
// spread the sample over every kind of rewrite
const step = Math.max(1, Math.floor(all.length / Number(values.pairs)));
const pairs = all.filter((_, i) => i % step === 0).slice(0, Number(values.pairs));
const result = { pairs: pairs.length };

verifyMath('1', '1'); // load the compute engine before timing
let t0 = performance.now();
const cpu0 = process.cpuUsage();
for (const p of pairs) verifyMath(p.gold, p.pred);
result.in_thread_checks_per_s = Math.round(pairs.length / ((performance.now() - t0) / 1000));
// per CPU second as well: on a machine shared with other work, wall time mostly measures the others
const cpu = process.cpuUsage(cpu0);
result.in_thread_checks_per_cpu_s = Math.round(pairs.length / ((cpu.user + cpu.system) / 1e6));

const pool = new MathCheckPool({ size: 2 });
await Promise.all([pool.verify('1', '1'), pool.verify('1', '1')]);
t0 = performance.now();
await Promise.all(pairs.map((p) => pool.verify(p.gold, p.pred)));
result.pool_2_workers_checks_per_s = Math.round(pairs.length / ((performance.now() - t0) / 1000));
await pool.close();

const python = join(repo, '.venv/bin/python');
if (!values['no-peer'] && existsSync(python)) {
  const input = pairs.map((p) => JSON.stringify({ id: p.id, gold: p.gold, pred: p.pred })).join('\n');
  t0 = performance.now();
  execFileSync(python, [join(repo, 'test/tasks/math/mathverify_oracle.py')], { input, maxBuffer: 2 ** 28 });
  result.math_verify_checks_per_s_incl_startup = Math.round(pairs.length / ((performance.now() - t0) / 1000));
}
console.log(JSON.stringify(result));
