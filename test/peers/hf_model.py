"""Reference peer for the model tests: Hugging Face transformers itself.

  hf_model.py logits DIR '[[1,2,3],[4,5]]'        -> {"logits": [[[...V floats] per position] per sequence]}
  hf_model.py create CONFIG_JSON DIR SEED          -> writes a random model with save_pretrained (safetensors)
  hf_model.py batch < JOBS.json                    -> one Python start for many jobs (importing transformers is slow):
      [{"create": CONFIG, "dir": D, "seed": S} | {"logits": D, "seqs": [[...]]}, ...] -> [null | {"logits": ...}, ...]
"""
import json, sys, warnings

warnings.filterwarnings("ignore")
import torch
from transformers import AutoConfig, AutoModelForCausalLM


def compute_logits(folder, seqs):
    m = AutoModelForCausalLM.from_pretrained(folder, torch_dtype=torch.float32, attn_implementation="eager").eval()
    out = []
    with torch.no_grad():
        for s in seqs:
            out.append(m(torch.tensor([s])).logits[0].tolist())
    return {"logits": out}


def logits(folder, seqs):
    print(json.dumps(compute_logits(folder, seqs)))


def create(cfg_json, folder, seed):
    torch.manual_seed(int(seed))
    cfg = AutoConfig.for_model(**(json.loads(cfg_json) if isinstance(cfg_json, str) else cfg_json))
    m = AutoModelForCausalLM.from_config(cfg, torch_dtype=torch.float32)
    # Non-trivial norms and biases so that a loader bug in either cannot hide behind ones/zeros.
    with torch.no_grad():
        for n, p in m.named_parameters():
            if n.endswith("norm.weight"):
                p.copy_(1 + 0.1 * torch.randn_like(p))
            elif n.endswith(".bias"):
                p.copy_(0.05 * torch.randn_like(p))
    m.save_pretrained(folder, safe_serialization=True)


def batch():
    out = []
    for job in json.load(sys.stdin):
        if "create" in job:
            create(job["create"], job["dir"], job["seed"])
            out.append(None)
        else:
            out.append(compute_logits(job["logits"], job["seqs"]))
    print(json.dumps(out))


if __name__ == "__main__":
    {
        "logits": lambda: logits(sys.argv[2], json.loads(sys.argv[3])),
        "create": lambda: create(*sys.argv[2:5]),
        "batch": batch,
    }[sys.argv[1]]()
