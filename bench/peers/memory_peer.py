"""transformers (+ peft) peer of bench/memory-worker.mjs: one configuration in its own process.

  memory_peer.py --model DIR --row row.json --mode sft|grpo --variant full|ckpt|lora+ckpt [--steps 1]
  memory_peer.py --config C.json --tokens 4096 --device cuda --dtype bfloat16 ...  (random weights and row)

Features: ckpt = model.gradient_checkpointing_enable() (non-reentrant, as TRL's default), lora = peft
LoRA r=16, alpha 32, all-linear. SFT is what TRL's SFTTrainer runs (model(ids, labels=...).loss);
the GRPO update is TRL's: logits of the completion only (logits_to_keep), selective_log_softmax,
the clipped surrogate with μ = 1, β = 0, loss_type dapo, advantage 1. Prints one JSON line.
"""
import argparse, json, resource, time, warnings

warnings.filterwarnings("ignore")
import torch
from transformers import AutoModelForCausalLM
from transformers.utils import logging

logging.set_verbosity_error()

p = argparse.ArgumentParser()
p.add_argument("--model")
p.add_argument("--config")
p.add_argument("--row")
p.add_argument("--tokens", type=int)
p.add_argument("--device", default="cpu")
p.add_argument("--dtype", default="float32")
p.add_argument("--mode", default="sft", choices=["sft", "grpo"])
p.add_argument("--variant", default="full")
p.add_argument("--steps", type=int, default=1)
p.add_argument("--lora-r", type=int, default=16)
a = p.parse_args()
features = {f for f in a.variant.split("+") if f != "full"}
unknown = features - {"ckpt", "lora"}
if unknown:
    raise SystemExit(f"--variant: transformers has no feature {sorted(unknown)} (chunked loss is kindling's)")

gb = lambda kb: round(kb / 2**20, 2)
dtype = getattr(torch, a.dtype)
if a.model:
    model = AutoModelForCausalLM.from_pretrained(a.model, torch_dtype=dtype, attn_implementation="sdpa")
else:
    from transformers import AutoConfig

    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(AutoConfig.for_model(**json.load(open(a.config))), torch_dtype=dtype, attn_implementation="sdpa")
model.to(a.device)
if a.row:
    row = json.load(open(a.row))
else:
    g = torch.Generator().manual_seed(1)
    row = {"ids": torch.randint(0, model.config.vocab_size, (a.tokens,), generator=g).tolist(), "prompt_len": round(a.tokens / 10)}
model.config.use_cache = False
if "ckpt" in features:
    model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
if "lora" in features:
    from peft import LoraConfig, get_peft_model

    model = get_peft_model(model, LoraConfig(r=a.lora_r, lora_alpha=2 * a.lora_r, lora_dropout=0.0, target_modules="all-linear"))
model.train()
load_rss = gb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
params = [q for q in model.parameters() if q.requires_grad]
opt = torch.optim.AdamW(params, lr=1e-5, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)

ids = torch.tensor([row["ids"]], device=a.device)
T, P = ids.shape[1], row["prompt_len"]
C = T - P


def sft_step():
    labels = ids.clone()
    labels[:, :P] = -100
    loss = model(input_ids=ids, labels=labels).loss
    loss.backward()
    return loss.item()


def grpo_step():
    from trl.trainer.utils import selective_log_softmax

    logits = model(input_ids=ids, logits_to_keep=C + 1).logits[:, :-1, :]
    lp = selective_log_softmax(logits, ids[:, P:])
    ratio = torch.exp(lp - lp.detach())
    adv = torch.ones(1, 1, device=a.device)
    per_token = -torch.min(ratio * adv, torch.clamp(ratio, 0.8, 1.2) * adv)
    loss = per_token.sum() / C
    loss.backward()
    return loss.item()


cpu_s = lambda: sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
times, cpu, loss = [], [], None
sync = torch.cuda.synchronize if a.device.startswith("cuda") else (lambda: None)
for _ in range(a.steps):
    sync()
    t0, c0 = time.perf_counter(), cpu_s()
    loss = grpo_step() if a.mode == "grpo" else sft_step()
    opt.step()
    opt.zero_grad(set_to_none=True)
    sync()
    times.append(time.perf_counter() - t0)
    cpu.append(cpu_s() - c0)

print(json.dumps({
    "engine": "transformers" + ("+peft" if "lora" in features else ""),
    "torch": torch.__version__,
    "threads": torch.get_num_threads(),
    "mode": a.mode,
    "variant": a.variant,
    "tokens": T,
    "loss_tokens": C,
    "trainable_params": sum(q.numel() for q in params),
    "loss": loss,
    "step_s": [round(t, 2) for t in times],
    "step_cpu_s": [round(t, 2) for t in cpu],
    "load_rss_gb": load_rss,
    "peak_rss_gb": gb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
    "device": a.device,
    "dtype": a.dtype,
    "tokens_per_s": round(T / times[-1], 1),
    **({"max_memory_allocated_gb": round(torch.cuda.max_memory_allocated() / 2**30, 2)} if a.device.startswith("cuda") else {}),
}))
