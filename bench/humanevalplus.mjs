// Throughput of the code sandbox on HumanEval+ (run `npx tsc -p tsconfig.json` first). Phases, each
// timed on its own, with the pool on --workers threads:
//   startup    – first worker boots Pyodide and builds the snapshot, the others restore it;
//   empty      – trivial jobs: the cost of a fresh interpreter per sample;
//   reference  – expected outputs of every task (the canonical solution on all base + plus
//                inputs), computed cold into a fresh cache folder;
//   canonical  – every canonical solution judged base + plus (the full HumanEval+ canonical run);
//   mixed      – per task: canonical, return None, off-by-one (mostly failing samples, as in RL).
// Prints JSON with seconds and samples/s per phase.
//   node bench/humanevalplus.mjs [--workers 2] [--tasks 164] [--empty 40]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { SandboxPool } = await import(join(repo, 'dist', 'src', 'sandbox', 'index.js'));
const code = await import(join(repo, 'dist', 'src', 'tasks', 'code', 'index.js'));
const { values: v } = parseArgs({
  options: {
    workers: { type: 'string', default: '2' },
    tasks: { type: 'string', default: '164' },
    empty: { type: 'string', default: '40' },
  },
});
const workers = Number(v.workers);
const problems = code.loadHumanEvalPlus().slice(0, Number(v.tasks));
const cacheDir = mkdtempSync(join(tmpdir(), 'bench-humanevalplus-'));
const pool = new SandboxPool({ workers });
const result = { workers, tasks: problems.length, phases: {} };

async function phase(name, n, fn) {
  const t0 = performance.now();
  const out = await fn();
  const s = (performance.now() - t0) / 1000;
  result.phases[name] = {
    seconds: Number(s.toFixed(2)),
    samples: n,
    samples_per_s: n ? Number((n / s).toFixed(2)) : undefined,
  };
  process.stderr.write(`${name}: ${s.toFixed(1)} s\n`);
  return out;
}

const trivial = {
  driver: 'def main(ctx):\n    ctx.step(0)\n    return {}\n',
  program: '',
  stepLimitsMs: [10000],
  totalLimitMs: 10000,
};
await phase('startup', 0, () => Promise.all(Array.from({ length: workers }, () => pool.run(trivial))));
await phase('empty', Number(v.empty), () =>
  Promise.all(Array.from({ length: Number(v.empty) }, () => pool.run(trivial))),
);
await phase('reference', problems.length, () =>
  Promise.all(problems.map((p) => code.groundTruth(pool, p, { cacheDir }))),
);
const canonical = await phase('canonical', problems.length, () =>
  Promise.all(problems.map((p) => code.checkEvalplus(pool, p, code.referenceProgram(p), { cacheDir }))),
);
result.canonical_failures = problems
  .filter((_, i) => !canonical[i].passed)
  .map((p, i) => `${p.task_id}: ${canonical[i]?.detail}`);
const mixed = problems.flatMap((p) =>
  [
    code.referenceProgram(p),
    `${p.prompt}    return None\n`,
    `${code.referenceProgram(p)}\n_orig = ${p.entry_point}\ndef ${p.entry_point}(*a):\n    r = _orig(*a)\n    return r + 1 if type(r) is int else r\n`,
  ].map((program) => [p, program]),
);
await phase('mixed', mixed.length, () =>
  Promise.all(
    mixed.map(([p, program]) => code.checkEvalplus(pool, p, program, { cacheDir, stopAfterBaseFailure: true })),
  ),
);
await pool.close();
rmSync(cacheDir, { recursive: true, force: true });
console.log(JSON.stringify(result, null, 1));
