"""TRL's GRPOTrainer on CPU as the speed peer of kindling's GRPO step (bench/grpo.mjs).

  trl_grpo_bench.py --model DIR --prompts P --G G --max-completion L --steps S
prints {"engine": "trl", "s_per_step": ..., "steps": S} (median over steps after the first)."""
import argparse, json, statistics, time, warnings

warnings.filterwarnings("ignore")
import torch
from datasets import Dataset
from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback
from transformers.utils import logging
from trl import GRPOConfig, GRPOTrainer

logging.set_verbosity_error()
p = argparse.ArgumentParser()
p.add_argument("--model"); p.add_argument("--prompts", type=int, default=8); p.add_argument("--G", type=int, default=8)
p.add_argument("--max-completion", type=int, default=64); p.add_argument("--steps", type=int, default=4); p.add_argument("--out", default="/tmp/trl-grpo-bench")
a = p.parse_args()


def letters(completions, **kw):
    return [sum(c.isascii() and c.islower() for c in x) / max(1, len(x)) for x in completions]


class Timer(TrainerCallback):
    def __init__(self):
        self.t, self.times = None, []
    def on_step_begin(self, args, state, control, **kw):
        self.t = time.perf_counter()
    def on_step_end(self, args, state, control, **kw):
        self.times.append(time.perf_counter() - self.t)


tok = AutoTokenizer.from_pretrained(a.model)
if tok.pad_token is None:
    tok.pad_token = tok.eos_token
model = AutoModelForCausalLM.from_pretrained(a.model, torch_dtype=torch.float32)
data = Dataset.from_list([{"prompt": f"Q: say something {i}? A:"} for i in range(a.prompts * (a.steps + 1))])
cfg = GRPOConfig(
    output_dir=a.out, per_device_train_batch_size=a.prompts * a.G, gradient_accumulation_steps=1, num_generations=a.G,
    max_completion_length=a.max_completion, max_steps=a.steps + 1, learning_rate=1e-5, beta=0.0, loss_type="dapo",
    scale_rewards="none", temperature=0.7, top_p=0.95, top_k=50, logging_steps=1, report_to=[], save_strategy="no",
    use_cpu=True, bf16=False, dataloader_num_workers=0, seed=0,
)
timer = Timer()
trainer = GRPOTrainer(model=model, reward_funcs=letters, args=cfg, train_dataset=data, processing_class=tok, callbacks=[timer])
trainer.train()
print(json.dumps({"engine": "trl", "s_per_step": statistics.median(timer.times[1:]), "all": [round(t, 3) for t in timer.times]}))
