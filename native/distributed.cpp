// torch.distributed for kindling: one default process group over libtorch's c10d — a TCPStore for
// the rendezvous, ProcessGroupGloo (CPU tensors) or ProcessGroupNCCL (CUDA tensors, when this
// libtorch has it) for the collectives. Same engine, same wire protocol and same semantics as
// PyTorch's torch.distributed; nothing here reimplements a collective.
//
// Collectives are synchronous (they return when the result is in the tensor) and bounded: every
// wait has the group's timeout, and a peer that dies breaks gloo's connections, so a failure
// surfaces as a JS error naming the operation and the rank instead of a hang.

#include "handles.h"

#include <ATen/ATen.h>
#include <torch/csrc/distributed/c10d/Backend.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/distributed/c10d/Types.hpp>
#include <torch/csrc/distributed/c10d/Work.hpp>

#define USE_C10D_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>

#ifdef KINDLING_WITH_NCCL
#define USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <chrono>
#include <string>
#include <vector>

namespace {

using kindling::box_at;
using kindling::guarded;
using kindling::wrap;

struct Group {
  std::string backend;
  int rank;
  int size;
  std::chrono::milliseconds timeout;
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::Backend> pg;
};

// Never destroyed implicitly: a process that exits (or dies of an error) with a group still open must
// not block in gloo's destructor joining worker threads whose peers are gone. destroy() frees it.
Group* g_group = nullptr;

#define FN(name) Napi::Value name(const Napi::CallbackInfo& info)
#define ENV info.Env()

Group& group(const Napi::CallbackInfo& info, const char* op) {
  if (!g_group)
    throw Napi::Error::New(info.Env(), std::string(op) + ": the default process group is not initialized (call initProcessGroup first)");
  return *g_group;
}

std::string str(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsString()) throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a string");
  return info[i].As<Napi::String>().Utf8Value();
}

int64_t integer(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsNumber()) throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a number");
  return static_cast<int64_t>(info[i].As<Napi::Number>().DoubleValue());
}

// Runs one collective and waits for it; errors name the operation, the rank and the likely cause.
void run(const Napi::CallbackInfo& info, Group& g, const char* op, const std::function<c10::intrusive_ptr<c10d::Work>()>& start) {
  try {
    auto work = start();
    // A little past the backend's own timeout, so gloo's more specific error normally wins.
    work->wait(g.timeout + std::chrono::milliseconds(2000));
  } catch (const std::exception& e) {
    std::string msg = e.what();
    if (auto* ce = dynamic_cast<const c10::Error*>(&e)) msg = ce->what_without_backtrace();
    throw Napi::Error::New(info.Env(), std::string(op) + " failed on rank " + std::to_string(g.rank) + " of " +
                                           std::to_string(g.size) + " (" + g.backend + "): " + msg +
                                           " — another rank probably exited or stopped answering");
  }
}

const at::Tensor& collective_tensor(const Napi::CallbackInfo& info, size_t i, Group& g, const char* op) {
  const at::Tensor& t = box_at(info, i)->t;
  if (!t.is_contiguous())
    throw Napi::Error::New(info.Env(), std::string(op) + ": the tensor must be contiguous (call .contiguous() first)");
  if (g.backend == "gloo" && !t.device().is_cpu())
    throw Napi::Error::New(info.Env(), std::string(op) + ": the gloo backend takes CPU tensors, got one on " + t.device().str());
  if (g.backend == "nccl" && !t.device().is_cuda())
    throw Napi::Error::New(info.Env(), std::string(op) + ": the nccl backend takes CUDA tensors, got one on " + t.device().str());
  return t;
}

// initProcessGroup(backend 'gloo' | 'nccl', rank, worldSize, masterAddr, masterPort, timeoutMs)
FN(distInit) {
  if (g_group) throw Napi::Error::New(ENV, "initProcessGroup: the default process group is already initialized");
  auto backend = str(info, 0, "backend");
  int rank = static_cast<int>(integer(info, 1, "rank"));
  int size = static_cast<int>(integer(info, 2, "worldSize"));
  auto addr = str(info, 3, "masterAddr");
  int port = static_cast<int>(integer(info, 4, "masterPort"));
  std::chrono::milliseconds timeout(integer(info, 5, "timeoutMs"));
  if (size < 1 || rank < 0 || rank >= size)
    throw Napi::RangeError::New(ENV, "initProcessGroup: rank " + std::to_string(rank) + " is not in [0, " + std::to_string(size) + ")");
  if (port < 1 || port > 65535) throw Napi::RangeError::New(ENV, "initProcessGroup: masterPort " + std::to_string(port) + " is not a TCP port");
  if (backend != "gloo" && backend != "nccl")
    throw Napi::Error::New(ENV, "initProcessGroup: unknown backend '" + backend + "' (gloo or nccl)");
#ifndef KINDLING_WITH_NCCL
  if (backend == "nccl")
    throw Napi::Error::New(ENV, "initProcessGroup: this build has no NCCL (it needs a CUDA libtorch and nccl.h at build time); use gloo");
#endif

  auto g = std::make_unique<Group>(Group{backend, rank, size, timeout, {}, {}});
  try {
    c10d::TCPStoreOptions so;
    so.port = static_cast<uint16_t>(port);
    so.isServer = rank == 0;
    so.numWorkers = size;
    so.waitWorkers = true;
    so.timeout = timeout;
    // libtorch links its own libuv, and Node exports libuv's symbols too: with the libuv store the
    // dynamic linker could bind libtorch's uv_* calls to Node's copy. The classic socket store has no libuv.
    so.useLibUV = false;
    g->store = c10::make_intrusive<c10d::TCPStore>(addr, so);
  } catch (const std::exception& e) {
    std::string msg = e.what();
    if (auto* ce = dynamic_cast<const c10::Error*>(&e)) msg = ce->what_without_backtrace();
    throw Napi::Error::New(ENV, "initProcessGroup: rendezvous at " + addr + ":" + std::to_string(port) + " failed for rank " +
                                    std::to_string(rank) + " of " + std::to_string(size) + " within " +
                                    std::to_string(timeout.count()) + " ms: " + msg);
  }
  try {
    if (backend == "gloo") {
      auto o = c10d::ProcessGroupGloo::Options::create(timeout);
      // GLOO_SOCKET_IFNAME picks interfaces as in PyTorch; otherwise a loopback master means every
      // rank is on this machine (use loopback), and any other master means the host's own address.
      const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
      bool loopback = addr == "localhost" || addr.rfind("127.", 0) == 0 || addr == "::1";
      if (ifname && *ifname) o = c10d::ProcessGroupGloo::Options::create_default(timeout);
      else if (loopback) o->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
      else o->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
      g->pg = c10::make_intrusive<c10d::ProcessGroupGloo>(g->store, rank, size, o);
    }
#ifdef KINDLING_WITH_NCCL
    else {
      auto o = c10d::ProcessGroupNCCL::Options::create();
      o->timeout = timeout;
      g->pg = c10::make_intrusive<c10d::ProcessGroupNCCL>(g->store, rank, size, o);
    }
#endif
  } catch (const std::exception& e) {
    std::string msg = e.what();
    if (auto* ce = dynamic_cast<const c10::Error*>(&e)) msg = ce->what_without_backtrace();
    throw Napi::Error::New(ENV, "initProcessGroup: creating the " + backend + " group failed on rank " + std::to_string(rank) + ": " + msg);
  }
  g_group = g.release();
  return ENV.Undefined();
}

