"""Judge samples with evalplus's own evaluator (the reference for the code sandbox's differential test).

stdin: JSONL rows {id, task_id, prompt, entry_point, canonical_solution, base_input, plus_input, atol, solution}
stdout: one JSON object {id: {"base_status": ..., "plus_status": ...}}

Expected outputs are computed as evalplus.evaluate.get_groundtruth does (trusted_exec of
prompt + canonical_solution, timed); each sample then goes through evalplus.evaluate.check_correctness
(dataset "humaneval", so HumanEval's special oracle applies) with fast_check on, the per-input
limit max(min_time_limit, 4 x reference time) and min_time_limit from argv[1] (default 4 s).
"""
import contextlib
import json
import sys
from concurrent.futures import ThreadPoolExecutor

from evalplus.evaluate import check_correctness
from evalplus.gen.util import trusted_exec


def main():
    min_time_limit = float(sys.argv[1]) if len(sys.argv) > 1 else 4.0
    rows = [json.loads(line) for line in sys.stdin if line.strip()]
    real_stdout = sys.stdout
    results = {}
    with contextlib.redirect_stdout(sys.stderr):
        truths = {}
        for r in rows:
            key = (r["task_id"], r["prompt"], r["canonical_solution"])
            if key in truths:
                continue
            code = r["prompt"] + r["canonical_solution"]
            oracle = {}
            oracle["base"], oracle["base_time"] = trusted_exec(code, r["base_input"], r["entry_point"], record_time=True)
            oracle["plus"], oracle["plus_time"] = trusted_exec(code, r["plus_input"], r["entry_point"], record_time=True)
            truths[key] = oracle

        def judge(r):
            key = (r["task_id"], r["prompt"], r["canonical_solution"])
            problem = {k: r[k] for k in ("task_id", "prompt", "entry_point", "canonical_solution", "base_input", "plus_input", "atol")}
            res = check_correctness(
                "humaneval", 0, problem, r["solution"], truths[key],
                base_only=False, fast_check=True, min_time_limit=min_time_limit, gt_time_limit_factor=4.0,
            )
            return r["id"], {"base_status": res["base"][0], "plus_status": res["plus"][0]}

        with ThreadPoolExecutor(max_workers=2) as pool:
            for rid, res in pool.map(judge, rows):
                results[rid] = res
    real_stdout.write(json.dumps(results))


if __name__ == "__main__":
    main()
