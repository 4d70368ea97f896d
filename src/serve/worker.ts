// The model worker thread: owns libtorch and the model, runs one generate() call per message.
// Generation is synchronous and long; off the main thread, the HTTP server keeps accepting,
// validating and queueing requests (which is what lets concurrent requests be batched).
import { parentPort, workerData } from 'node:worker_threads';
import { generate } from '../generate/index.js';
import { type CausalLM, loadModel } from '../model/index.js';
import { loadTokenizer } from '../tokenizer/index.js';
import * as torch from '../torch/index.js';
import type { FromWorker, GenerateMessage, TopLogprob, WorkerCompletion, WorkerInit } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('serve/worker.js runs as a worker thread (started by startServer)');
const post = (m: FromWorker) => port.postMessage(m);

const init = workerData as WorkerInit;
let model: CausalLM;
let tokenizer: ReturnType<typeof loadTokenizer>;
try {
  tokenizer = loadTokenizer(init.modelDir);
  model = loadModel(init.modelDir, {
    device: init.device,
    ...(init.dtype ? { dtype: init.dtype as torch.DType } : {}),
  });
  for (const p of model.parameters()) p.requiresGrad_(false);
  // The weights never change here: prepack them once (generate()'s default rule) rather than on
  // every generate() call.
  if (model.packsByDefault()) model.packForInference(64);
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
        .hidden(ids)
        .select(0, 0)
        .narrow(0, prompt.length - 1, completion.length);
      let logits = model.logits(h).float();
      if (temperature > 0 && temperature !== 1) logits = logits.div(temperature);
      const { values, indices } = logits.logSoftmax(-1).topk(Math.min(k, logits.shape[1]!), -1);
      const v = values.tolist() as number[][];
      const ix = indices.tolist() as number[][];
      return v.map((row, t) => row.map((logprob, j) => ({ id: ix[t]![j]!, logprob })));
    }),
  );
}

port.on('message', (m: GenerateMessage) => {
  if (m.type !== 'generate') return;
  const t0 = performance.now();
  try {
    const o = m.options;
    const out = generate(model, tokenizer, m.prompts, {
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
        return {
          text: c.text,
          tokenIds: c.tokenIds,
          logprobs: c.logprobs,
          top: topAlternatives(m.prompts[p]!, c.tokenIds, m.topLogprobs[p] ?? 0, o.temperature),
          finishReason: c.finishReason,
          stopString: c.stopString,
        };
      }),
    );
    post({ type: 'result', id: m.id, completions, ms: performance.now() - t0, generatedTokens });
  } catch (e) {
    post({ type: 'error', id: m.id, message: e instanceof Error ? e.message : String(e) });
  }
});
