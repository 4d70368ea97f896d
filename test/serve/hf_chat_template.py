# Reference for chat-template rendering: transformers' own apply_chat_template.
# stdin: {"dir": tokenizer folder, "cases": [{"messages": [...], "add_generation_prompt": bool}]}
# stdout: a JSON list of rendered strings.
import json
import sys

from transformers import AutoTokenizer

req = json.load(sys.stdin)
tok = AutoTokenizer.from_pretrained(req["dir"])
out = [
    tok.apply_chat_template(c["messages"], tokenize=False, add_generation_prompt=c["add_generation_prompt"])
    for c in req["cases"]
]
json.dump(out, sys.stdout)
