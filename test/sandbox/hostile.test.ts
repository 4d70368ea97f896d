// Hostile and broken programs: each is contained (nothing reaches the host's processes, files or
// network; limits stop runaway time, memory, recursion and output), is reported with the right
// status, and the pool keeps judging correctly afterwards. Two levels: the raw sandbox (no
// evalplus guard, so the sandbox's own barriers are what is tested) and the HumanEval+ checker
// (what users see: status and detail).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SandboxPool } from '../../src/sandbox/index.js';
import { type CodeProblem, checkEvalplus, loadHumanEvalPlus, referenceProgram } from '../../src/tasks/code/index.js';

const pool = new SandboxPool({ workers: 2, memoryLimitMb: 512, outputLimitChars: 2000 });
const hostDir = mkdtempSync(join(tmpdir(), 'kindling-hostile-'));
const secret = join(hostDir, 'secret.txt');
writeFileSync(secret, 'host secret');
let server: Server;
let port = 0;
let connections = 0;

before(async () => {
  server = createServer((s) => {
    connections++;
    s.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
after(async () => {
  await pool.close();
  await new Promise((resolve) => server.close(resolve));
});

// Raw level: executes the program and returns its `x`, or the exception it raised.
const RAW = `
def main(ctx):
    g = {}
    ctx.step(0)
    try:
        with ctx.captured():
            exec(ctx.program, g)
    except BaseException as e:
        return {'x': g.get('x'), 'error': f'{type(e).__name__}: {e}'[:500]}
    return {'x': g.get('x'), 'error': None}
`;

async function raw(program: string, limitMs = 4000): Promise<{ x: any; error: string | null }> {
  const r = await pool.run({ driver: RAW, program, stepLimitsMs: [limitMs], totalLimitMs: 20_000 });
  if (r.outcome.kind !== 'done') assert.fail(JSON.stringify(r.outcome));
  return r.outcome.result as { x: any; error: string | null };
}

// HumanEval/53 is add(x, y): small, fast inputs.
const problems = loadHumanEvalPlus();
const add = problems.find((p) => p.task_id === 'HumanEval/53') as CodeProblem;
const judge = (body: string, top = '', minTimeLimitMs?: number) =>
  checkEvalplus(pool, add, `${top}\ndef add(x: int, y: int):\n${body}\n`, {
    stopAfterBaseFailure: true,
    ...(minTimeLimitMs ? { minTimeLimitMs } : {}),
  });

async function poolStillJudgesCorrectly(): Promise<void> {
  const v = await checkEvalplus(pool, add, referenceProgram(add));
  assert.equal(v.passed, true, `the canonical solution still passes: ${v.detail}`);
}

test('hostile: infinite loop in the function → timeout, worker replaced, pool fine', async () => {
  const before = pool.replaced;
  const v = await judge('    while True:\n        pass');
  assert.equal(v.status, 'timeout');
  assert.equal(v.passed, false);
  assert.match(v.detail, /^base: input 1 of \d+ exceeded its \d+ ms limit$/);
  assert.ok(pool.replaced > before);
  await poolStillJudgesCorrectly();
});

test('hostile: infinite loop at the top level → timeout while executing the program', async () => {
  const v = await judge('    return x + y', 'while True:\n    pass');
  assert.equal(v.status, 'timeout');
  assert.match(v.detail, /executing the program exceeded/);
});

test('hostile: memory bomb → MemoryError inside the sandbox (fail), host memory untouched', async () => {
  const before = process.memoryUsage().rss;
  const v = await judge('    return [0] * (10 ** 9)');
  assert.equal(v.status, 'fail');
  assert.match(v.detail, /MemoryError/);
  const r = await raw('x = "a" * (2 ** 31 - 100)');
  assert.match(String(r.error), /MemoryError|OverflowError/);
  assert.ok(process.memoryUsage().rss - before < 512 * 2 ** 20, 'the test process did not take the allocation');
  await poolStillJudgesCorrectly();
});

test('hostile: deep recursion → RecursionError (fail); with the limit lifted → interpreter crash (error), contained', async () => {
  // Generous limits: recursing until the limit (or the stack) gives out is slow on a loaded machine.
  const v1 = await judge('    return add(x, y)', '', 30_000);
  assert.equal(v1.status, 'fail');
  assert.match(v1.detail, /RecursionError/);
  const v2 = await judge(
    '    import sys\n    sys.setrecursionlimit(10 ** 7)\n    def f(n):\n        return f(n + 1)\n    return f(0)',
    '',
    30_000,
  );
  assert.equal(v2.status, 'error');
  assert.match(v2.detail, /crashed/);
  await poolStillJudgesCorrectly();
});

test('hostile: os.system / subprocess never run a host command', async () => {
  const marker = join(hostDir, 'pwned-by-system');
  const v = await judge(`    import os\n    os.system('touch ${marker}')\n    return x + y`);
  assert.equal(v.status, 'fail', 'evalplus guard: os.system is None');
  const r = await raw(`
import os, subprocess
x = [os.system('touch ${marker}')]
try:
    subprocess.run(['touch', '${marker}'])
except BaseException as e:
    x.append(type(e).__name__)
try:
    x.append(os.popen('touch ${marker}').read())
except BaseException as e:
    x.append(type(e).__name__)
`);
  assert.notEqual(r.x[0], 0, 'os.system reports failure');
  assert.equal(existsSync(marker), false, 'no host command ran');
});

test('hostile: file writes and reads stay inside the sandbox', async () => {
  const planted = join(hostDir, 'planted.txt');
  const v = await judge(`    open('${planted}', 'w').write('x')\n    return x + y`);
  assert.equal(v.status, 'fail', 'evalplus guard: open is None');
  const r = await raw(`
import os
os.makedirs('${hostDir}', exist_ok=True)
with open('${planted}', 'w') as f:
    f.write('written inside')
x = [open('${planted}').read(), os.path.exists('${secret}'), os.path.exists('/etc/passwd'), sorted(os.listdir('/'))]
`);
  assert.equal(r.error, null);
  assert.equal(r.x[0], 'written inside', 'the program sees its own (in-memory) file');
  assert.equal(r.x[1], false, 'host files are invisible');
  assert.equal(r.x[2], false);
  assert.equal(existsSync(planted), false, 'nothing was written on the host');
});

test('hostile: socket connections and HTTP requests fail; the loopback server sees nothing', async () => {
  const r = await raw(`
import socket, urllib.request
x = []
try:
    socket.create_connection(('127.0.0.1', ${port}), timeout=2)
    x.append('connected')
except BaseException as e:
    x.append(type(e).__name__)
try:
    urllib.request.urlopen('http://127.0.0.1:${port}/', timeout=2)
    x.append('fetched')
except BaseException as e:
    x.append(type(e).__name__)
try:
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    s.listen(1)
    x.append('listening')
except BaseException as e:
    x.append(type(e).__name__)
`);
  assert.deepEqual(r.x, ['PermissionError', 'URLError', 'PermissionError']);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(connections, 0);
  const v = await judge(`    import socket\n    socket.create_connection(('127.0.0.1', ${port}))\n    return x + y`);
  assert.equal(v.status, 'fail');
  assert.equal(connections, 0);
});

test('hostile: sys.exit / exit() → fail (in the function) or error (at the top level)', async () => {
  const v1 = await judge('    import sys\n    sys.exit(0)');
  assert.equal(v1.status, 'fail');
  assert.match(v1.detail, /SystemExit/);
  const v2 = await judge('    return x + y', 'import sys\nsys.exit(0)');
  assert.equal(v2.status, 'error');
  const v3 = await judge('    exit()');
  assert.equal(v3.status, 'fail', 'evalplus guard: exit is None');
  await poolStillJudgesCorrectly();
});

test('hostile: printing 100 MB is swallowed and truncated; a correct program still passes', async () => {
  const v = await judge("    print('z' * 100_000_000)\n    return x + y");
  assert.equal(v.status, 'pass');
  const r = await pool.run({
    driver: RAW,
    program: "print('z' * 100_000_000)\nx = 1",
    stepLimitsMs: [10_000],
    totalLimitMs: 20_000,
  });
  assert.equal(r.output.stdout.length, 2000);
  assert.equal(r.output.stdoutChars, 100_000_001);
  assert.equal(r.output.truncated, true);
});

test('hostile: the JavaScript bridge is gone (FFI modules, ctypes) and JS code evaluation is blocked', async () => {
  const r = await raw(`
import importlib
x = {}
for n in ['js', 'pyodide_js', 'pyodide', 'pyodide.code', 'pyodide.ffi', '_pyodide', '_pyodide_core', 'ctypes', '_ctypes', 'micropip']:
    try:
        importlib.import_module(n)
        x[n] = 'imported'
    except ImportError:
        x[n] = 'blocked'
`);
  for (const [name, how] of Object.entries(r.x)) assert.equal(how, 'blocked', name);
  // Going around the import system to the FFI's C module still yields JS objects whose
  // constructors cannot evaluate code, so no JS (and no Node API) can be reached.
  const r2 = await raw(`
import _imp, gc, importlib.machinery
spec = importlib.machinery.ModuleSpec('_pyodide_core', importlib.machinery.BuiltinImporter, origin='built-in')
core = _imp.create_builtin(spec)
JsProxy = type(core.to_js([1])).__mro__[-2]
proxies = [core.to_js([1, 2]), core.to_js({'a': 1})]
for o in gc.get_objects():
    for r in gc.get_referents(o):
        if isinstance(r, JsProxy):
            proxies.append(r)
x = {'proxies': len(proxies), 'escapes': [], 'api': []}
for p in proxies:
    try:
        f = p.constructor.constructor
        x['escapes'].append(repr(f('return typeof process')()))
    except BaseException as e:
        if 'code generation is disabled' not in str(e) and 'no attribute' not in str(e):
            x['escapes'].append(f'{type(e).__name__}: {e}'[:200])
    for name in ('mountNodeFS', 'loadPackage', '_module', '_api', 'FS'):
        try:
            v = getattr(p, name)
            if v is not None and 'disabled' not in repr(v):
                x['api'].append(name)
        except BaseException:
            pass
`);
  assert.equal(r2.error, null);
  assert.ok(r2.x.proxies >= 2);
  assert.deepEqual(r2.x.escapes, [], 'no JS code could be evaluated');
  assert.deepEqual(r2.x.api, [], 'no Pyodide API member is reachable');
  await poolStillJudgesCorrectly();
});
