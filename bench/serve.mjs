// `kindling serve` under load: N concurrent clients (closed loop: each sends its next request when
// the last one ends) send the same mix of streamed completions to a server with static batching
// (one generate() call per batch, run to the end) and to one with continuous batching (requests
// join the running decode loop between steps), in the same run. Per policy and N: throughput
// (generated tokens/s, requests/s), p50/p99 request latency, time to first token, and the server
// process's CPU time per generated token (less sensitive than wall time to other load on the machine).
// Both servers run at once (the idle one waits on its socket) and the policies alternate, `--reps`
// times per N, so drifting load on a shared machine hits both alike. JSON out.
//   node bench/serve.mjs [--model models/demo-base] [--clients 1,8,32] [--requests 4] [--reps 2] [--policies static,continuous] [--mix kinds,varied]
// --policies takes static, continuous and continuous+waitN (continuous with --admit-wait-steps N).
// --requests: requests per client per repetition (every client walks the same mix from its own offset).
// --mix (default kinds,varied; one or both). kinds: six fixed kinds of request, each with its own prompt, length and sampling
// options (ignore_eos), so every static batch holds identical requests: static batching's best case.
// --mix varied: every request its own prompt (4–100 words) and one of three sampling presets, up to
// 128 tokens ending where the model emits EOS, as a served model sees them. Drawn from the request's
// index and seed, so both policies generate the same tokens (batching never changes a request's output).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: v } = parseArgs({
  options: {
    model: { type: 'string', default: join(repo, 'models', 'demo-base') },
    clients: { type: 'string', default: '1,8,32' },
    requests: { type: 'string', default: '4' },
    reps: { type: 'string', default: '2' },
    policies: { type: 'string', default: 'static,continuous' },
    'max-batch': { type: 'string', default: '64' },
    mix: { type: 'string', default: 'kinds,varied' },
  },
});
const clientCounts = v.clients.split(',').map(Number);
const perClient = Number(v.requests);
const reps = Number(v.reps);
const policies = v.policies.split(',');

// The mix: short and long prompts, short and long answers, greedy and sampled. ignore_eos fixes each
// request's length, so both policies generate exactly the same tokens.
const words = 'the knight said that the knave always lies and the other one tells the truth'.split(' ');
const text = (n, from = 0) => Array.from({ length: n }, (_, i) => words[(from + i) % words.length]).join(' ');
const MIX = [
  { prompt: text(4), max_tokens: 16, temperature: 0 },
  { prompt: text(24), max_tokens: 64, temperature: 0.8, top_p: 0.95 },
  { prompt: text(8), max_tokens: 32, temperature: 1, top_k: 50 },
  { prompt: text(80), max_tokens: 96, temperature: 0.7 },
  { prompt: text(12), max_tokens: 24, temperature: 0 },
  { prompt: text(40), max_tokens: 48, temperature: 1, top_k: 50 },
];

/** Request i of the varied mix: its own prompt, one of three sampling presets (a hash of i). */
const PRESETS = [{ temperature: 0 }, { temperature: 0.7, top_p: 0.95 }, { temperature: 1, top_k: 50 }];
function varied(i) {
  const h = (k) => {
    let x = Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(k + 1, 0x85ebca77);
    x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d);
    return ((x ^ (x >>> 13)) >>> 0) / 2 ** 32;
  };
  return {
    prompt: text(4 + Math.floor(h(0) * 97), i),
    max_tokens: 128,
    ignore_eos: false,
    ...PRESETS[Math.floor(h(1) * 3)],
  };
}
const mixes = v.mix.split(',');
for (const m of mixes)
  if (!['kinds', 'varied'].includes(m)) throw new Error(`--mix takes kinds and/or varied, got '${m}'`);
const requestOf = (mix, i) => (mix === 'varied' ? varied(i) : MIX[i % MIX.length]);

