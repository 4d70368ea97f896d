// Peak memory and step time of one SFT step and one GRPO update (forward + backward + AdamW,
// batch 1) at a real model's shape, kindling against transformers (+ peft) in the same run. Each
// configuration runs in its own process (bench/memory-worker.mjs, bench/peers/memory_peer.py), so
// its peak RSS (getrusage maxrss) is its own; the engines alternate per (mode, tokens).
//   node bench/memory.mjs [--config ../shared/bench/configs/qwen2.5-0.5b.json] [--tokens 2048,4096,16384]
//     [--modes sft,grpo] [--variants full,ckpt,ckpt+chunk,lora+ckpt+chunk] [--engines kindling,transformers]
//     [--steps 1] [--loss-chunk N] [--max-rss-gb 21] [--out bench/results/memory-….json]
// Variants are '+'-joined: ckpt (gradient checkpointing), chunk (kindling's chunked LM-head loss),
// lora (r=16 all-linear). transformers runs the variants without 'chunk' (it has no chunked loss;
// `ckpt+chunk` maps to its `ckpt`, `lora+ckpt+chunk` to peft + `ckpt`).
// The weights are one random initialisation (`kindling model init`, cached under --work) that both
// engines load, so their losses must agree. The row is real text in the real tokenizer (a repeated
// design document), 10 % prompt and 90 % completion (the loss tokens).
// A child whose RSS passes --max-rss-gb is killed and reported as not fitting (this machine is shared).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const shared = resolve(repo, '..', 'shared');
const { values: o } = parseArgs({
  options: {
    config: { type: 'string', default: join(shared, 'bench/configs/qwen2.5-0.5b.json') },
    tokenizer: { type: 'string', default: join(shared, 'data/tokenizers/qwen2.5') },
    tokens: { type: 'string', default: '2048,4096,16384' },
    modes: { type: 'string', default: 'sft,grpo' },
    variants: { type: 'string', default: 'full,ckpt,ckpt+chunk,lora+ckpt+chunk' },
    engines: { type: 'string', default: 'kindling,transformers' },
    steps: { type: 'string', default: '1' },
    'loss-chunk': { type: 'string' },
    'max-rss-gb': { type: 'string', default: '21' },
    work: { type: 'string', default: '/tmp/kindling-bench-memory' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (o.help) {
  console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\nimport')[0]);
  process.exit(0);
}
const python = existsSync(join(repo, '.venv/bin/python')) ? join(repo, '.venv/bin/python') : 'python3';
const env = { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' };
const maxRssKb = Number(o['max-rss-gb']) * 2 ** 20;

// ---- the weights (once per config) and the rows (once per token count)
const shape = JSON.parse(readFileSync(o.config, 'utf8'));
const modelDir = join(
  o.work,
  `${o.config
    .split('/')
    .pop()
    .replace(/\.json$/, '')}-seed0`,
);
mkdirSync(o.work, { recursive: true });
if (!existsSync(join(modelDir, 'model.safetensors'))) {
  process.stderr.write(`memory: initialising ${modelDir}\n`);
  execFileSync(
    process.execPath,
    [
      join(repo, 'bin/kindling.js'),
      'model',
      'init',
      '--config',
      o.config,
      '--tokenizer',
      o.tokenizer,
      '--out',
      modelDir,
      '--force',
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
}
const { loadTokenizer } = await import(join(repo, 'dist/src/tokenizer/load.js'));
const text = ['design/PAPER.md', 'design/ARCHITECTURE.md']
  .map((f) => readFileSync(join(shared, f), 'utf8'))
  .join('\n\n');
const textIds = loadTokenizer(o.tokenizer).encode(text, { addSpecialTokens: false });
const rowFile = (T) => {
  const f = join(o.work, `row-${T}.json`);
  const ids = Array.from({ length: T }, (_, i) => textIds[i % textIds.length]);
  writeFileSync(f, JSON.stringify({ ids, prompt_len: Math.round(T / 10) }));
  return f;
};

// ---- one configuration in a child, its RSS watched
function runChild(cmd, args) {
  return new Promise((done) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killedAtKb = 0;
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const watch = setInterval(() => {
      try {
        const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
        if (kb > maxRssKb && !killedAtKb) {
          killedAtKb = kb;
          child.kill('SIGKILL');
        }
      } catch {
        // /proc/PID is gone: the child has exited and 'close' reports it
      }
    }, 200);
    child.on('close', (code) => {
      clearInterval(watch);
      if (killedAtKb)
        return done({
          fits: false,
          note: `killed at ${(killedAtKb / 2 ** 20).toFixed(1)} GB RSS (> --max-rss-gb ${o['max-rss-gb']})`,
        });
      const line = out.trim().split('\n').pop();
      if (code !== 0 || !line)
        return done({ fits: false, error: `exit ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}` });
      done({ fits: true, ...JSON.parse(line) });
    });
  });
}

const peerVariant = (v) => {
  const f = v.split('+').filter((x) => x !== 'chunk');
  return f.length ? f.join('+') : 'full';
};
const results = [];
for (const mode of o.modes.split(','))
  for (const T of o.tokens.split(',').map(Number)) {
    const row = rowFile(T);
    const ran = new Set();
    for (const variant of o.variants.split(','))
      for (const engine of o.engines.split(',')) {
        const v = engine === 'kindling' ? variant : peerVariant(variant);
        if (ran.has(`${engine}/${v}`)) continue;
        ran.add(`${engine}/${v}`);
        const common = ['--model', modelDir, '--row', row, '--mode', mode, '--variant', v, '--steps', o.steps];
        const load = loadavg()[0];
        const r =
          engine === 'kindling'
            ? await runChild(process.execPath, [
                join(repo, 'bench/memory-worker.mjs'),
                ...common,
                ...(o['loss-chunk'] ? ['--loss-chunk', o['loss-chunk']] : []),
              ])
            : await runChild(python, [join(repo, 'bench/peers/memory_peer.py'), ...common]);
        const res = { engine, mode, tokens: T, variant: v, load_avg_1m: +load.toFixed(2), ...r };
        process.stderr.write(`${JSON.stringify(res)}\n`);
        results.push(res);
      }
  }

// ---- kindling over transformers for matching rows (same mode, tokens and peer variant)
const ratios = [];
for (const k of results.filter((r) => r.engine === 'kindling' && r.fits)) {
  const p = results.find(
    (r) =>
      r.engine !== 'kindling' &&
      r.fits &&
      r.mode === k.mode &&
      r.tokens === k.tokens &&
      r.variant === peerVariant(k.variant),
  );
  if (!p) continue;
  ratios.push({
    mode: k.mode,
    tokens: k.tokens,
    kindling: k.variant,
    peer: `${p.engine} ${p.variant}`,
    peak_over_peer: +(k.peak_rss_gb / p.peak_rss_gb).toFixed(3),
    time_over_peer: +(k.step_s.at(-1) / p.step_s.at(-1)).toFixed(3),
    cpu_time_over_peer: +(k.step_cpu_s.at(-1) / p.step_cpu_s.at(-1)).toFixed(3),
    loss_diff: Math.abs(k.loss - p.loss),
  });
}
const report = {
  bench: 'memory',
  config: o.config.split('/').pop(),
  hidden_size: shape.hidden_size,
  layers: shape.num_hidden_layers,
  vocab_size: shape.vocab_size,
  date: new Date().toISOString(),
  cpus: (await import('node:os')).cpus().length,
  results,
  ratios,
};
const json = JSON.stringify(report, null, 2);
if (o.out) writeFileSync(o.out, `${json}\n`);
console.log(json);
