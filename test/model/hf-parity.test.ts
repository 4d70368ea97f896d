// Logits of model folders written by kindling match Hugging Face transformers, and folders written
// by transformers load in kindling with the same logits.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initModel, loadModel, saveModel } from '../../src/model/index.js';
import * as torch from '../../src/torch/index.js';
import { runPeer } from '../peers.js';

const tmp = mkdtempSync(join(tmpdir(), 'kindling-hf-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const SEQS = [
  [1, 5, 9, 300, 17, 2, 2, 42],
  [7, 3],
];

const CONFIGS: Record<string, Record<string, unknown>> = {
  'Qwen2 (q/k/v bias, GQA, tied embeddings)': {
    architectures: ['Qwen2ForCausalLM'],
    model_type: 'qwen2',
    hidden_size: 64,
    intermediate_size: 96,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    vocab_size: 320,
    max_position_embeddings: 128,
    rms_norm_eps: 1e-6,
    rope_theta: 10000,
    tie_word_embeddings: true,
  },
  'Llama (no bias, untied, llama3 rope scaling)': {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: 64,
    intermediate_size: 128,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 4,
    vocab_size: 320,
    max_position_embeddings: 256,
    rms_norm_eps: 1e-5,
    rope_theta: 500000,
    tie_word_embeddings: false,
    attention_bias: false,
    rope_scaling: {
      rope_type: 'llama3',
      factor: 8,
      low_freq_factor: 1,
      high_freq_factor: 4,
      original_max_position_embeddings: 64,
    },
  },
  'Qwen3 (q/k norm, explicit head_dim)': {
    architectures: ['Qwen3ForCausalLM'],
    model_type: 'qwen3',
    hidden_size: 64,
    intermediate_size: 96,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    num_key_value_heads: 2,
    head_dim: 32,
    vocab_size: 320,
    max_position_embeddings: 128,
    rms_norm_eps: 1e-6,
    rope_theta: 1000000,
    tie_word_embeddings: true,
    attention_bias: false,
  },
};

function assertLogitsClose(ours: number[][][], theirs: number[][][], what: string) {
  assert.equal(ours.length, theirs.length);
  let worst = 0;
  for (let s = 0; s < ours.length; s++)
    for (let t = 0; t < ours[s]!.length; t++)
      for (let v = 0; v < ours[s]![t]!.length; v++) {
        const a = ours[s]![t]![v]!;
        const b = theirs[s]![t]![v]!;
        worst = Math.max(worst, Math.abs(a - b) / (1e-3 + Math.abs(b)));
        assert.ok(
          Math.abs(a - b) <= 1e-4 * Math.abs(b) + 1e-5,
          `${what}: seq ${s} pos ${t} id ${v}: kindling ${a}, transformers ${b}`,
        );
      }
  return worst;
}

function ourLogits(dir: string): number[][][] {
  const m = loadModel(dir);
  return torch.noGrad(() =>
    SEQS.map((s) =>
      torch.scope(
        () =>
          m
            .forward(torch.tensor([s], { dtype: 'int64' }))
            .select(0, 0)
            .tolist() as number[][],
      ),
    ),
  );
}

describe('model folders match Hugging Face transformers', () => {
  // kindling writes one folder per config; transformers writes another; one Python process then
  // creates its folders and computes the logits of all of them.
  const theirs = new Map<string, number[][][]>();
  before(() => {
    const jobs: Record<string, unknown>[] = [];
    for (const raw of Object.values(CONFIGS)) {
      const dir = join(tmp, `k-${raw.model_type}`);
      const model = initModel(raw, { seed: 3 });
      // non-trivial norms/biases: a swapped or dropped tensor must change the logits
      torch.noGrad(() => {
        const g = new torch.Generator(9);
        for (const [n, p] of model.params) {
          if (n.endsWith('norm.weight')) p.add_(torch.randn(p.shape, { generator: g }).mul(0.1));
          if (n.endsWith('.bias')) p.add_(torch.randn(p.shape, { generator: g }).mul(0.05));
        }
      });
      saveModel(model, dir);
      jobs.push({ create: raw, dir: join(tmp, `hf-${raw.model_type}`), seed: 5 });
    }
    for (const raw of Object.values(CONFIGS))
      for (const who of ['k', 'hf']) jobs.push({ logits: join(tmp, `${who}-${raw.model_type}`), seqs: SEQS });
    const answers = JSON.parse(runPeer('hf_model.py', ['batch'], JSON.stringify(jobs))) as ({
      logits: number[][][];
    } | null)[];
    jobs.forEach((j, i) => {
      if (j.logits) theirs.set(j.logits as string, answers[i]!.logits);
    });
  });

  for (const [name, raw] of Object.entries(CONFIGS)) {
    it(`${name}: kindling writes, transformers reads the same logits`, () => {
      const dir = join(tmp, `k-${raw.model_type}`);
      assertLogitsClose(ourLogits(dir), theirs.get(dir)!, name);
    });

    it(`${name}: transformers writes, kindling reads the same logits`, () => {
      const dir = join(tmp, `hf-${raw.model_type}`);
      assertLogitsClose(ourLogits(dir), theirs.get(dir)!, name);
    });
  }
});