function startServer(policy) {
  const child = spawn(
    process.execPath,
    [
      join(repo, 'bin', 'kindling.js'),
      'serve',
      '--model',
      v.model,
      '--port',
      '0',
      '--max-batch',
      v['max-batch'],
      '--batching',
      policy.split('+')[0],
      // `continuous+waitN`: continuous batching with --admit-wait-steps N (plain `continuous`: the default)
      ...(policy.includes('+wait') ? ['--admit-wait-steps', policy.split('+wait')[1]] : []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env } },
  );
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      stderr += d.toString();
      const m = /serving '.*' .* at (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(stderr);
      if (m) resolve({ url: m[1], child, name: '', stop: () => stop(child) });
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before serving:\n${stderr}`)));
  });
}

function stop(child) {
  return new Promise((r) => {
    child.removeAllListeners('exit');
    child.once('exit', r);
    child.kill('SIGTERM');
  });
}

/** One streamed request: latency to the last event, time to the first token, tokens generated. */
async function request(url, model, body) {
  const t0 = performance.now();
  const r = await fetch(`${url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, ignore_eos: true, ...body, stream: true, stream_options: { include_usage: true } }),
  });
  if (r.status !== 200) throw new Error(`HTTP ${r.status}: ${await r.text()}`);
  const decoder = new TextDecoder();
  let buf = '';
  let ttft = null;
  let tokens = 0;
  for await (const chunk of r.body) {
    buf += decoder.decode(chunk, { stream: true });
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const event = buf.slice(0, i);
      buf = buf.slice(i + 2);
      if (!event.startsWith('data: ') || event === 'data: [DONE]') continue;
      const d = JSON.parse(event.slice(6));
      if (ttft === null && d.choices?.some((c) => c.text)) ttft = performance.now() - t0;
      if (d.usage) tokens = d.usage.completion_tokens;
    }
  }
  const latency = performance.now() - t0;
  return { latency, ttft: ttft ?? latency, tokens };
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** CPU seconds (user + system) the process has used, from /proc (Linux). */
function cpuSeconds(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return Number.NaN;
  }
}

/** N closed-loop clients, perClient requests each; the raw per-request numbers. */
async function load(server, N, rep, mix = 'kinds') {
  const done = [];
  const cpu0 = cpuSeconds(server.child.pid);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: N }, async (_, c) => {
      for (let k = 0; k < perClient; k++) {
        const i = c + k * N; // every request index once; the mix cycles through it
        const body = { ...requestOf(mix, i), seed: 1000 + rep * 100_000 + i };
        done.push(await request(server.url, server.name, body));
      }
    }),
  );
  return { done, seconds: (performance.now() - t0) / 1000, cpu: cpuSeconds(server.child.pid) - cpu0 };
}

function summary(N, runs) {
  const done = runs.flatMap((r) => r.done);
  const seconds = runs.reduce((s, r) => s + r.seconds, 0);
  const cpu = runs.reduce((s, r) => s + r.cpu, 0);
  const tokens = done.reduce((s, d) => s + d.tokens, 0);
  return {
    clients: N,
    requests: done.length,
    tokens,
    seconds: round(seconds, 2),
    tokens_per_s: round(tokens / seconds),
    requests_per_s: round(done.length / seconds, 2),
    latency_ms: {
      p50: round(
        pct(
          done.map((d) => d.latency),
          50,
        ),
      ),
      p99: round(
        pct(
          done.map((d) => d.latency),
          99,
        ),
      ),
    },
    ttft_ms: {
      p50: round(
        pct(
          done.map((d) => d.ttft),
          50,
        ),
      ),
      p99: round(
        pct(
          done.map((d) => d.ttft),
          99,
        ),
      ),
    },
    server_cpu_ms_per_token: round((cpu * 1000) / tokens, 3),
  };
}

const servers = {};
try {
  for (const policy of policies) {
    const s = await startServer(policy);
    s.name = (await (await fetch(`${s.url}/v1/models`)).json()).data[0].id;
    servers[policy] = s;
    await load(s, 2, -1); // warm-up: first-call allocations, rope tables
  }
  const results = Object.fromEntries(policies.map((p) => [p, []]));
  const load0 = loadavg();
  for (const mix of mixes)
    for (const N of clientCounts) {
      const runs = Object.fromEntries(policies.map((p) => [p, []]));
      for (let rep = 0; rep < reps; rep++) {
        // alternate which policy goes first
        const order = rep % 2 === 0 ? policies : [...policies].reverse();
        for (const p of order) runs[p].push(await load(servers[p], N, rep, mix));
      }
      for (const p of policies) {
        const r = { mix, ...summary(N, runs[p]) };
        results[p].push(r);
        process.stderr.write(`${p} ${mix} N=${N}: ${JSON.stringify(r)}\n`);
      }
    }
  console.log(
    JSON.stringify(
      {
        bench: 'serve',
        model: v.model,
        mixes: Object.fromEntries(
          mixes.map((m) => [
            m,
            m === 'varied'
              ? { prompt_words: '4–100', max_tokens: 128, ignore_eos: false, presets: PRESETS }
              : MIX.map((x) => ({ prompt_words: x.prompt.split(' ').length, ...x, prompt: undefined })),
          ]),
        ),
        requests_per_client: perClient,
        reps,
        max_batch: Number(v['max-batch']),
        load_average: { before: load0.map((x) => round(x, 2)), after: loadavg().map((x) => round(x, 2)) },
        results,
      },
      null,
      2,
    ),
  );
} finally {
  for (const s of Object.values(servers)) await s.stop();
}
