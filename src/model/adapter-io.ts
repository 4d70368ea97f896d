// PEFT adapter folders: adapter_config.json (PEFT's LoraConfig fields) + adapter_model.safetensors
// (A/B under PEFT's keys), read and written so that peft's PeftModel.from_pretrained loads ours and
// we load its own.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import * as torch from '../torch/index.js';
import type { CausalLM } from './decoder.js';
import { LoraAdapter, type LoraSettings, loraKey, resolveTargets } from './lora.js';
import { loadSafetensors, saveSafetensors } from './safetensors.js';

export const ADAPTER_CONFIG = 'adapter_config.json';
export const ADAPTER_WEIGHTS = 'adapter_model.safetensors';

export interface AdapterConfig extends LoraSettings {
  base_model_name_or_path: string | null;
}

export function isAdapterFolder(dir: string): boolean {
  return existsSync(join(dir, ADAPTER_CONFIG));
}

/** Reads and checks adapter_config.json; what kindling cannot apply is refused with the field named. */
export function readAdapterConfig(dir: string): AdapterConfig {
  const path = join(dir, ADAPTER_CONFIG);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path}: cannot read adapter config (${(e as Error).message})`);
  }
  const fail = (field: string, why: string): never => {
    throw new Error(`${path}: field '${field}': ${why}`);
  };
  if (raw.peft_type !== 'LORA')
    fail('peft_type', `only LORA adapters are supported, got ${JSON.stringify(raw.peft_type)}`);
  const num = (f: string, ok: (v: number) => boolean, dflt?: number): number => {
    const v = raw[f] ?? dflt;
    if (typeof v !== 'number' || !ok(v)) fail(f, `expected a valid number, got ${JSON.stringify(v)}`);
    return v as number;
  };
  const r = num('r', (v) => Number.isInteger(v) && v > 0);
  const lora_alpha = num('lora_alpha', (v) => v > 0, 8);
  const lora_dropout = num('lora_dropout', (v) => v >= 0 && v < 1, 0);
  const tm = raw.target_modules;
  if (!(typeof tm === 'string' || (Array.isArray(tm) && tm.every((x) => typeof x === 'string'))))
    fail('target_modules', `expected a list of module names or a string, got ${JSON.stringify(tm)}`);
  // Features that change the maths; a silent ignore would give other outputs than peft's.
  if (raw.use_dora) fail('use_dora', 'DoRA is not supported');
  if ((raw.bias ?? 'none') !== 'none') fail('bias', `only 'none' is supported, got ${JSON.stringify(raw.bias)}`);
  if (raw.fan_in_fan_out) fail('fan_in_fan_out', 'only false is supported');
  if (raw.lora_bias) fail('lora_bias', 'only false is supported');
  if (Array.isArray(raw.modules_to_save) && raw.modules_to_save.length)
    fail('modules_to_save', 'full-weight modules in an adapter are not supported');
  for (const f of ['rank_pattern', 'alpha_pattern'])
    if (raw[f] && Object.keys(raw[f] as object).length) fail(f, 'per-module ranks/alphas are not supported');
  if (raw.layers_to_transform != null) fail('layers_to_transform', 'only null is supported');
  const base = raw.base_model_name_or_path;
  return {
    r,
    lora_alpha,
    lora_dropout,
    target_modules: tm as string | string[],
    use_rslora: raw.use_rslora === true,
    base_model_name_or_path: typeof base === 'string' ? base : null,
  };
}

/** The base model folder of an adapter: `explicit` (--base), else base_model_name_or_path as a local folder. */
export function resolveBaseModel(dir: string, explicit?: string | null): string {
  if (explicit) return explicit;
  const base = readAdapterConfig(dir).base_model_name_or_path;
  const tried = base ? (isAbsolute(base) ? [base] : [resolve(base), resolve(dir, base)]) : [];
  const found = tried.find((p) => existsSync(join(p, 'config.json')));
  if (found) return found;
  throw new Error(
    base
      ? `adapter ${dir}: its base model '${base}' (base_model_name_or_path) is not a local model folder; pass the base folder with --base`
      : `adapter ${dir}: adapter_config.json names no base_model_name_or_path; pass the base folder with --base`,
  );
}

/**
 * Where a model folder's tokenizer files are: the folder itself, or for an adapter folder without
 * them (peft saves none unless asked) its base model folder.
 */
export function tokenizerFolder(dir: string, base?: string | null): string {
  const has = existsSync(join(dir, 'tokenizer.json')) || existsSync(join(dir, 'vocab.json'));
  return has || !isAdapterFolder(dir) ? dir : resolveBaseModel(dir, base);
}

/** Loads an adapter folder's A/B matrices (float32, on the model's device) for `model`'s config. */
export function loadAdapter(model: CausalLM, dir: string): LoraAdapter {
  const cfg = readAdapterConfig(dir);
  const file = join(dir, ADAPTER_WEIGHTS);
  if (!existsSync(file)) throw new Error(`adapter ${dir}: ${ADAPTER_WEIGHTS} is missing`);
  const modules = resolveTargets(
    model.config,
    cfg.target_modules,
    `${join(dir, ADAPTER_CONFIG)}: field 'target_modules'`,
  );
  const wanted = new Set(modules.flatMap((m) => [loraKey(m, 'A'), loraKey(m, 'B')]));
  const device = model.device;
  const tensors = loadSafetensors(file, {
    // peft ≤ 0.6 and some tools keep the adapter name in the key ('lora_A.default.weight').
    convert: (_n, t) => t.to({ device, dtype: 'float32' }),
  });
  const params = new Map<string, torch.Tensor>();
  for (const [name, t] of tensors) {
    const key = name.replace(/\.lora_([AB])\.default\.weight$/, '.lora_$1.weight');
    if (!wanted.has(key)) {
      for (const x of tensors.values()) x.dispose();
      throw new Error(`${file}: tensor '${name}' belongs to no module that target_modules selects`);
    }
    params.set(key, torch.keep(t));
  }
  for (const m of modules) {
    const a = params.get(loraKey(m, 'A'));
    const b = params.get(loraKey(m, 'B'));
    if (!a || !b) throw new Error(`${file}: '${loraKey(m, a ? 'B' : 'A')}' is missing`);
    const w = model.p(`${m}.weight`).shape;
    if (a.shape.join() !== `${cfg.r},${w[1]}` || b.shape.join() !== `${w[0]},${cfg.r}`)
      throw new Error(
        `${file}: '${m}' has A [${a.shape}] and B [${b.shape}], expected [${cfg.r},${w[1]}] and [${w[0]},${cfg.r}] (r = ${cfg.r})`,
      );
  }
  return new LoraAdapter(cfg, modules, params);
}

/** Writes `model.adapter` as a PEFT adapter folder (plus the tokenizer files when given). */
export function saveAdapter(
  model: CausalLM,
  dir: string,
  o: { baseModel: string; tokenizer?: { save(dir: string): void } },
): void {
  const ad = model.adapter;
  if (!ad) throw new Error('saveAdapter: the model has no adapter');
  mkdirSync(dir, { recursive: true });
  const s = ad.settings;
  const config = {
    peft_type: 'LORA',
    task_type: 'CAUSAL_LM',
    base_model_name_or_path: resolve(o.baseModel),
    r: s.r,
    lora_alpha: s.lora_alpha,
    lora_dropout: s.lora_dropout,
    // The short names (PEFT matches them as suffixes), or the regex as given.
    target_modules:
      typeof s.target_modules === 'string' && s.target_modules.toLowerCase() !== 'all-linear'
        ? s.target_modules
        : [...new Set(ad.modules.map((m) => m.slice(m.lastIndexOf('.') + 1)))],
    use_rslora: s.use_rslora,
    bias: 'none',
    fan_in_fan_out: false,
    inference_mode: true,
    init_lora_weights: true,
    modules_to_save: null,
    use_dora: false,
    rank_pattern: {},
    alpha_pattern: {},
    layers_to_transform: null,
    layers_pattern: null,
    revision: null,
  };
  writeFileSync(join(dir, ADAPTER_CONFIG), `${JSON.stringify(config, null, 2)}\n`);
  torch.noGrad(() =>
    torch.scope(() => {
      const out = new Map<string, torch.Tensor>();
      for (const [n, t] of ad.params) out.set(n, t.detach().to({ device: 'cpu' }).contiguous());
      saveSafetensors(join(dir, ADAPTER_WEIGHTS), out, { format: 'pt' });
    }),
  );
  o.tokenizer?.save(dir);
}
