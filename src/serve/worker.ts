// The model worker thread: owns libtorch and the model. Two ways to run requests:
// - 'generate' (static batching): one generate() call per message, synchronous and long.
// - 'submit'/'cancel' (continuous batching): jobs join a DecodeSession between decode steps; the
//   loop yields to the event loop after every step, so new jobs and cancellations arrive meanwhile.
// Off the main thread, the HTTP server keeps accepting, validating and queueing requests.
import { parentPort, workerData } from 'node:worker_threads';
import {
  type Completion,
  DecodeSession,
  generate,
  type SessionOptions,
  type SessionRequest,
} from '../generate/index.js';
import { type CausalLM, loadModel, type PackedWeights, tokenizerFolder } from '../model/index.js';
import { loadTokenizer } from '../tokenizer/index.js';
import * as torch from '../torch/index.js';
import { admissionDue } from './admission.js';
import type {
  FromWorker,
  GenerateMessage,
  SubmitMessage,
  TopLogprob,
  ToWorker,
  WorkerCompletion,
  WorkerInit,
} from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('serve/worker.js runs as a worker thread (started by startServer)');
const post = (m: FromWorker) => port.postMessage(m);

const init = workerData as WorkerInit;
let model: CausalLM;
let tokenizer: ReturnType<typeof loadTokenizer>;
/** The weights prepacked once for every forward (CPU float32), or undefined. */
let packed: PackedWeights | undefined;
try {
  tokenizer = loadTokenizer(tokenizerFolder(init.modelDir, init.base), 'model');
  model = loadModel(init.modelDir, {
    device: init.device,
    base: init.base ?? null,
    ...(init.dtype ? { dtype: init.dtype as torch.DType } : {}),
  });
  for (const p of model.parameters()) p.requiresGrad_(false);
  // The weights never change here: prepack them once (generate()'s default rule) rather than on
  // every generate() call; every forward below is handed them.
  packed = (model.packsByDefault() ? model.packWeights(64) : null) ?? undefined;
  post({ type: 'ready', parameters: model.numParameters(), device: model.device, dtype: model.dtype });
} catch (e) {
  post({ type: 'fatal', message: e instanceof Error ? e.message : String(e) });
  process.exit(1);
}

/**
 * The `k` most likely tokens at each generated position, under the distribution the sampled
 * token's log-prob refers to (temperature-scaled unless greedy). One extra forward over
 * prompt + completion: generate() does not keep logits, and only requests asking for
 * alternatives pay for it.
 */
function topAlternatives(prompt: number[], completion: number[], k: number, temperature: number): TopLogprob[][] {
  if (k === 0 || completion.length === 0) return completion.map(() => []);
  return torch.noGrad(() =>
    torch.scope(() => {
      const ids = torch
        .tensor([...prompt, ...completion.slice(0, -1)], { dtype: 'int64', device: model.device })
        .unsqueeze(0);
      const h = model
        .hidden(ids, { packed })
        .select(0, 0)
        .narrow(0, prompt.length - 1, completion.length);
      let logits = model.logits(h, packed).float();
      if (temperature > 0 && temperature !== 1) logits = logits.div(temperature);
      const { values, indices } = logits.logSoftmax(-1).topk(Math.min(k, logits.shape[1]!), -1);
      const v = values.tolist() as number[][];
      const ix = indices.tolist() as number[][];
      return v.map((row, t) => row.map((logprob, j) => ({ id: ix[t]![j]!, logprob })));
    }),
  );
}

function toWorkerCompletion(
  c: Completion,
  prompt: number[],
  topLogprobs: number,
  temperature: number,
): WorkerCompletion {
  return {
    text: c.text,
    tokenIds: c.tokenIds,
    logprobs: c.logprobs,
    top: topAlternatives(prompt, c.tokenIds, topLogprobs, temperature),
    finishReason: c.finishReason,
    stopString: c.stopString,
  };
}

function runGenerate(m: GenerateMessage): void {
  const t0 = performance.now();
  try {
    const o = m.options;
    const out = generate(model, tokenizer, m.prompts, {
      ...(packed ? { packed } : {}),
      maxNewTokens: o.maxNewTokens,
      n: o.n,
      temperature: o.temperature,
      topP: o.topP,
      topK: o.topK,
      minP: o.minP,
      stop: o.stop,
      seeds: m.seeds,
      ...(o.eosTokenIds ? { eosTokenIds: o.eosTokenIds } : {}),
    });
    let generatedTokens = 0;
    const completions: WorkerCompletion[][] = out.map((samples, p) =>
      samples.map((c) => {
        generatedTokens += c.tokenIds.length;
        return toWorkerCompletion(c, m.prompts[p]!, m.topLogprobs[p] ?? 0, o.temperature);
      }),
    );
    post({ type: 'result', id: m.id, completions, ms: performance.now() - t0, generatedTokens });
  } catch (e) {
    post({ type: 'error', id: m.id, message: e instanceof Error ? e.message : String(e) });
  }
}

