// The trusted Python that every sandbox interpreter starts with. It runs once per worker before
// the memory snapshot is taken, so each fresh interpreter restored from the snapshot already has
// it (and the commonly used stdlib modules) loaded. `_kindling_run` is what the worker calls per job:
// it converts the job's data while the FFI is still there, then seals the interpreter (removes the
// JS bridge modules and blocks importing them again, with ctypes) before the driver — and through
// it the untrusted program — runs.
export const PRELUDE = String.raw`
import builtins, contextlib, gc, io, json, marshal, sys, time
# Loaded here so that a fresh interpreter (restored from the snapshot) has them for free.
import abc, array, bisect, cmath, collections, copy, dataclasses, datetime, decimal, enum, fractions
import functools, hashlib, heapq, itertools, math, numbers, operator, random, re, statistics, string
import struct, textwrap, typing, unicodedata

_BLOCKED_ROOTS = frozenset({
    'js', 'pyodide_js', 'pyodide', '_pyodide', '_pyodide_core', 'ctypes', '_ctypes', 'micropip',
})

class _BlockedFinder:
    """First on sys.meta_path: the FFI modules and ctypes cannot be imported (again)."""
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.partition('.')[0] in _BLOCKED_ROOTS:
            raise ImportError(f"module '{name}' is not available in the sandbox", name=name)
        return None

def _seal():
    for name in list(sys.modules):
        if name.partition('.')[0] in _BLOCKED_ROOTS:
            del sys.modules[name]
    sys.meta_path.insert(0, _BlockedFinder)

class _Sink(io.TextIOBase):
    """A write-only text stream keeping the first 'limit' characters and counting the rest."""
    def __init__(self, limit):
        self._limit = limit
        self._parts = []
        self._kept = 0
        self.total = 0
    def writable(self):
        return True
    def readable(self):
        return False
    def write(self, s):
        if not isinstance(s, str):
            raise TypeError(f'write() argument must be str, not {type(s).__name__}')
        self.total += len(s)
        room = self._limit - self._kept
        if room > 0 and s:
            piece = s[:room]
            self._parts.append(piece)
            self._kept += len(piece)
        return len(s)
    def read(self, *args, **kwargs):
        raise OSError('not readable')
    readline = readlines = read
    def text(self):
        return ''.join(self._parts)

class _NoInput(io.TextIOBase):
    """stdin for the program: every read fails, as evalplus's swallow_io makes it."""
    def readable(self):
        return False
    def read(self, *args, **kwargs):
        raise OSError('stdin is not available in the sandbox')
    readline = readlines = read

class _Ctx:
    """What a driver's main(ctx) gets."""
    def __init__(self, program, payload, blobs, tick, mark, limit):
        self.program = program
        self.payload = payload
        self.blobs = blobs
        self._tick = tick
        self._mark = mark
        self.stdout = _Sink(limit)
        self.stderr = _Sink(limit)
    def step(self, index):
        """Announce that step 'index' starts (the pool times each step)."""
        self._tick(index)
    def mark(self, value):
        """Record one int that survives a timeout or crash (the pool reports it)."""
        self._mark(int(value))
    @contextlib.contextmanager
    def captured(self):
        """Route sys.stdout/sys.stderr to the job's sinks and make stdin unreadable."""
        saved = sys.stdout, sys.stderr, sys.stdin
        sys.stdout, sys.stderr, sys.stdin = self.stdout, self.stderr, _NoInput()
        try:
            yield
        finally:
            sys.stdout, sys.stderr, sys.stdin = saved

# The driver gets a private copy of the builtins, so a program that rebinds builtins.abs (say)
# does not change how the driver compares its results.
_DRIVER_BUILTINS = dict(builtins.__dict__)
_dumps = json.dumps
_result_bytes = None

def _kindling_run(driver_src, program, payload_json, blobs, tick, mark, limit):
    global _result_bytes
    _result_bytes = None
    blobs = [b.to_bytes() for b in blobs]
    payload = json.loads(payload_json)
    _seal()
    ctx = _Ctx(program, payload, blobs, tick, mark, limit)
    try:
        g = {'__builtins__': dict(_DRIVER_BUILTINS), '__name__': '__kindling_driver__'}
        exec(compile(driver_src, '<driver>', 'exec'), g)
        result = g['main'](ctx)
        if not isinstance(result, dict):
            raise TypeError('driver main() must return a dict')
        raw = result.pop('_bytes', None)
        _result_bytes = bytes(raw) if raw is not None else None
        reply = {'ok': True, 'result': result}
    except BaseException as e:
        reply = {'ok': False, 'error': f'{type(e).__name__}: {e}'[:4000]}
    reply['stdout'] = ctx.stdout.text()
    reply['stderr'] = ctx.stderr.text()
    reply['stdout_chars'] = ctx.stdout.total
    reply['stderr_chars'] = ctx.stderr.total
    return _dumps(reply)

def _kindling_take_bytes():
    global _result_bytes
    b, _result_bytes = _result_bytes, None
    return b
`;
