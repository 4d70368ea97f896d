"""Reference judge for the math differential test: Hugging Face math-verify, one batch process.

Reads JSONL rows {"id", "gold", "pred"} on stdin and writes one JSONL row per input on stdout:
{"id", "equivalent", "gold_parsed", "pred_parsed"}. The gold answer text is wrapped in \\boxed{}
(as the paper's evaluation does with MATH's reference answers) unless it already holds \\boxed or an
unescaped $.
Both sides use math-verify's defaults: parse() with LaTeX + plain-expression extraction, then
verify(gold, pred) with 6-place float rounding and its own 5 s time limits. A row may carry
"options" (math-verify's knobs): float_rounding, strict, allow_set_relation_comp (passed to verify)
and extraction (["latex", "expr"]: the extraction targets parse() uses on the prediction).
"""
import json
import re
import logging
import sys

from math_verify import ExprExtractionConfig, LatexExtractionConfig, parse, verify

logging.disable(logging.CRITICAL)


def wrap_gold(gold: str) -> str:
    # the same rule as kindling's extractGold: an escaped \$ (a dollar sign) is not a math delimiter
    return gold if ("\\boxed" in gold or re.search(r"(?<!\\)\$", gold)) else "\\boxed{" + gold + "}"


def main() -> None:
    out = sys.stdout
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        row = json.loads(line)
        opts = row.get("options") or {}
        g = parse(wrap_gold(row["gold"]))
        targets = opts.get("extraction")
        if targets:
            cfg = [LatexExtractionConfig() if t == "latex" else ExprExtractionConfig() for t in targets]
            p = parse(row["pred"], extraction_config=cfg)
        else:
            p = parse(row["pred"])
        kw = {k: opts[k] for k in ("float_rounding", "strict", "allow_set_relation_comp") if k in opts}
        try:
            eq = bool(verify(g, p, **kw))
        except Exception:  # math-verify returns False on its own errors; be as lenient
            eq = False
        out.write(json.dumps({"id": row["id"], "equivalent": eq, "gold_parsed": [str(x) for x in g], "pred_parsed": [str(x) for x in p]}) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
