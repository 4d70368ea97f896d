// A sandbox worker thread: restores a fresh Pyodide interpreter from the memory snapshot for every
// job, hardens it, runs the job's trusted driver (which runs the untrusted program), and reports.
// The pool terminates this thread when a step overruns, so nothing here needs to time anything.
import { parentPort } from 'node:worker_threads';
import { loadPyodide } from 'pyodide';
import { hardenInstance, hardenRealm } from './js-guard.js';
import { PRELUDE } from './prelude.js';
import type { FromWorker, InitMessage, JobMessage, ToWorker } from './protocol.js';
import { guard, installWasmGuard } from './wasm-guard.js';

if (!parentPort) throw new Error('sandbox worker must run in a worker thread');
const port = parentPort;

// The `js` module a program could import: an empty, frozen object instead of globalThis.
const JS_GLOBALS = Object.freeze(Object.create(null));
const quiet = () => {};

let init: InitMessage;
let snapshot: Uint8Array;
let progress: Int32Array;

const send = (msg: FromWorker) => port.postMessage(msg);

// Whatever this thread prints (Pyodide reports fatal errors on console.error) goes to the pool as
// a message, never to the process's stdout, which may be carrying JSONL output.
for (const name of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  console[name] = (...args: unknown[]) => send({ type: 'log', text: args.map(String).join(' ') });
}

/** Keeps the first `limit` characters written to a low-level stream and counts all of them. */
class FdSink {
  text = '';
  chars = 0;
  private readonly decoder = new TextDecoder();
  constructor(private readonly limit: number) {}
  write = (buf: Uint8Array): number => {
    this.chars += buf.length;
    if (this.text.length < this.limit)
      this.text += this.decoder.decode(buf.subarray(0, this.limit - this.text.length), { stream: true });
    return buf.length;
  };
}

async function boot(msg: InitMessage): Promise<void> {
  init = msg;
  progress = new Int32Array(msg.progress);
  guard.memoryLimitBytes = msg.memoryLimitBytes;
  guard.module = msg.module;
  installWasmGuard();
  hardenRealm();
  let built: SharedArrayBuffer | null = null;
  if (msg.snapshot) {
    snapshot = new Uint8Array(msg.snapshot);
  } else {
    const py: any = await loadPyodide({ _makeSnapshot: true, jsglobals: JS_GLOBALS, stdout: quiet, stderr: quiet });
    py.runPython(PRELUDE);
    const bytes: Uint8Array = py.makeMemorySnapshot();
    built = new SharedArrayBuffer(bytes.byteLength);
    snapshot = new Uint8Array(built);
    snapshot.set(bytes);
  }
  send({ type: 'ready', snapshot: built, module: guard.module });
  prepareSpare();
}

// progress = [sequence, step, mark]: the pool watches the sequence to time steps.
const tick = (step: number): void => {
  Atomics.store(progress, 1, step);
  Atomics.add(progress, 0, 1);
};
const mark = (value: number): void => {
  Atomics.store(progress, 2, value);
};

/** A fresh interpreter restored from the snapshot (dlopen is allowed only while it boots). */
async function freshInstance(): Promise<any> {
  guard.booted = false;
  const py = await loadPyodide({ _loadSnapshot: snapshot, jsglobals: JS_GLOBALS, stdout: quiet, stderr: quiet });
  guard.booted = true;
  return py;
}

// The next job's interpreter is restored while the worker waits for that job, so a job arriving
// at an idle worker does not wait for it. Jobs run one at a time, so one spare is enough.
let spare: Promise<any> | null = null;
function prepareSpare(): void {
  spare = freshInstance();
  spare.catch(() => {});
}

async function runJob(job: JobMessage): Promise<void> {
  const out = new FdSink(init.outputLimitChars);
  const err = new FdSink(init.outputLimitChars);
  let reply: string | null = null;
  let bytes: Uint8Array | null = null;
  let crash: string | null = null;
  try {
    const ready = spare ?? freshInstance();
    spare = null;
    const py: any = await ready;
    py.setStdout({ write: out.write });
    py.setStderr({ write: err.write });
    py.setStdin({ error: true });
    const run = py.globals.get('_kindling_run');
    const take = py.globals.get('_kindling_take_bytes');
    hardenInstance(py);
    reply = run(job.driver, job.program, job.payloadJson, job.blobs, tick, mark, init.outputLimitChars) as string;
    const raw = take();
    if (raw != null) {
      bytes = raw.toJs() as Uint8Array;
      raw.destroy();
    }
    run.destroy();
    take.destroy();
  } catch (e) {
    crash = e instanceof Error ? e.message : String(e);
  }
  send({
    type: 'result',
    id: job.id,
    reply,
    bytes,
    crash,
    fdOut: out.text,
    fdErr: err.text,
    fdOutChars: out.chars,
    fdErrChars: err.chars,
  });
  prepareSpare();
}

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'init') void boot(msg);
  else if (msg.type === 'job') void runJob(msg);
});
