// Model folders in Hugging Face format: load, random init, save.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from '../torch/index.js';
import { isAdapterFolder, loadAdapter, resolveBaseModel } from './adapter-io.js';
import { configToJson, type ModelConfig, parseConfig, readConfig } from './config.js';
import { CausalLM, expectedParameterNames, parameterShape } from './decoder.js';
import { loadSafetensors, readHeader, saveWeights, weightFiles } from './safetensors.js';

export interface PlacementOptions {
  device?: string;
  /** Parameter dtype (default: float32 on CPU, the checkpoint's otherwise). */
  dtype?: torch.DType;
}

export interface LoadOptions extends PlacementOptions {
  /** For a PEFT adapter folder: its base model folder (default: the adapter's base_model_name_or_path). */
  base?: string | null;
  /**
   * For a PEFT adapter folder: 'merge' (default) adds it into the base weights and drops it (a plain
   * model, for inference and full fine-tuning); 'train' keeps it on the frozen base, trainable.
   */
  adapter?: 'merge' | 'train';
}

/**
 * Loads an HF model folder (config.json + safetensors), or a PEFT LoRA adapter folder
 * (adapter_config.json) on its base model, so every command that takes a model takes an adapter.
 */
export function loadModel(dir: string, o: LoadOptions = {}): CausalLM {
  if (!existsSync(dir)) throw new Error(`model folder ${dir} does not exist`);
  if (isAdapterFolder(dir)) {
    const model = loadModel(resolveBaseModel(dir, o.base), { device: o.device, dtype: o.dtype });
    for (const t of model.params.values()) t.requiresGrad_(false);
    const adapter = loadAdapter(model, dir);
    model.adapter = adapter;
    if (o.adapter === 'train') {
      for (const t of adapter.params.values()) t.requiresGrad_(true);
      return model;
    }
    model.mergeAdapter();
    model.adapter = null;
    adapter.dispose();
    for (const t of model.params.values()) t.requiresGrad_(true);
    return model;
  }
  const config = readConfig(join(dir, 'config.json'));
  const device = o.device ?? 'cpu';
  const expected = new Set(expectedParameterNames(config));
  const params = new Map<string, torch.Tensor>();
  const ignored: string[] = [];
  for (const file of weightFiles(dir)) {
    for (const name of readHeader(file).tensors.keys()) if (!expected.has(name)) ignored.push(name);
    const loaded = loadSafetensors(file, {
      select: (n) => expected.has(n),
      convert: (name, t) => {
        const want = parameterShape(config, name);
        if (t.shape.join() !== want.join())
          throw new Error(`${file}: tensor '${name}' has shape [${t.shape}] but config.json implies [${want}]`);
        const dtype = o.dtype ?? (device === 'cpu' ? 'float32' : t.dtype);
        return t.to({ device, dtype });
      },
    });
    for (const [n, t] of loaded) params.set(n, torch.keep(t));
  }
  // A tied checkpoint may still carry lm_head.weight (ignored: the embedding is used).
  const unexpected = ignored.filter(
    (n) => !(n === 'lm_head.weight' && config.tie_word_embeddings) && !n.endsWith('rotary_emb.inv_freq'),
  );
  if (unexpected.length)
    throw new Error(
      `${dir}: ${unexpected.length} tensor(s) not used by ${config.architecture}, e.g. '${unexpected[0]}' — wrong config.json?`,
    );
  for (const t of params.values()) t.requiresGrad_(true);
  return new CausalLM(config, params);
}

/** HF-style random init: Linear/Embedding weights ~ N(0, initializer_range), biases 0, norms 1. Seeded. */
export function initModel(
  configOrRaw: ModelConfig | Record<string, unknown>,
  o: PlacementOptions & { seed?: number } = {},
): CausalLM {
  const config = 'architecture' in configOrRaw ? (configOrRaw as ModelConfig) : parseConfig(configOrRaw);
  const g = new torch.Generator(o.seed ?? 0);
  const params = new Map<string, torch.Tensor>();
  const dtype = o.dtype ?? 'float32';
  torch.noGrad(() => {
    for (const name of expectedParameterNames(config)) {
      const shape = parameterShape(config, name);
      let t: torch.Tensor;
      if (name.endsWith('norm.weight')) t = torch.ones(shape);
      else if (name.endsWith('.bias')) t = torch.zeros(shape);
      else t = torch.zeros(shape).normal_(0, config.initializer_range, g);
      const placed = t.to({ device: o.device ?? 'cpu', dtype });
      if (placed !== t) t.dispose();
      params.set(name, torch.keep(placed.requiresGrad_(true)));
    }
  });
  return new CausalLM(config, params);
}

export interface SaveOptions {
  /** Weight dtype on disk (default: the model's). */
  dtype?: torch.DType;
  /** Something that writes tokenizer files into a folder (the kindling Tokenizer does). */
  tokenizer?: { save(dir: string): void };
  /** Extra generation_config.json fields. */
  generation?: Record<string, unknown>;
  maxShardBytes?: number;
}

/** Writes a folder transformers can load: config.json, safetensors weights, generation_config.json, tokenizer files. */
export function saveModel(model: CausalLM, dir: string, o: SaveOptions = {}): void {
  mkdirSync(dir, { recursive: true });
  const dtype = o.dtype ?? model.dtype;
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(configToJson(model.config, dtype), null, 2)}\n`);
  torch.noGrad(() =>
    torch.scope(() => {
      const out = new Map<string, torch.Tensor>();
      for (const [n, t] of model.params)
        out.set(n, t.dtype === dtype && t.device === 'cpu' ? t.detach() : t.detach().to({ device: 'cpu', dtype }));
      saveWeights(dir, out, o.maxShardBytes);
    }),
  );
  const gen: Record<string, unknown> = { _from_model_config: true };
  if (model.config.bos_token_id != null) gen.bos_token_id = model.config.bos_token_id;
  if (model.config.eos_token_id != null) gen.eos_token_id = model.config.eos_token_id;
  if (model.config.pad_token_id != null) gen.pad_token_id = model.config.pad_token_id;
  Object.assign(gen, o.generation ?? {});
  writeFileSync(join(dir, 'generation_config.json'), `${JSON.stringify(gen, null, 2)}\n`);
  o.tokenizer?.save(dir);
}

/** generation_config.json of a folder, or {}. */
export function readGenerationConfig(dir: string): Record<string, unknown> {
  const p = join(dir, 'generation_config.json');
  if (!existsSync(p)) return {};
  try {
    return JSON.parse(readFileSync(p, 'utf8'));
  } catch (e) {
    throw new Error(`${p}: not valid JSON (${(e as Error).message})`);
  }
}