// ---- continuous batching
const maxRows = init.maxRows ?? 64;
const maxKvBytes = init.maxKvBytes ?? 2 ** 31;
// The session keeps spare row slots and room within these bounds, so newcomers usually join
// without the batch being copied.
const sessionOptions: SessionOptions = {
  maxRows,
  maxPositions: Math.floor(maxKvBytes / new DecodeSession(model, tokenizer).bytesPerPosition()),
  ...(packed ? { packed } : {}),
};
let session = new DecodeSession(model, tokenizer, sessionOptions);
/** Jobs not yet admitted, oldest first, with the decode step each arrived at. */
const waiting: (SubmitMessage & { arrivedAt: number })[] = [];
/** Running jobs: session handle → the job's message. */
const running = new Map<number, SubmitMessage>();
const handleOf = new Map<number, number>();
let looping = false;
let cancelledWaiting = 0;
/** Cancelled rows of sessions replaced after a failure. */
let cancelledRowsBefore = 0;
/** Running jobs whose first token is still to come. */
const firstPending = new Set<number>();

const sessionRequest = (m: SubmitMessage): SessionRequest => ({
  prompt: m.prompt,
  n: m.options.n,
  seed: m.seed,
  maxNewTokens: m.options.maxNewTokens,
  temperature: m.options.temperature,
  topP: m.options.topP,
  topK: m.options.topK,
  minP: m.options.minP,
  stop: m.options.stop,
  ...(m.options.eosTokenIds ? { eosTokenIds: m.options.eosTokenIds } : {}),
});

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Decode steps run so far (the clock newcomers' waits are counted in). */
let stepNo = 0;
/** Decode steps a newcomer may wait so that newcomers are prefilled together (see admission.ts). */
const admitWait = init.admitWaitSteps ?? 0;

function admitDue(): boolean {
  let waitingRows = 0;
  for (const m of waiting) waitingRows += m.options.n;
  const oldest = waiting[0];
  return admissionDue({
    liveRows: session.liveRows,
    waitingRows,
    oldestWaited: oldest ? stepNo - oldest.arrivedAt : 0,
    waitSteps: admitWait,
  });
}

/** Oldest first, while the rows and KV bytes fit; an idle session always takes the first job. */
function admit(): void {
  if (!admitDue()) return;
  const take: SubmitMessage[] = [];
  let rows = session.liveRows;
  while (waiting.length > 0) {
    const next = waiting[0]!;
    const reqs = [...take, next].map(sessionRequest);
    const fits =
      rows + next.options.n <= maxRows && session.positionsWith(reqs) * session.bytesPerPosition() <= maxKvBytes;
    if (!fits && (rows > 0 || take.length > 0)) break;
    take.push(waiting.shift()!);
    rows += next.options.n;
  }
  if (take.length === 0) return;
  let handles: number[];
  try {
    handles = session.add(take.map(sessionRequest));
  } catch (e) {
    for (const m of take) post({ type: 'jobError', id: m.id, message: message(e) });
    return;
  }
  handles.forEach((h, i) => {
    running.set(h, take[i]!);
    firstPending.add(h);
    handleOf.set(take[i]!.id, h);
  });
}

function failAll(e: unknown): void {
  for (const m of running.values()) post({ type: 'jobError', id: m.id, message: message(e) });
  running.clear();
  handleOf.clear();
  firstPending.clear();
  cancelledRowsBefore += session.cancelledRows;
  session.dispose();
  session = new DecodeSession(model, tokenizer, sessionOptions);
}

async function loop(): Promise<void> {
  if (looping) return;
  looping = true;
  try {
    while (waiting.length > 0 || session.cacheRows > 0) {
      admit();
      stepNo++;
      const tokens: [number, number, number][] = [];
      const first: number[] = [];
      let generated = 0;
      try {
        const r = session.step();
        generated = r.tokens.length;
        for (const t of r.tokens) {
          const m = running.get(t.handle);
          if (!m) continue;
          if (m.stream) tokens.push([m.id, t.sample, t.id]);
          if (firstPending.delete(t.handle)) first.push(m.id);
        }
        for (const f of r.finished) {
          const m = running.get(f.handle);
          running.delete(f.handle);
          if (!m) continue;
          handleOf.delete(m.id);
          try {
            const completions = f.completions.map((c) =>
              toWorkerCompletion(c, m.prompt, m.topLogprobs, m.options.temperature),
            );
            post({ type: 'done', id: m.id, completions });
          } catch (e) {
            post({ type: 'jobError', id: m.id, message: message(e) });
          }
        }
      } catch (e) {
        failAll(e);
      }
      post({
        type: 'step',
        tokens,
        first,
        generated,
        running: session.liveRows,
        waiting: waiting.length,
        cancelledRows: session.cancelledRows + cancelledRowsBefore,
        cancelledWaiting,
      });
      // Let queued messages (new jobs, cancellations) in before the next step.
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    looping = false;
  }
}

function submit(m: SubmitMessage): void {
  waiting.push({ ...m, arrivedAt: stepNo });
  void loop();
}

function cancel(id: number): void {
  const w = waiting.findIndex((m) => m.id === id);
  if (w >= 0) {
    waiting.splice(w, 1);
    cancelledWaiting++;
    return;
  }
  const h = handleOf.get(id);
  if (h === undefined) return;
  handleOf.delete(id);
  running.delete(h);
  firstPending.delete(h);
  session.cancel(h);
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'generate') runGenerate(m);
  else if (m.type === 'submit') submit(m);
  else if (m.type === 'cancel') cancel(m.id);
});
