"""Completion-only cross-entropy as transformers computes it (labels = -100 on prompt and padding).
stdin: {"model": DIR, "ids": [[...]], "loss": [[0/1 ...]]}  ->  {"loss": float}"""
import json, sys, warnings

warnings.filterwarnings("ignore")
import torch
from transformers import AutoModelForCausalLM

req = json.load(sys.stdin)
m = AutoModelForCausalLM.from_pretrained(req["model"], torch_dtype=torch.float32).eval()
L = max(len(r) for r in req["ids"])
ids = torch.tensor([r + [0] * (L - len(r)) for r in req["ids"]])
att = torch.tensor([[1] * len(r) + [0] * (L - len(r)) for r in req["ids"]])
labels = torch.tensor([[t if k else -100 for t, k in zip(r, m_)] + [-100] * (L - len(r)) for r, m_ in zip(req["ids"], req["loss"])])
with torch.no_grad():
    out = m(input_ids=ids, attention_mask=att, labels=labels)
print(json.dumps({"loss": out.loss.item()}))
