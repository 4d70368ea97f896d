// Throughput of `kindling distill`: the symbolic teacher (traces/s over the Logic-RL train files),
// and the HTTP path against `kindling serve` (a randomly initialised model from a shared config)
// at several concurrencies, interleaved over rounds. Prints JSON.
//   node bench/distill.mjs [--symbolic-puzzles 4500] [--config s|m|path.json] [--puzzles 24] [--max-tokens 128]
//                          [--concurrency 1,8] [--rounds 2] [--ceiling]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(repo, '..', 'shared');
const { values: v } = parseArgs({
  options: {
    'symbolic-puzzles': { type: 'string', default: '4500' },
    config: { type: 'string', default: 's' },
    puzzles: { type: 'string', default: '24' },
    'max-tokens': { type: 'string', default: '128' },
    concurrency: { type: 'string', default: '1,8' },
    rounds: { type: 'string', default: '2' },
    // The builder's own ceiling: an in-process fake server (the tests' fault server) answering at once.
    ceiling: { type: 'boolean', default: false },
  },
});
const bin = join(repo, 'bin', 'kindling.js');
const tmp = mkdtempSync(join(tmpdir(), 'bench-distill-'));
const kk = (n) => join(shared, 'data', 'kk', 'logic-rl', `${n}ppl`, 'train.parquet');
const distill = (args, name) => {
  const summary = join(tmp, `${name}.json`);
  const t0 = performance.now();
  execFileSync(process.execPath, [bin, 'distill', ...args, '--out', join(tmp, `${name}.jsonl`), '--summary', summary], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { wall_s: (performance.now() - t0) / 1000, ...JSON.parse(readFileSync(summary, 'utf8')) };
};
const results = {};
try {
  // Symbolic: every size, 4 samples per puzzle (the paper's n).
  const s = distill(
    [
      '--teacher',
      'symbolic',
      ...[3, 4, 5, 6, 7].flatMap((n) => ['--puzzles', kk(n)]),
      '--limit',
      v['symbolic-puzzles'],
      '--samples-per-puzzle',
      '4',
    ],
    'symbolic',
  );
  results.symbolic = {
    traces: s.this_run.written,
    seconds: +s.this_run.seconds.toFixed(2),
    traces_per_s: +s.this_run.samples_per_second.toFixed(1),
    wall_s_with_startup: +s.wall_s.toFixed(2),
    mean_chars: s.completion_length.mean,
  };

  // HTTP: kindling serve over a random model, kindling distill at each concurrency.
  const model = join(tmp, 'model');
  execFileSync(
    process.execPath,
    [
      bin,
      'model',
      'init',
      '--config',
      v.config.endsWith('.json') ? resolve(v.config) : join(shared, 'bench', 'configs', `${v.config}.json`),
      '--out',
      model,
    ],
    { stdio: 'ignore' },
  );
  const serve = spawn(process.execPath, [bin, 'serve', '--model', model, '--port', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const url = await new Promise((ok, no) => {
    serve.stderr.on('data', (d) => {
      err += d;
      const m = /at (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(err);
      if (m) ok(m[1]);
    });
    serve.on('exit', () => no(new Error(err)));
  });
  try {
    // Warm-up (the worker's first forward passes), not measured.
    distill(
      [
        '--teacher',
        `openai:${url}`,
        '--puzzles',
        kk(3),
        '--limit',
        '2',
        '--samples-per-puzzle',
        '4',
        '--max-tokens',
        '8',
      ],
      'warmup',
    );
    const http = {};
    for (let r = 0; r < Number(v.rounds); r++)
      for (const c of v.concurrency.split(',')) {
        const x = distill(
          [
            '--teacher',
            `openai:${url}`,
            '--puzzles',
            kk(3),
            '--limit',
            v.puzzles,
            '--samples-per-puzzle',
            '4',
            '--max-tokens',
            v['max-tokens'],
            '--concurrency',
            c,
            '--seed',
            String(r),
            '--tokenizer',
            model,
          ],
          `http-c${c}-r${r}`,
        );
        http[`concurrency_${c}`] ??= [];
        http[`concurrency_${c}`].push({
          samples_per_s: +x.this_run.samples_per_second.toFixed(2),
          seconds: +x.this_run.seconds.toFixed(1),
          samples: x.this_run.written,
          mean_completion_tokens: x.completion_length.mean,
          failed: x.failed,
        });
      }
    results.http = {
      config: v.config,
      puzzles: Number(v.puzzles),
      samples_per_puzzle: 4,
      max_tokens: Number(v['max-tokens']),
      ...http,
    };
  } finally {
    serve.kill('SIGTERM');
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
if (v.ceiling) {
  const { startFaultServer } = await import(join(repo, 'dist', 'test', 'distill', 'fault-server.js'));
  const { answerer } = await import(join(repo, 'dist', 'test', 'distill', 'helpers.js'));
  const { DatasetBuilder, OpenAITeacher, loadPuzzles } = await import(join(repo, 'dist', 'src', 'distill', 'index.js'));
  const puzzles = await loadPuzzles([kk(3)], 500);
  const server = await startFaultServer({ answer: answerer(puzzles) });
  const dir = mkdtempSync(join(tmpdir(), 'bench-distill-ceiling-'));
  results.ceiling = {};
  try {
    for (let r = 0; r < Number(v.rounds); r++)
      for (const c of v.concurrency.split(',')) {
        const teacher = new OpenAITeacher({
          baseURL: server.url,
          model: 'fake',
          api: 'completions',
          temperature: 0.6,
          topP: 0.95,
          topK: 40,
          maxTokens: 8192,
          stop: ['</answer>'],
          requestTimeoutMs: 60_000,
        });
        const s = await new DatasetBuilder({
          puzzles,
          teacher,
          out: join(dir, `c${c}-r${r}.jsonl`),
          samplesPerPuzzle: 4,
          concurrency: Number(c),
        }).run();
        results.ceiling[`concurrency_${c}`] ??= [];
        results.ceiling[`concurrency_${c}`].push({
          requests_per_s: +(puzzles.length / s.this_run.seconds).toFixed(0),
          samples_per_s: +s.this_run.samples_per_second.toFixed(0),
        });
      }
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(JSON.stringify(results, null, 2));
