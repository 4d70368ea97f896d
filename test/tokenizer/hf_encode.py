"""Reference side of hf-parity.test.ts: loads each tokenizer folder with Hugging Face `tokenizers`
(Tokenizer.from_file on tokenizer.json) and `transformers` (AutoTokenizer.from_pretrained on the
folder), encodes and decodes the texts, and prints the results as one JSON object.

stdin: {"folders": [dir, ...], "texts": [str, ...], "decode": {dir: [[id, ...], ...]}}
"""
import json
import sys

from tokenizers import Tokenizer
from transformers import AutoTokenizer


def main():
    req = json.load(sys.stdin)
    out = {}
    for d in req["folders"]:
        fast = Tokenizer.from_file(f"{d}/tokenizer.json")
        auto = AutoTokenizer.from_pretrained(d)
        ids = [e.ids for e in fast.encode_batch(req["texts"], add_special_tokens=False)]
        decode_ids = req["decode"].get(d, [])
        chat = None
        if auto.chat_template:
            chat = auto.apply_chat_template(
                [{"role": "user", "content": "hi"}], tokenize=False, add_generation_prompt=True
            )
        out[d] = {
            "tokenizers_ids": ids,
            "transformers_ids": [auto.encode(t, add_special_tokens=False) for t in req["texts"]],
            "decoded": [fast.decode(x, skip_special_tokens=False) for x in decode_ids],
            "decoded_skip": [fast.decode(x, skip_special_tokens=True) for x in decode_ids],
            "eos_token_id": auto.eos_token_id,
            "pad_token_id": auto.pad_token_id,
            "len": len(auto),
            "chat": chat,
        }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