FN(distIsInitialized) { return Napi::Boolean::New(ENV, g_group != nullptr); }
FN(distRank) { return Napi::Number::New(ENV, group(info, "getRank").rank); }
FN(distWorldSize) { return Napi::Number::New(ENV, group(info, "getWorldSize").size); }
FN(distBackend) { return Napi::String::New(ENV, group(info, "getBackend").backend); }

// allReduce(t, op: 0 sum | 2 product | 3 min | 4 max) — in place, like torch.distributed.all_reduce
FN(distAllReduce) {
  auto& g = group(info, "allReduce");
  std::vector<at::Tensor> ts{collective_tensor(info, 0, g, "allReduce")};
  int64_t op = integer(info, 1, "op");
  if (op != c10d::ReduceOp::SUM && op != c10d::ReduceOp::PRODUCT && op != c10d::ReduceOp::MIN && op != c10d::ReduceOp::MAX)
    throw Napi::RangeError::New(ENV, "allReduce: unsupported reduce op " + std::to_string(op));
  c10d::AllreduceOptions o;
  o.reduceOp = c10d::ReduceOp(static_cast<c10d::ReduceOp::RedOpType>(op));
  o.timeout = g.timeout;
  run(info, g, "allReduce", [&] { return g.pg->allreduce(ts, o); });
  return ENV.Undefined();
}

// broadcast(t, src) — in place
FN(distBroadcast) {
  auto& g = group(info, "broadcast");
  std::vector<at::Tensor> ts{collective_tensor(info, 0, g, "broadcast")};
  int64_t src = integer(info, 1, "src");
  if (src < 0 || src >= g.size) throw Napi::RangeError::New(ENV, "broadcast: src " + std::to_string(src) + " is not a rank");
  c10d::BroadcastOptions o;
  o.rootRank = src;
  o.timeout = g.timeout;
  run(info, g, "broadcast", [&] { return g.pg->broadcast(ts, o); });
  return ENV.Undefined();
}

// allGather(t) -> one new tensor per rank (every rank's t, in rank order); shapes must match.
FN(distAllGather) {
  auto& g = group(info, "allGather");
  std::vector<at::Tensor> in{collective_tensor(info, 0, g, "allGather")};
  std::vector<std::vector<at::Tensor>> out(1);
  for (int r = 0; r < g.size; r++) out[0].push_back(at::empty_like(in[0]));
  c10d::AllgatherOptions o;
  o.timeout = g.timeout;
  run(info, g, "allGather", [&] { return g.pg->allgather(out, in, o); });
  auto a = Napi::Array::New(ENV, out[0].size());
  for (size_t k = 0; k < out[0].size(); k++) a.Set(k, wrap(ENV, out[0][k]));
  return a;
}

FN(distBarrier) {
  auto& g = group(info, "barrier");
  c10d::BarrierOptions o;
  o.timeout = g.timeout;
  run(info, g, "barrier", [&] { return g.pg->barrier(o); });
  return ENV.Undefined();
}

// destroyProcessGroup(): frees the group (idempotent).
FN(distDestroy) {
  Group* g = g_group;
  g_group = nullptr;
  delete g;
  return ENV.Undefined();
}

FN(distHasNccl) {
#ifdef KINDLING_WITH_NCCL
  return Napi::Boolean::New(ENV, true);
#else
  return Napi::Boolean::New(ENV, false);
#endif
}

}  // namespace

namespace kindling {

#define EXPORT(name) exports.Set(#name, Napi::Function::New(env, guarded<name>, #name))

void register_distributed(Napi::Env env, Napi::Object exports) {
  EXPORT(distInit); EXPORT(distIsInitialized); EXPORT(distRank); EXPORT(distWorldSize); EXPORT(distBackend);
  EXPORT(distAllReduce); EXPORT(distBroadcast); EXPORT(distAllGather); EXPORT(distBarrier); EXPORT(distDestroy);
  EXPORT(distHasNccl);
}

}  // namespace kindling
