// Runs inside a sandbox worker, before Pyodide loads. Pyodide instantiates its WebAssembly module
// through `WebAssembly.instantiate(bytes, imports)`; we wrap that call to
//  - compile the 9.6 MB module once per worker and reuse it for every fresh interpreter, and
//  - replace the host functions (wasm imports) through which Python could leave the sandbox or
//    exhaust memory. The import object is edited in place, because Emscripten's dynamic linker
//    resolves `dlsym` (ctypes) through the very same object, so a stub is all that is reachable.
//
// What is replaced, and why (Pyodide on Node wires these to real host facilities):
//  - `_emscripten_system`: `os.system` would run a host shell command through child_process.
//  - socket syscalls: Emscripten's SOCKFS opens real WebSocket/TCP connections from Node.
//  - `emscripten_run_script*`: evaluates a JS string inside the Pyodide module scope.
//  - dlopen: loading a Python-written .so would run its embedded JS; every stdlib extension of
//    this Pyodide build is built in, so nothing legitimate needs it once the interpreter is up.
//  - `emscripten_resize_heap`: refuses to grow memory past the cap, so malloc fails and Python
//    raises MemoryError instead of taking the host's memory.

/** Negative WASI errno values, as Emscripten syscalls return them. */
const EPERM = 63;
const ENOSYS = 52;

type HostFn = ((...args: any[]) => any) & { sig?: string };

// The project compiles without DOM typings, which is where TypeScript declares WebAssembly.
const WA = (globalThis as any).WebAssembly;
/** A compiled WebAssembly.Module (opaque here; it can be posted between threads). */
export type WasmModule = object;

export interface WasmGuardState {
  /** Bytes the wasm heap may grow to. */
  memoryLimitBytes: number;
  /** Set once the interpreter is up: dlopen is refused from then on. */
  booted: boolean;
  /** Compiled Pyodide module, shared by every instance in this worker (and sent by the pool). */
  module: WasmModule | null;
}

export const guard: WasmGuardState = { memoryLimitBytes: 1024 * 2 ** 20, booted: false, module: null };

/** A replacement keeping the original's Emscripten signature (dlsym needs `.sig` to wrap it). */
function stub(original: HostFn | undefined, impl: HostFn): HostFn {
  if (original?.sig) impl.sig = original.sig;
  return impl;
}

function guardImports(env: Record<string, HostFn>): void {
  const resize = env.emscripten_resize_heap;
  if (resize) {
    env.emscripten_resize_heap = stub(resize, (requested: number) =>
      requested >>> 0 > guard.memoryLimitBytes ? 0 : resize(requested),
    );
  }
  if (env._emscripten_system) env._emscripten_system = stub(env._emscripten_system, () => -ENOSYS);
  for (const name of [
    '__syscall_socket',
    '__syscall_socketpair',
    '__syscall_connect',
    '__syscall_bind',
    '__syscall_listen',
    '__syscall_accept4',
    '__syscall_sendto',
    '__syscall_recvfrom',
    '__syscall_sendmsg',
    '__syscall_recvmsg',
  ]) {
    if (env[name]) env[name] = stub(env[name], () => -EPERM);
  }
  for (const name of [
    'emscripten_run_script',
    'emscripten_run_script_int',
    'emscripten_run_script_string',
    'emscripten_async_run_script',
  ]) {
    if (env[name])
      env[name] = stub(env[name], () => {
        throw new Error(`${name} is disabled in the sandbox`);
      });
  }
  for (const name of ['_dlopen_js', '_emscripten_dlopen_js']) {
    const original = env[name];
    if (!original) continue;
    env[name] = stub(original, function (this: unknown, ...args: unknown[]) {
      if (guard.booted) throw new Error('dlopen is disabled in the sandbox');
      return original.apply(this, args);
    });
  }
}

let installed = false;

/** Wraps WebAssembly.instantiate for this worker (idempotent). */
export function installWasmGuard(): void {
  if (installed) return;
  installed = true;
  const original = WA.instantiate.bind(WA) as (...args: any[]) => Promise<any>;
  const patched = async (source: any, imports?: any): Promise<any> => {
    // Only Pyodide's main module imports emscripten_resize_heap; anything else passes through.
    const env = imports?.env as Record<string, HostFn> | undefined;
    if (!env?.emscripten_resize_heap || source instanceof WA.Module) return original(source, imports);
    guardImports(env);
    guard.module ??= (await WA.compile(source)) as WasmModule;
    const instance = await original(guard.module, imports);
    return { instance, module: guard.module };
  };
  WA.instantiate = patched;
}
