// The Python side of plain HumanEval checking (human-eval's check_correctness, as the paper's code
// uses it): the program, then the problem's `test` code, then `check(entry_point)`, all in one
// namespace. The program is compiled and executed first so that a syntax error or a crash at its
// top level is told apart ('error') from a failed test ('fail').
import { RELIABILITY_GUARD_PY } from './guard-py.js';

export const HUMANEVAL_DRIVER =
  RELIABILITY_GUARD_PY +
  String.raw`
import time
_perf = time.perf_counter

def _short(e, n=300):
    s = f'{type(e).__name__}: {e}'
    return s if len(s) <= n else s[: n - 3] + '...'

def main(ctx):
    p = ctx.payload
    if p['mode'] == 'check':
        _guard()
    g = {}
    ctx.step(0)
    t0 = _perf()
    try:
        code = compile(ctx.program, '<program>', 'exec')
        with ctx.captured():
            exec(code, g)
    except BaseException as e:
        return {'status': 'error', 'detail': f'the program raised {_short(e)}', 'time': _perf() - t0}
    try:
        tests = compile(p['test'] + '\n' + f"check({p['entry_point']})\n", '<test>', 'exec')
        with ctx.captured():
            exec(tests, g)
    except AssertionError as e:
        return {'status': 'fail', 'detail': 'a test assertion failed' + (f': {e}' if str(e) else ''), 'time': _perf() - t0}
    except BaseException as e:
        return {'status': 'fail', 'detail': f'the tests raised {_short(e)}', 'time': _perf() - t0}
    return {'status': 'pass', 'detail': '', 'time': _perf() - t0}
`;
