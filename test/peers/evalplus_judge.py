"""Judge samples with evalplus's own evaluator (the reference for the code sandbox's differential test).

stdin: JSONL rows {id, task_id, prompt, entry_point, canonical_solution, base_input, plus_input, atol, solution}
stdout: one JSON object {id: {"base_status": ..., "plus_status": ...}}

Expected outputs are computed as evalplus.evaluate.get_groundtruth does (trusted_exec of
prompt + canonical_solution, timed); each sample then goes through evalplus.evaluate.check_correctness
(dataset "humaneval", so HumanEval's special oracle applies) with fast_check on, the per-input
limit max(min_time_limit, 4 x reference time) and min_time_limit from argv[1] (default 4 s).
Rows whose task_id is "Mbpp/N" are MBPP+ rows: their inputs go through evalplus's
mbpp_deserialize_inputs as get_mbpp_plus does, the not-None tasks are recorded as get_groundtruth
records them, and check_correctness runs with dataset "mbpp" (MBPP's special oracles). A row whose
reference solution raises gets {"reference_error": "..."} instead of statuses.
"""
import contextlib
import json
import sys
from concurrent.futures import ThreadPoolExecutor

from evalplus.data.mbpp import mbpp_deserialize_inputs
from evalplus.eval._special_oracle import MBPP_OUTPUT_NOT_NONE_TASKS
from evalplus.evaluate import check_correctness
from evalplus.gen.util import trusted_exec


def is_mbpp(r):
    return r["task_id"].startswith("Mbpp/")


def main():
    min_time_limit = float(sys.argv[1]) if len(sys.argv) > 1 else 4.0
    rows = [json.loads(line) for line in sys.stdin if line.strip()]
    decode_errors = {}
    for r in rows:
        if is_mbpp(r):
            try:
                r["base_input"] = mbpp_deserialize_inputs(r["task_id"], r["base_input"])
                r["plus_input"] = mbpp_deserialize_inputs(r["task_id"], r["plus_input"])
            except Exception as e:  # evalplus would stop loading the whole file here
                decode_errors[r["id"]] = f"{type(e).__name__}: {e}"
    real_stdout = sys.stdout
    results = {}
    with contextlib.redirect_stdout(sys.stderr):
        truths = {}
        for r in rows:
            key = (r["task_id"], r["prompt"], r["canonical_solution"])
            if key in truths or r["id"] in decode_errors:
                continue
            code = r["prompt"] + r["canonical_solution"]
            nn = is_mbpp(r) and r["entry_point"] in MBPP_OUTPUT_NOT_NONE_TASKS
            oracle = {}
            try:
                oracle["base"], oracle["base_time"] = trusted_exec(code, r["base_input"], r["entry_point"], record_time=True, output_not_none=nn)
                oracle["plus"], oracle["plus_time"] = trusted_exec(code, r["plus_input"], r["entry_point"], record_time=True, output_not_none=nn)
            except Exception as e:
                oracle = {"reference_error": f"{type(e).__name__}: {e}"}
            truths[key] = oracle

        def judge(r):
            key = (r["task_id"], r["prompt"], r["canonical_solution"])
            if r["id"] in decode_errors:
                return r["id"], {"reference_error": decode_errors[r["id"]]}
            if "reference_error" in truths[key]:
                return r["id"], {"reference_error": truths[key]["reference_error"]}
            problem = {k: r[k] for k in ("task_id", "prompt", "entry_point", "canonical_solution", "base_input", "plus_input", "atol")}
            res = check_correctness(
                "mbpp" if is_mbpp(r) else "humaneval", 0, problem, r["solution"], truths[key],
                base_only=False, fast_check=True, min_time_limit=min_time_limit, gt_time_limit_factor=4.0,
            )
            return r["id"], {"base_status": res["base"][0], "plus_status": res["plus"][0]}

        with ThreadPoolExecutor(max_workers=2) as pool:
            for rid, res in pool.map(judge, rows):
                results[rid] = res
    real_stdout.write(json.dumps(results))


if __name__ == "__main__":
    main()
