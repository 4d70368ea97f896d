// `kindling model merge`: a PEFT adapter folder and its base → one Hugging Face folder with the
// adapter added into the weights (PEFT's merge_and_unload), loadable by anything that reads HF folders.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as torch from '../torch/index.js';
import { isAdapterFolder, resolveBaseModel } from './adapter-io.js';
import { loadModel, readGenerationConfig, saveModel } from './load.js';
import { readHeader, weightFiles } from './safetensors.js';

export interface MergeOptions {
  /** The base model folder (default: the adapter's base_model_name_or_path). */
  base?: string | null;
  /** Weight dtype on disk (default: the base's). */
  dtype?: torch.DType;
  /** Overwrite a folder that already holds a model. */
  force?: boolean;
  /** Writes the tokenizer files (the adapter folder's tokenizer, or the base's). */
  tokenizer?: { save(dir: string): void };
}

export interface MergeResult {
  base: string;
  dtype: torch.DType;
}

export function mergeAdapterFolder(adapterDir: string, outDir: string, o: MergeOptions = {}): MergeResult {
  if (!isAdapterFolder(adapterDir))
    throw new Error(`${adapterDir} is not a PEFT adapter folder (no adapter_config.json)`);
  if (existsSync(join(outDir, 'config.json')) && !o.force)
    throw new Error(`${outDir} already holds a model (config.json); pass --force to overwrite it`);
  const base = resolveBaseModel(adapterDir, o.base);
  // The base's storage dtype: a bf16 checkpoint stays bf16 (the delta is added in float32 first).
  const dtype = o.dtype ?? [...readHeader(weightFiles(base)[0]!).tensors.values()][0]?.dtype ?? 'float32';
  const model = loadModel(adapterDir, { base }); // merges: base + s·B·A in float32
  const { _from_model_config: _, ...generation } = readGenerationConfig(base);
  saveModel(model, outDir, { dtype, generation, ...(o.tokenizer ? { tokenizer: o.tokenizer } : {}) });
  for (const t of model.params.values()) t.dispose();
  return { base, dtype };
}
