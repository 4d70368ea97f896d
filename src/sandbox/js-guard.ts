// JavaScript-side hardening of a sandbox worker. Python reaches JavaScript only through Pyodide's
// FFI; the Python prelude removes the FFI modules before untrusted code runs, and this file is the
// second layer for the case where a program still gets hold of a JS object:
//  - every function's `.constructor` (Function, AsyncFunction, ...) throws, so a JS object cannot
//    be turned into code evaluation (`f.constructor("return process")()`), which is the step from
//    "holds some JS object" to "runs arbitrary JS with Node's powers";
//  - the Pyodide API object loses every member but the few the worker itself calls, and the
//    Emscripten module loses the host-facing functions it exports (system, sockets, script
//    evaluation, dlopen, file-system mounts, file reads), so holding either reaches nothing.

const blocked = function blockedConstructor(): never {
  throw new EvalError('code generation is disabled in the sandbox');
};

let realmHardened = false;

/** Makes `.constructor` of every kind of function throw (once per worker). */
export function hardenRealm(): void {
  if (realmHardened) return;
  realmHardened = true;
  const protos = [
    Function.prototype,
    Object.getPrototypeOf(async () => {}),
    Object.getPrototypeOf(function* () {}),
    Object.getPrototypeOf(async function* () {}),
  ];
  for (const proto of protos)
    Object.defineProperty(proto, 'constructor', { value: blocked, writable: false, configurable: false });
  // Pyodide's Node loader publishes a `require` returning fs and child_process.
  delete (globalThis as any).require;
}

/** Members of the Pyodide API object the worker still calls after hardening. */
const KEEP_API = new Set(['globals', 'length', 'name', 'prototype']);

/**
 * Emscripten module exports that reach the host or evaluate code. Exports of CPython's C API
 * (`_Py…`) are left alone: Pyodide's own JavaScript calls them through the module object.
 */
const HOST_FACING =
  /system|socket|sockfs|websocket|run_script|dlopen|dynlib|dynamiclibrar|mount|nodefs|noderawfs|require|readbinary|readasync|loadscript|loadbinaryfile|fetch|spawn|importscripts|filesystems/i;
const CAPI = /^_{0,2}_?Py/;

function deny(name: string) {
  return function denied(): never {
    throw new Error(`${name} is disabled in the sandbox`);
  };
}

/** Replaces the chosen own properties of `obj`: functions by a throwing stub, data by undefined. */
function scrub(obj: any, shouldScrub: (key: string) => boolean): void {
  for (const key of Object.getOwnPropertyNames(obj)) {
    if (!shouldScrub(key)) continue;
    const desc = Object.getOwnPropertyDescriptor(obj, key);
    if (!desc) continue;
    if (!desc.configurable) {
      if (desc.writable) obj[key] = typeof desc.value === 'function' ? deny(key) : undefined;
      continue;
    }
    const value = typeof desc.value === 'function' ? deny(key) : undefined;
    Object.defineProperty(obj, key, { value, writable: false, configurable: false });
  }
}

/**
 * Hardens one fresh Pyodide instance after the worker has set its streams and taken what it
 * needs from the API (`globals`), and before untrusted code runs. `api` is what loadPyodide returned.
 */
export function hardenInstance(api: any): void {
  // Unregister the FFI modules so `import js` / `import pyodide_js` find nothing to load.
  for (const name of ['js', 'pyodide_js']) {
    try {
      api.unregisterJsModule(name);
    } catch {
      // not registered
    }
  }
  const module = api._module;
  const fs = api.FS;
  if (fs) {
    for (const name of Object.keys(fs.filesystems ?? {})) if (name !== 'MEMFS') delete fs.filesystems[name];
    scrub(fs, (k) => k === 'mount' || k === 'unmount' || k === 'createLazyFile' || k === 'createPreloadedFile');
  }
  if (module) scrub(module, (k) => HOST_FACING.test(k) && !CAPI.test(k));
  // The public API object: everything but `globals` (mountNodeFS, loadPackage, _module, _api, FS, ...).
  scrub(api, (k) => !KEEP_API.has(k));
}
