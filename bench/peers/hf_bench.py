"""transformers peer for bench/model.mjs: a training step and model.generate on a config's shape.

  hf_bench.py train    --config C.json --batch 16 --seq 128 --steps 8
  hf_bench.py generate --config C.json --batch 16 --prompt-len 64 --new-tokens 64 --n 10 --reps 3
"""
import argparse, json, statistics, time, warnings

warnings.filterwarnings("ignore")
import torch
import torch.nn.functional as F
from transformers import AutoConfig, AutoModelForCausalLM
from transformers.utils import logging

logging.set_verbosity_error()


def model_for(path):
    cfg = AutoConfig.for_model(**json.load(open(path)))
    torch.manual_seed(0)
    return AutoModelForCausalLM.from_config(cfg, torch_dtype=torch.float32, attn_implementation="sdpa"), cfg


def train(a):
    m, cfg = model_for(a.config)
    m.train()
    opt = torch.optim.AdamW(m.parameters(), lr=1e-3, betas=(0.9, 0.95), weight_decay=0.1)
    times = []
    for step in range(a.steps + 1):
        ids = torch.randint(0, cfg.vocab_size, (a.batch, a.seq + 1))
        t0 = time.perf_counter()
        logits = m(ids[:, :-1]).logits
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), ids[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if step > 0:
            times.append((time.perf_counter() - t0) * 1000)
    ms = statistics.median(times)
    print(json.dumps({"mode": "train", "engine": "transformers", "ms_per_step": round(ms, 2), "tokens_per_s": round(a.batch * a.seq / ms * 1000, 1)}))


@torch.no_grad()
def generate(a):
    m, cfg = model_for(a.config)
    m.eval()
    runs = []
    for rep in range(a.reps + 1):
        ids = torch.randint(0, cfg.vocab_size, (a.batch, a.prompt_len))
        t0 = time.perf_counter()
        m.generate(ids, attention_mask=torch.ones_like(ids), do_sample=True, temperature=1.0, top_k=0, top_p=1.0,
                   max_new_tokens=a.new_tokens, min_new_tokens=a.new_tokens, num_return_sequences=a.n, pad_token_id=0)
        if rep > 0:
            runs.append((time.perf_counter() - t0) * 1000)
    ms = statistics.median(runs)
    rows = a.batch * a.n
    print(json.dumps({"mode": "generate", "engine": "transformers", "rows": rows, "ms_total": round(ms, 1), "tokens_per_s": round(rows * a.new_tokens / ms * 1000, 1)}))


p = argparse.ArgumentParser()
sub = p.add_subparsers(dest="mode", required=True)
t = sub.add_parser("train"); t.add_argument("--config"); t.add_argument("--batch", type=int, default=16); t.add_argument("--seq", type=int, default=128); t.add_argument("--steps", type=int, default=8)
g = sub.add_parser("generate"); g.add_argument("--config"); g.add_argument("--batch", type=int, default=16); g.add_argument("--prompt-len", type=int, default=64)
g.add_argument("--new-tokens", type=int, default=64); g.add_argument("--n", type=int, default=10); g.add_argument("--reps", type=int, default=3)
a = p.parse_args()
{"train": train, "generate": generate}[a.mode](a)
