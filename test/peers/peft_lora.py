"""Reference peer for the LoRA tests: peft on transformers.

stdin: a list of jobs, one Python start for all of them ->  a list of results:
  {"create": ADAPTER_DIR, "base": DIR, "r": R, "alpha": A, "targets": [...], "seed": S}
      writes a peft adapter with random A and B (init_lora_weights=False) -> null
  {"logits": ADAPTER_DIR, "base": DIR, "seqs": [[...]]}      -> {"logits": [...]} (peft, unmerged)
  {"hf": MODEL_DIR, "seqs": [[...]]}                          -> {"logits": [...]} (a plain HF folder)
  {"grad": ADAPTER_DIR, "base": DIR, "ids": [[...]], "loss": [[0/1...]]}
      summed completion-token NLL / token count of one right-padded batch, and the gradient of every
      lora_A/lora_B under PEFT's saved key names -> {"loss": x, "grads": {key: flat list}}
"""
import json, sys, warnings

warnings.filterwarnings("ignore")
import torch
from peft import LoraConfig, PeftModel, get_peft_model
from transformers import AutoModelForCausalLM


def base_model(d):
    return AutoModelForCausalLM.from_pretrained(d, torch_dtype=torch.float32, attn_implementation="eager")


def create(job):
    torch.manual_seed(job["seed"])
    cfg = LoraConfig(r=job["r"], lora_alpha=job["alpha"], target_modules=job["targets"], lora_dropout=0.0,
                     init_lora_weights=False, task_type="CAUSAL_LM")
    m = get_peft_model(base_model(job["base"]), cfg)
    m.save_pretrained(job["create"])
    return None


def logits(job):
    m = PeftModel.from_pretrained(base_model(job["base"]), job["logits"]).eval()
    with torch.no_grad():
        return {"logits": [m(torch.tensor([s])).logits[0].tolist() for s in job["seqs"]]}


def hf_logits(job):
    m = base_model(job["hf"]).eval()
    with torch.no_grad():
        return {"logits": [m(torch.tensor([s])).logits[0].tolist() for s in job["seqs"]]}


def grad(job):
    m = PeftModel.from_pretrained(base_model(job["base"]), job["grad"], is_trainable=True)
    m.eval()  # dropout off; the adapters keep requires_grad
    ids, loss = job["ids"], job["loss"]
    L = max(len(r) for r in ids)
    inp = torch.tensor([r + [0] * (L - len(r)) for r in ids])
    att = torch.tensor([[1] * len(r) + [0] * (L - len(r)) for r in ids])
    out = m(input_ids=inp, attention_mask=att).logits[:, :-1].float()
    tgt = inp[:, 1:]
    msk = torch.tensor([[float(k) for k in r[1:]] + [0.0] * (L - len(r)) for r in loss])
    lp = out.log_softmax(-1).gather(-1, tgt.unsqueeze(-1)).squeeze(-1)
    total = -(lp * msk).sum() / msk.sum()
    total.backward()
    grads = {}
    for n, p in m.named_parameters():
        if p.requires_grad:
            grads[n.replace(".default.weight", ".weight")] = p.grad.flatten().tolist()
    return {"loss": total.item(), "grads": grads}


out = []
for job in json.load(sys.stdin):
    out.append(create(job) if "create" in job else logits(job) if "logits" in job else hf_logits(job) if "hf" in job else grad(job))
print(json.dumps(out))
