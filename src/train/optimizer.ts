// AdamW over a model's parameters, with norm weights and biases excluded from weight decay when
// asked (transformers' Trainer does the same).
import type { CausalLM } from '../model/decoder.js';
import * as torch from '../torch/index.js';

export interface OptimizerSettings {
  learning_rate: number;
  weight_decay: number;
  no_decay_norms_and_biases: boolean;
  adam_beta1: number;
  adam_beta2: number;
  adam_epsilon: number;
}

export function isNoDecay(name: string): boolean {
  return name.endsWith('.bias') || name.endsWith('norm.weight');
}

export function makeOptimizer(model: CausalLM, s: OptimizerSettings): torch.optim.AdamW {
  const decay: torch.Tensor[] = [];
  const noDecay: torch.Tensor[] = [];
  for (const [name, p] of model.trainableParams())
    (s.no_decay_norms_and_biases && isNoDecay(name) ? noDecay : decay).push(p);
  const groups: torch.optim.ParamGroup[] = [{ params: decay, weightDecay: s.weight_decay }];
  if (noDecay.length) groups.push({ params: noDecay, weightDecay: 0 });
  return new torch.optim.AdamW(groups, {
    lr: s.learning_rate,
    betas: [s.adam_beta1, s.adam_beta2],
    eps: s.adam_epsilon,
    weightDecay: s.weight_decay,
  });
}
