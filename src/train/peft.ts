// LoRA in the trainers: load the model to train (a fresh or a continued adapter on the frozen base
// when use_peft, else every weight) and save what was trained (a PEFT adapter folder, or an HF folder).
import { isAdapterFolder, resolveBaseModel, saveAdapter } from '../model/adapter-io.js';
import type { CausalLM } from '../model/decoder.js';
import { type LoadOptions, loadModel, saveModel } from '../model/load.js';
import { LoraAdapter } from '../model/lora.js';

export interface PeftSettings {
  use_peft: boolean;
  lora_r: number;
  lora_alpha: number;
  lora_dropout: number;
  lora_target_modules: string | string[];
  use_rslora: boolean;
  seed: number;
}

export interface Trainable {
  model: CausalLM;
  /** The HF folder under the adapter (what adapter folders written by this run name as their base). */
  baseModel: string;
}

/**
 * `dir` is an HF folder or a PEFT adapter folder. With use_peft an adapter in `dir` keeps training
 * (its own r/alpha/targets apply); a plain folder gets a fresh, seeded adapter. Without use_peft an
 * adapter is merged into its base and every weight trains.
 */
export function loadForTraining(dir: string, s: PeftSettings, o: LoadOptions, log: (s: string) => void): Trainable {
  const adapterDir = isAdapterFolder(dir);
  const baseModel = adapterDir ? resolveBaseModel(dir, o.base) : dir;
  if (!s.use_peft) return { model: loadModel(dir, o), baseModel };
  const model = loadModel(dir, { ...o, adapter: 'train' });
  if (model.adapter) {
    const a = model.adapter.settings;
    log(
      `lora: continuing the adapter in ${dir} (r=${a.r}, alpha=${a.lora_alpha}, ${model.adapter.modules.length} modules)`,
    );
  } else {
    for (const t of model.params.values()) t.requiresGrad_(false);
    model.adapter = LoraAdapter.init(
      model.config,
      {
        r: s.lora_r,
        lora_alpha: s.lora_alpha,
        lora_dropout: s.lora_dropout,
        target_modules: s.lora_target_modules,
        use_rslora: s.use_rslora,
      },
      { seed: s.seed, device: model.device },
    );
  }
  log(
    `lora: ${model.adapter!.numParameters().toLocaleString('en-US')} trainable parameters (${((100 * model.adapter!.numParameters()) / model.numBaseParameters()).toFixed(3)}% of the base's ${model.numBaseParameters().toLocaleString('en-US')})`,
  );
  return { model, baseModel };
}

/** A PEFT adapter folder when the model carries an adapter, else an HF model folder. */
export function saveTrained(t: Trainable, dir: string, o: { tokenizer?: { save(dir: string): void } } = {}): void {
  if (t.model.adapter) saveAdapter(t.model, dir, { baseModel: t.baseModel, tokenizer: o.tokenizer });
  else saveModel(t.model, dir, o);
}
