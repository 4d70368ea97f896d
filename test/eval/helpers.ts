// Shared by the eval and report tests: tiny random models (real CausalLM + byte-level tokenizer,
// saved as Hugging Face folders) and a small test-only Task with exact-match scoring.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { initModel, saveModel } from '../../src/model/index.js';
import type { TaskEntry } from '../../src/tasks/registry.js';
import type { Example, Reward, Score, Task } from '../../src/tasks/types.js';
import { byteLevelTokenizer } from '../../src/tokenizer/index.js';

export const TINY_CONFIG = {
  architectures: ['Qwen2ForCausalLM'],
  model_type: 'qwen2',
  hidden_size: 32,
  intermediate_size: 64,
  num_hidden_layers: 1,
  num_attention_heads: 2,
  num_key_value_heads: 1,
  vocab_size: 260,
  max_position_embeddings: 2048,
  tie_word_embeddings: true,
  initializer_range: 0.5,
};

/** A random tiny model in memory (as a trainer would hand it to periodicEval). */
export function tinySource(seed: number, config: Record<string, unknown> = TINY_CONFIG) {
  return { model: initModel(config, { seed }), tokenizer: byteLevelTokenizer() };
}

/** A random tiny model saved as a Hugging Face folder under `root`; returns the folder. */
export function tinyModelDir(
  root: string,
  name: string,
  seed: number,
  config: Record<string, unknown> = TINY_CONFIG,
): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const { model, tokenizer } = tinySource(seed, config);
  saveModel(model, dir, { tokenizer });
  for (const t of model.params.values()) t.dispose();
  return dir;
}

export interface ArithExample extends Example {
  a: number;
  b: number;
  op: '+' | '-';
  answer: string;
}

/** Sums and differences of small numbers; the answer is the first integer in the completion (exact match). */
export function arithmeticTask(count = 12): Task<ArithExample> {
  const rows: ArithExample[] = Array.from({ length: count }, (_, i) => {
    const a = (i * 7) % 10;
    const b = (i * 3 + 1) % 10;
    const op = i % 2 === 0 ? '+' : '-';
    return { id: `arith-${i}`, a, b, op, answer: String(op === '+' ? a + b : a - b) };
  });
  const first = (s: string) => /-?\d+/.exec(s)?.[0] ?? null;
  return {
    name: 'arith',
    splits: ['test'],
    evalStop: ['Question:', 'Assistant:', 'User:'],
    async load(_split, o) {
      return o?.limit !== undefined ? rows.slice(0, o.limit) : rows;
    },
    prompt: (e) => `Question: what is ${e.a} ${e.op} ${e.b}? Reply with the number.\nAnswer:`,
    reward(completion, e): Reward {
      return first(completion) === e.answer ? { score: 2, reason: 'correct' } : { score: -0.5, reason: 'wrong' };
    },
    score(completion, e): Score {
      const x = first(completion);
      return {
        correct: x === e.answer,
        extracted: x,
        reason: x === null ? 'no_number' : x === e.answer ? 'equal' : 'different',
      };
    },
  };
}

/** The arithmetic task as the registry would hand it to the harness (categories: + and −). */
export function arithmeticEntry(count = 12, overall: 'micro' | 'macro' = 'micro'): TaskEntry {
  const task = arithmeticTask(count);
  return {
    selector: 'arith',
    name: 'arith',
    domain: 'arith',
    task: task as unknown as Task,
    overall,
    load: () => task.load('test') as Promise<Example[]>,
    category: (e) => ((e as ArithExample).op === '+' ? 'sum' : 'difference'),
    gold: (e) => (e as ArithExample).answer,
  };
}
