# Checks code-lite functions in real CPython (the project's .venv): each docstring example
# (">>> call" then the expected repr, written by the TypeScript twin of the body) must hold, and
# the canonical solution must run on every test input without raising.
# stdin: JSON list of {name, program, prompt, inputs}; stdout: JSON list of problems found.
import json
import sys

problems = []
for item in json.load(sys.stdin):
    env = {}
    try:
        exec(item["program"], env)
    except BaseException as e:  # noqa: BLE001 - report every failure
        problems.append(f"{item['name']}: the program does not run: {e!r}")
        continue
    lines = item["prompt"].split("\n")
    calls = [i for i, line in enumerate(lines) if line.strip().startswith(">>> ")]
    if len(calls) != 1:
        problems.append(f"{item['name']}: {len(calls)} docstring examples")
        continue
    call = lines[calls[0]].strip()[4:]
    want = lines[calls[0] + 1].strip()
    try:
        got = repr(eval(call, env))
    except BaseException as e:  # noqa: BLE001
        got = f"raised {e!r}"
    if got != want:
        problems.append(f"{item['name']}: {call} gives {got}, the docstring says {want}")
    fn = env[item["name"]]
    for args in item["inputs"]:
        try:
            fn(*args)
        except BaseException as e:  # noqa: BLE001
            problems.append(f"{item['name']}{tuple(args)!r} raised {e!r}")
print(json.dumps(problems))
