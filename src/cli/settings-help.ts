// --help text for the settings blocks that several trainers share (their config fields live in
// src/train/common-config.ts), written once so every trainer's help says the same.
export const LORA_SETTINGS_HELP = `LoRA (TRL/PEFT names; checkpoints and model/ are then PEFT adapter folders):
  use_peft (false) lora_r (16) lora_alpha (32) lora_dropout (0.05) use_rslora (false)
  lora_target_modules (all-linear | a list such as [q_proj, v_proj] | a regex)`;

export const MEMORY_SETTINGS_HELP = `Memory (same loss and gradients, less held for backward):
  gradient_checkpointing (false) chunked_loss (false) loss_chunk_size (null = ~128 M logits per chunk)`;
