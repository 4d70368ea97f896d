// kindling's N-API binding to libtorch.
//
// Deliberately thin: every function takes tensor handles and plain values, calls one libtorch
// function and returns new handles. All modelling logic lives in TypeScript (src/torch, src/model).
// libtorch errors (c10::Error) become JS Errors carrying libtorch's message, never a crash.

#include <napi.h>

#include <ATen/Parallel.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <ATen/Version.h>
#include <torch/torch.h>
#include <torch/version.h>
#include <torch/cuda.h>
#include <ATen/autocast_mode.h>
#include <torch/mps.h>
#include <ATen/DeviceAccelerator.h>

#include <atomic>
#include <map>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <optional>
#include <unordered_set>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "handles.h"

// ---------------------------------------------------------------- handles

// Box, the live-box set, wrap and box_at live in namespace kindling (declared in handles.h) so that
// distributed.cpp can take and return tensor handles too.
namespace kindling {

// A tensor handle is a Napi::External<Box> without a native finalizer: Node defers N-API
// finalizers to the event loop, so a long synchronous training loop would pile up millions of
// them. Instead the JS side frees boxes explicitly (dispose(), scopes) and, for tensors nobody
// disposed, through a FinalizationRegistry. Live boxes are kept in a set so a stale handle is
// reported as "used after dispose()" instead of touching freed memory. Worker threads load this
// same library, so the set is shared by every thread that runs tensors: an unlocked insert racing an
// erase corrupted it (live handles reported as disposed, then heap corruption in the allocator).
// A handle never crosses threads (an External belongs to one isolate), so only the set needs the lock.
static std::unordered_set<Box*> g_boxes;
static std::mutex g_boxes_mutex;

bool box_live(Box* b) {
  std::lock_guard<std::mutex> lock(g_boxes_mutex);
  return g_boxes.count(b) != 0;
}

static void box_insert(Box* b) {
  std::lock_guard<std::mutex> lock(g_boxes_mutex);
  g_boxes.insert(b);
}

// Removes b from the live set; false when it was not live (already disposed).
static bool box_erase(Box* b) {
  std::lock_guard<std::mutex> lock(g_boxes_mutex);
  return g_boxes.erase(b) != 0;
}

static size_t box_count() {
  std::lock_guard<std::mutex> lock(g_boxes_mutex);
  return g_boxes.size();
}

static int64_t accountable_bytes(const torch::Tensor& t) {
  if (!t.defined() || t.is_view() || !t.has_storage()) return 0;
  if (!t.device().is_cpu()) return 0;  // only host memory pressures V8's heuristics
  return static_cast<int64_t>(t.storage().nbytes());
}

Napi::Value wrap(Napi::Env env, torch::Tensor t) {
  if (!t.defined()) return env.Null();
  auto* box = new Box{std::move(t), 0};
  box->accounted = accountable_bytes(box->t);
  if (box->accounted) Napi::MemoryManagement::AdjustExternalMemory(env, box->accounted);
  box_insert(box);
  return Napi::External<Box>::New(env, box);
}

Box* box_at(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsExternal())
    throw Napi::TypeError::New(info.Env(), "argument " + std::to_string(i) + " is not a tensor handle");
  Box* b = info[i].As<Napi::External<Box>>().Data();
  if (!box_live(b))
    throw Napi::Error::New(info.Env(), "tensor used after dispose() (argument " + std::to_string(i) + ")");
  return b;
}

}  // namespace kindling

namespace {

using kindling::Box;
using kindling::box_at;
using kindling::box_live;
using kindling::guarded;
using kindling::wrap;

torch::Tensor& T(const Napi::CallbackInfo& info, size_t i) { return box_at(info, i)->t; }

// Elementwise ops on tensors below this many elements run on the calling thread (0 = libtorch's own
// rule: parallel above 32,768). With OMP_WAIT_POLICY=PASSIVE each parallel region wakes sleeping
// workers, ~50 µs, far more than a 100k-element add takes alone.
static int64_t g_serial_below = 0;
// libtorch's CPU build runs its parallel_for on OpenMP and asks omp_get_max_threads() how many
// threads it may use; one thread means inline, no parallel region. (libgomp is loaded with libtorch.)
extern "C" {
void omp_set_num_threads(int);
int omp_get_max_threads(void);
}
struct SerialIfSmall {
  int prev = 0;
  explicit SerialIfSmall(int64_t numel) {
    if (numel >= g_serial_below) return;
    int n = omp_get_max_threads();
    if (n > 1) {
      prev = n;
      omp_set_num_threads(1);
    }
  }
  ~SerialIfSmall() {
    if (prev) omp_set_num_threads(prev);
  }
};
// In elementwise, reduction and copy ops (not in GEMMs, attention or backward, which pick their threads).
#define SERIAL_IF_SMALL(i) SerialIfSmall serial_if_small_(T(info, i).numel());

std::optional<torch::Tensor> OptT(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || info[i].IsNull() || info[i].IsUndefined()) return std::nullopt;
  return T(info, i);
}

double num(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsNumber())
    throw Napi::TypeError::New(info.Env(), "argument " + std::to_string(i) + " must be a number");
  return info[i].As<Napi::Number>().DoubleValue();
}

int64_t int_(const Napi::CallbackInfo& info, size_t i) {
  if (i < info.Length() && info[i].IsBigInt()) {
    bool lossless;
    return info[i].As<Napi::BigInt>().Int64Value(&lossless);
  }
  return static_cast<int64_t>(num(info, i));
}

bool flag(const Napi::CallbackInfo& info, size_t i) {
  return i < info.Length() && info[i].ToBoolean().Value();
}

bool present(const Napi::CallbackInfo& info, size_t i) {
  return i < info.Length() && !info[i].IsNull() && !info[i].IsUndefined();
}

std::vector<int64_t> ints(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsArray())
    throw Napi::TypeError::New(info.Env(), "argument " + std::to_string(i) + " must be an array of integers");
  auto a = info[i].As<Napi::Array>();
  std::vector<int64_t> v(a.Length());
  for (uint32_t k = 0; k < a.Length(); k++) v[k] = static_cast<int64_t>(a.Get(k).As<Napi::Number>().DoubleValue());
  return v;
}

std::vector<torch::Tensor> tensors(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsArray())
    throw Napi::TypeError::New(info.Env(), "argument " + std::to_string(i) + " must be an array of tensors");
  auto a = info[i].As<Napi::Array>();
  std::vector<torch::Tensor> v;
  v.reserve(a.Length());
  for (uint32_t k = 0; k < a.Length(); k++) {
    Napi::Value x = a.Get(k);
    if (!x.IsExternal()) throw Napi::TypeError::New(info.Env(), "element " + std::to_string(k) + " is not a tensor");
    Box* b = x.As<Napi::External<Box>>().Data();
    if (!box_live(b)) throw Napi::Error::New(info.Env(), "tensor used after dispose() (element " + std::to_string(k) + ")");
    v.push_back(b->t);
  }
  return v;
}

Napi::Array wrap_all(Napi::Env env, const std::vector<torch::Tensor>& ts) {
  auto a = Napi::Array::New(env, ts.size());
  for (size_t k = 0; k < ts.size(); k++) a.Set(k, wrap(env, ts[k]));
  return a;
}

// dtype codes shared with src/torch/dtype.ts
const torch::ScalarType kDtypes[] = {
    torch::kFloat32, torch::kFloat64, torch::kFloat16, torch::kBFloat16, torch::kInt64,
    torch::kInt32,   torch::kInt16,   torch::kInt8,    torch::kUInt8,    torch::kBool};

torch::ScalarType dtype_at(const Napi::CallbackInfo& info, size_t i) {
  int64_t c = int_(info, i);
  if (c < 0 || c >= static_cast<int64_t>(sizeof(kDtypes) / sizeof(kDtypes[0])))
    throw Napi::RangeError::New(info.Env(), "unknown dtype code " + std::to_string(c));
  return kDtypes[c];
}

int dtype_code(torch::ScalarType s) {
  for (size_t k = 0; k < sizeof(kDtypes) / sizeof(kDtypes[0]); k++)
    if (kDtypes[k] == s) return static_cast<int>(k);
  return -1;
}

torch::Device device_at(const Napi::CallbackInfo& info, size_t i) {
  if (!present(info, i)) return torch::Device(torch::kCPU);
  return torch::Device(info[i].As<Napi::String>().Utf8Value());
}

torch::TensorOptions opts(const Napi::CallbackInfo& info, size_t dt, size_t dev) {
  return torch::TensorOptions().dtype(dtype_at(info, dt)).device(device_at(info, dev));
}

// Generators are externals too; null means the default generator of the device.
std::optional<at::Generator> gen_at(const Napi::CallbackInfo& info, size_t i) {
  if (!present(info, i)) return std::nullopt;
  return *info[i].As<Napi::External<at::Generator>>().Data();
}

#define FN(name) Napi::Value name(const Napi::CallbackInfo& info)
#define ENV info.Env()
#define RET(expr) return wrap(ENV, (expr))

// ---------------------------------------------------------------- creation

FN(zeros) { RET(torch::zeros(ints(info, 0), opts(info, 1, 2))); }
FN(ones) { RET(torch::ones(ints(info, 0), opts(info, 1, 2))); }
FN(empty) { RET(torch::empty(ints(info, 0), opts(info, 1, 2))); }
FN(full) { RET(torch::full(ints(info, 0), num(info, 1), opts(info, 2, 3))); }
FN(arange) { RET(torch::arange(num(info, 0), num(info, 1), num(info, 2), opts(info, 3, 4))); }
FN(rand) {
  auto g = gen_at(info, 3);
  RET(g ? torch::rand(ints(info, 0), *g, opts(info, 1, 2)) : torch::rand(ints(info, 0), opts(info, 1, 2)));
}
FN(randn) {
  auto g = gen_at(info, 3);
  RET(g ? torch::randn(ints(info, 0), *g, opts(info, 1, 2)) : torch::randn(ints(info, 0), opts(info, 1, 2)));
}
FN(randint) {
  auto g = gen_at(info, 5);
  auto o = opts(info, 3, 4);
  RET(g ? torch::randint(int_(info, 0), int_(info, 1), ints(info, 2), *g, o)
        : torch::randint(int_(info, 0), int_(info, 1), ints(info, 2), o));
}
FN(scalarTensor) { RET(torch::scalar_tensor(num(info, 0), opts(info, 1, 2))); }

// fromBytes(bytes: ArrayBufferView | ArrayBuffer, dtype, shape): copies the bytes into a new tensor.
FN(fromBytes) {
  const uint8_t* data;
  size_t len;
  if (info[0].IsTypedArray()) {
    auto ta = info[0].As<Napi::TypedArray>();
    data = static_cast<const uint8_t*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
    len = ta.ByteLength();
  } else if (info[0].IsDataView()) {
    auto dv = info[0].As<Napi::DataView>();
    data = static_cast<const uint8_t*>(dv.ArrayBuffer().Data()) + dv.ByteOffset();
    len = dv.ByteLength();
  } else if (info[0].IsArrayBuffer()) {
    auto ab = info[0].As<Napi::ArrayBuffer>();
    data = static_cast<const uint8_t*>(ab.Data());
    len = ab.ByteLength();
  } else {
    throw Napi::TypeError::New(ENV, "fromBytes: expected an ArrayBuffer, typed array, Buffer or DataView");
  }
  auto dt = dtype_at(info, 1);
  auto shape = ints(info, 2);
  int64_t n = 1;
  for (auto s : shape) n *= s;
  size_t need = static_cast<size_t>(n) * c10::elementSize(dt);
  if (need != len)
    throw Napi::RangeError::New(ENV, "fromBytes: " + std::to_string(len) + " bytes given but shape and dtype need " +
                                         std::to_string(need));
  auto t = torch::empty(shape, torch::TensorOptions().dtype(dt));
  if (len) std::memcpy(t.data_ptr(), data, len);
  RET(t);
}

// toBytes(t): a Buffer with a copy of the tensor's elements (contiguous, on the CPU).
FN(toBytes) {
  auto t = T(info, 0).detach().to(torch::kCPU).contiguous();
  return Napi::Buffer<uint8_t>::Copy(ENV, static_cast<const uint8_t*>(t.data_ptr()), t.nbytes());
}

// ---------------------------------------------------------------- metadata

FN(shape) {
  auto& t = T(info, 0);
  auto a = Napi::Array::New(ENV, t.dim());
  for (int64_t k = 0; k < t.dim(); k++) a.Set(static_cast<uint32_t>(k), Napi::Number::New(ENV, static_cast<double>(t.size(k))));
  return a;
}
FN(stride) {
  auto& t = T(info, 0);
  auto a = Napi::Array::New(ENV, t.dim());
  for (int64_t k = 0; k < t.dim(); k++) a.Set(static_cast<uint32_t>(k), Napi::Number::New(ENV, static_cast<double>(t.stride(k))));
  return a;
}
FN(dtype) { return Napi::Number::New(ENV, dtype_code(T(info, 0).scalar_type())); }
FN(device) { return Napi::String::New(ENV, T(info, 0).device().str()); }
FN(numel) { return Napi::Number::New(ENV, static_cast<double>(T(info, 0).numel())); }
FN(isContiguous) { return Napi::Boolean::New(ENV, T(info, 0).is_contiguous()); }
FN(item) {
  auto& t = T(info, 0);
  if (t.numel() != 1)
    throw Napi::Error::New(ENV, "item(): a tensor with " + std::to_string(t.numel()) + " elements cannot be converted to a scalar");
  if (t.scalar_type() == torch::kBool) return Napi::Boolean::New(ENV, t.item<bool>());
  return Napi::Number::New(ENV, t.item<double>());
}
// dispose(h): frees the box (idempotent: a handle that is no longer live is ignored).
FN(dispose) {
  if (info.Length() < 1 || !info[0].IsExternal()) throw Napi::TypeError::New(ENV, "dispose: not a tensor handle");
  Box* b = info[0].As<Napi::External<Box>>().Data();
  if (kindling::box_erase(b)) {
    if (b->accounted) Napi::MemoryManagement::AdjustExternalMemory(ENV, -b->accounted);
    delete b;
  }
  return ENV.Undefined();
}
FN(liveTensors) { return Napi::Number::New(ENV, static_cast<double>(kindling::box_count())); }

// ---------------------------------------------------------------- host memory accounting
// libtorch's CPU allocator reports each allocation and free to the calling thread's memory-profiling
// hook (what torch.profiler's profile_memory reads). A reporter of ours there counts the bytes
// allocated since tracking began and their peak: the CPU counterpart of cuda.max_memory_allocated,
// exact and free of RSS noise. Frees of blocks allocated before tracking began are not reported.
struct HostMemoryReporter : c10::MemoryReportingInfoBase {
  std::atomic<int64_t> current{0}, peak{0};
  void reportMemoryUsage(void*, int64_t size, size_t, size_t, c10::Device device) override {
    if (!device.is_cpu()) return;
    int64_t now = current += size;
    int64_t p = peak.load();
    while (now > p && !peak.compare_exchange_weak(p, now)) {
    }
  }
  bool memoryProfilingEnabled() const override { return true; }
};
static std::shared_ptr<HostMemoryReporter> g_host_memory;
FN(hostMemoryStart) {
  if (g_host_memory) throw Napi::Error::New(ENV, "host memory tracking is already on");
  g_host_memory = std::make_shared<HostMemoryReporter>();
  c10::ThreadLocalDebugInfo::_push(c10::DebugInfoKind::PROFILER_STATE, g_host_memory);
  return ENV.Undefined();
}
// [bytes allocated since start and still live, their peak]
FN(hostMemoryRead) {
  if (!g_host_memory) throw Napi::Error::New(ENV, "host memory tracking is off");
  auto a = Napi::Array::New(ENV, 2);
  a.Set(0u, Napi::Number::New(ENV, static_cast<double>(g_host_memory->current.load())));
  a.Set(1u, Napi::Number::New(ENV, static_cast<double>(g_host_memory->peak.load())));
  return a;
}
FN(hostMemoryStop) {
  if (!g_host_memory) return ENV.Undefined();
  c10::ThreadLocalDebugInfo::_pop(c10::DebugInfoKind::PROFILER_STATE);
  g_host_memory.reset();
  return ENV.Undefined();
}
// A second handle to the same tensor (same storage, same autograd identity).
FN(alias) { RET(T(info, 0)); }

// ---------------------------------------------------------------- autograd

FN(requiresGrad) { return Napi::Boolean::New(ENV, T(info, 0).requires_grad()); }
FN(setRequiresGrad) {
  T(info, 0).requires_grad_(flag(info, 1));
  return ENV.Undefined();
}
FN(grad) { RET(T(info, 0).grad()); }
FN(setGrad) {
  auto& t = T(info, 0);
  t.mutable_grad() = present(info, 1) ? T(info, 1) : torch::Tensor();
  return ENV.Undefined();
}
FN(backward) {
  auto g = OptT(info, 1);
  T(info, 0).backward(g ? *g : torch::Tensor(), flag(info, 2) ? std::optional<bool>(true) : std::nullopt);
  return ENV.Undefined();
}
FN(detach) { RET(T(info, 0).detach()); }
FN(isGradEnabled) { return Napi::Boolean::New(ENV, at::GradMode::is_enabled()); }
FN(setGradEnabled) {
  bool prev = at::GradMode::is_enabled();
  at::GradMode::set_enabled(flag(info, 0));
  return Napi::Boolean::New(ENV, prev);
}
FN(isLeaf) { return Napi::Boolean::New(ENV, T(info, 0).is_leaf()); }
// Autocast (torch.autocast): enter(device, dtypeCode, enabled) -> [prevEnabled, prevScalarType];
// exit(device, prevEnabled, prevScalarType). The previous dtype travels as libtorch's own ScalarType
// number, so any autocast dtype (not only those kindling names) is restored exactly. The cast cache
// lives while any autocast region is open.
FN(autocastEnter) {
  auto dev = device_at(info, 0).type();
  auto prev = Napi::Array::New(ENV, 2);
  prev.Set(0u, Napi::Boolean::New(ENV, at::autocast::is_autocast_enabled(dev)));
  prev.Set(1u, Napi::Number::New(ENV, static_cast<int>(at::autocast::get_autocast_dtype(dev))));
  at::autocast::set_autocast_enabled(dev, flag(info, 2));
  at::autocast::set_autocast_dtype(dev, dtype_at(info, 1));
  at::autocast::increment_nesting();
  return prev;
}
FN(autocastExit) {
  auto dev = device_at(info, 0).type();
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  at::autocast::set_autocast_enabled(dev, flag(info, 1));
  at::autocast::set_autocast_dtype(dev, static_cast<at::ScalarType>(int_(info, 2)));
  return ENV.Undefined();
}
FN(isAutocastEnabled) { return Napi::Boolean::New(ENV, at::autocast::is_autocast_enabled(device_at(info, 0).type())); }

// ---------------------------------------------------------------- conversion

FN(to) { SERIAL_IF_SMALL(0)
  auto& t = T(info, 0);
  auto dev = present(info, 1) ? device_at(info, 1) : t.device();
  auto dt = present(info, 2) ? dtype_at(info, 2) : t.scalar_type();
  RET(t.to(dev, dt, /*non_blocking=*/false, /*copy=*/flag(info, 3)));
}
FN(clone) { SERIAL_IF_SMALL(0) RET(T(info, 0).clone()); }
FN(contiguous) { SERIAL_IF_SMALL(0) RET(T(info, 0).contiguous()); }

// ---------------------------------------------------------------- views and indexing

FN(view) { RET(T(info, 0).view(ints(info, 1))); }
FN(reshape) { SERIAL_IF_SMALL(0) RET(T(info, 0).reshape(ints(info, 1))); }
FN(permute) { RET(T(info, 0).permute(ints(info, 1))); }
FN(transpose) { RET(T(info, 0).transpose(int_(info, 1), int_(info, 2))); }
FN(narrow) { RET(T(info, 0).narrow(int_(info, 1), int_(info, 2), int_(info, 3))); }
FN(slice) {
  std::optional<int64_t> start, end;
  if (present(info, 2)) start = int_(info, 2);
  if (present(info, 3)) end = int_(info, 3);
  RET(T(info, 0).slice(int_(info, 1), start, end, present(info, 4) ? int_(info, 4) : 1));
}
FN(select) { RET(T(info, 0).select(int_(info, 1), int_(info, 2))); }
FN(squeeze) { RET(present(info, 1) ? T(info, 0).squeeze(int_(info, 1)) : T(info, 0).squeeze()); }
FN(unsqueeze) { RET(T(info, 0).unsqueeze(int_(info, 1))); }
FN(expand) { RET(T(info, 0).expand(ints(info, 1))); }
FN(flatten) { RET(T(info, 0).flatten(int_(info, 1), int_(info, 2))); }
FN(repeat) { SERIAL_IF_SMALL(0) RET(T(info, 0).repeat(ints(info, 1))); }
FN(repeatInterleave) { SERIAL_IF_SMALL(0) RET(T(info, 0).repeat_interleave(int_(info, 1), int_(info, 2))); }
static int64_t total_numel(const std::vector<torch::Tensor>& ts) {
  int64_t n = 0;
  for (auto& t : ts) n += t.numel();
  return n;
}
FN(cat) {
  auto ts = tensors(info, 0);
  SerialIfSmall serial(total_numel(ts));
  RET(torch::cat(ts, int_(info, 1)));
}
FN(stack) {
  auto ts = tensors(info, 0);
  SerialIfSmall serial(total_numel(ts));
  RET(torch::stack(ts, int_(info, 1)));
}
FN(split) {
  if (info[1].IsArray()) return wrap_all(ENV, T(info, 0).split_with_sizes(ints(info, 1), int_(info, 2)));
  return wrap_all(ENV, T(info, 0).split(int_(info, 1), int_(info, 2)));
}
FN(chunk) { return wrap_all(ENV, T(info, 0).chunk(int_(info, 1), int_(info, 2))); }
FN(indexSelect) { SERIAL_IF_SMALL(0) RET(T(info, 0).index_select(int_(info, 1), T(info, 2))); }
FN(gather) { SERIAL_IF_SMALL(0) RET(T(info, 0).gather(int_(info, 1), T(info, 2))); }
FN(scatter) { SERIAL_IF_SMALL(0) RET(T(info, 0).scatter(int_(info, 1), T(info, 2), T(info, 3))); }
FN(scatterAdd) { SERIAL_IF_SMALL(0) RET(T(info, 0).scatter_add(int_(info, 1), T(info, 2), T(info, 3))); }
FN(maskedFill) { SERIAL_IF_SMALL(0)
  if (info[2].IsNumber()) RET(T(info, 0).masked_fill(T(info, 1), num(info, 2)));
  RET(T(info, 0).masked_fill(T(info, 1), T(info, 2)));
}
FN(where) { SERIAL_IF_SMALL(0) RET(torch::where(T(info, 0), T(info, 1), T(info, 2))); }
FN(lerp) { SERIAL_IF_SMALL(0) RET(T(info, 0).lerp(T(info, 1), T(info, 2))); }
FN(tril) { SERIAL_IF_SMALL(0) RET(T(info, 0).tril(int_(info, 1))); }
FN(triu) { SERIAL_IF_SMALL(0) RET(T(info, 0).triu(int_(info, 1))); }
// Advanced indexing with one index tensor per leading dim (null = take the whole dim).
FN(index) { SERIAL_IF_SMALL(0)
  auto a = info[1].As<Napi::Array>();
  c10::List<std::optional<at::Tensor>> idx;
  for (uint32_t k = 0; k < a.Length(); k++) {
    Napi::Value x = a.Get(k);
    if (x.IsNull() || x.IsUndefined()) idx.push_back(std::nullopt);
    else {
      Box* b = x.As<Napi::External<Box>>().Data();
      if (!box_live(b)) throw Napi::Error::New(ENV, "tensor used after dispose() (index " + std::to_string(k) + ")");
      idx.push_back(b->t);
    }
  }
  RET(T(info, 0).index(idx));
}

// ---------------------------------------------------------------- math

enum Unary {
  U_NEG, U_ABS, U_EXP, U_LOG, U_SQRT, U_RSQRT, U_TANH, U_SIGMOID, U_SILU, U_RELU, U_GELU, U_SIN, U_COS,
  U_FLOOR, U_CEIL, U_ROUND, U_SIGN, U_RECIPROCAL, U_LOG1P, U_EXPM1, U_ERF, U_LOGICAL_NOT, U_ISNAN,
  U_ISINF, U_SQUARE, U_GELU_TANH, U_ISFINITE, U_BITWISE_NOT
};

FN(unary) { SERIAL_IF_SMALL(0)
  auto& t = T(info, 0);
  switch (int_(info, 1)) {
    case U_NEG: RET(t.neg());
    case U_ABS: RET(t.abs());
    case U_EXP: RET(t.exp());
    case U_LOG: RET(t.log());
    case U_SQRT: RET(t.sqrt());
    case U_RSQRT: RET(t.rsqrt());
    case U_TANH: RET(t.tanh());
    case U_SIGMOID: RET(t.sigmoid());
    case U_SILU: RET(torch::silu(t));
    case U_RELU: RET(t.relu());
    case U_GELU: RET(torch::gelu(t));
    case U_GELU_TANH: RET(torch::gelu(t, "tanh"));
    case U_SIN: RET(t.sin());
    case U_COS: RET(t.cos());
    case U_FLOOR: RET(t.floor());
    case U_CEIL: RET(t.ceil());
    case U_ROUND: RET(t.round());
    case U_SIGN: RET(t.sign());
    case U_RECIPROCAL: RET(t.reciprocal());
    case U_LOG1P: RET(t.log1p());
    case U_EXPM1: RET(t.expm1());
    case U_ERF: RET(t.erf());
    case U_LOGICAL_NOT: RET(t.logical_not());
    case U_ISNAN: RET(t.isnan());
    case U_ISINF: RET(t.isinf());
    case U_ISFINITE: RET(t.isfinite());
    case U_SQUARE: RET(t.square());
    case U_BITWISE_NOT: RET(t.bitwise_not());
  }
  throw Napi::RangeError::New(ENV, "unknown unary op");
}

enum Binary {
  B_ADD, B_SUB, B_MUL, B_DIV, B_POW, B_MAXIMUM, B_MINIMUM, B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE,
  B_LOGICAL_AND, B_LOGICAL_OR, B_LOGICAL_XOR, B_REMAINDER, B_FLOOR_DIVIDE, B_ATAN2, B_BITWISE_AND,
  B_BITWISE_OR
};

torch::Tensor binary_op(const Napi::CallbackInfo& info, const torch::Tensor& a, const torch::Scalar* s,
                        const torch::Tensor* b, int64_t op) {
#define BIN(method) return s ? a.method(*s) : a.method(*b)
  switch (op) {
    case B_ADD: BIN(add);
    case B_SUB: BIN(sub);
    case B_MUL: BIN(mul);
    case B_DIV: BIN(div);
    case B_POW: BIN(pow);
    case B_EQ: BIN(eq);
    case B_NE: BIN(ne);
    case B_LT: BIN(lt);
    case B_LE: BIN(le);
    case B_GT: BIN(gt);
    case B_GE: BIN(ge);
    case B_REMAINDER: BIN(remainder);
    case B_FLOOR_DIVIDE: BIN(floor_divide);
    case B_BITWISE_AND: BIN(bitwise_and);
    case B_BITWISE_OR: BIN(bitwise_or);
    case B_MAXIMUM: return s ? a.clamp_min(*s) : a.maximum(*b);
    case B_MINIMUM: return s ? a.clamp_max(*s) : a.minimum(*b);
    case B_LOGICAL_AND: return s ? a.logical_and(torch::scalar_tensor(*s, a.options())) : a.logical_and(*b);
    case B_LOGICAL_OR: return s ? a.logical_or(torch::scalar_tensor(*s, a.options())) : a.logical_or(*b);
    case B_LOGICAL_XOR: return s ? a.logical_xor(torch::scalar_tensor(*s, a.options())) : a.logical_xor(*b);
    case B_ATAN2: return s ? a.atan2(torch::scalar_tensor(*s, a.options())) : a.atan2(*b);
  }
#undef BIN
  throw Napi::RangeError::New(info.Env(), "unknown binary op");
}

// binary(a, b: tensor | number, op)
FN(binary) { SERIAL_IF_SMALL(0)
  auto& a = T(info, 0);
  int64_t op = int_(info, 2);
  if (info[1].IsNumber()) {
    torch::Scalar s(num(info, 1));
    RET(binary_op(info, a, &s, nullptr, op));
  }
  auto& b = T(info, 1);
  RET(binary_op(info, a, nullptr, &b, op));
}
// rbinary(number, b, op): number OP b, for the scalar-on-the-left cases (1 - x, 2 / x, 2 ** x)
FN(rbinary) { SERIAL_IF_SMALL(1)
  auto s = torch::scalar_tensor(num(info, 0), T(info, 1).options().requires_grad(false));
  auto& b = T(info, 1);
  RET(binary_op(info, s, nullptr, &b, int_(info, 2)));
}
FN(addScaled) { SERIAL_IF_SMALL(0) RET(T(info, 0).add(T(info, 1), num(info, 2))); }  // a + alpha * b

enum Reduce { R_SUM, R_MEAN, R_AMAX, R_AMIN, R_PROD, R_LOGSUMEXP, R_STD, R_VAR, R_ALL, R_ANY, R_NORM };

// reduce(t, op, dims: number[] | null, keepdim, extra): null dims = all elements
FN(reduce) { SERIAL_IF_SMALL(0)
  auto& t = T(info, 0);
  int64_t op = int_(info, 1);
  bool all = !present(info, 2);
  std::vector<int64_t> dims = all ? std::vector<int64_t>{} : ints(info, 2);
  bool keep = flag(info, 3);
  at::OptionalIntArrayRef od = all ? at::OptionalIntArrayRef() : at::OptionalIntArrayRef(dims);
  switch (op) {
    case R_SUM: RET(all ? t.sum() : t.sum(dims, keep));
    case R_MEAN: RET(all ? t.mean() : t.mean(dims, keep));
    case R_AMAX: RET(all ? t.amax(at::IntArrayRef{}) : t.amax(dims, keep));
    case R_AMIN: RET(all ? t.amin(at::IntArrayRef{}) : t.amin(dims, keep));
    case R_PROD: {
      if (all) RET(t.prod());
      auto r = t;
      std::vector<int64_t> sorted = dims;
      for (auto& d : sorted) if (d < 0) d += t.dim();
      std::sort(sorted.rbegin(), sorted.rend());
      for (auto d : sorted) r = r.prod(d, keep);
      RET(r);
    }
    case R_LOGSUMEXP: {
      if (all) RET(t.flatten().logsumexp(0));
      RET(t.logsumexp(dims, keep));
    }
    case R_STD: RET(t.std(od, present(info, 4) ? num(info, 4) : 1.0, keep));
    case R_VAR: RET(t.var(od, present(info, 4) ? num(info, 4) : 1.0, keep));
    case R_ALL: {
      if (all) RET(t.all());
      auto r = t;
      for (auto d : dims) r = r.all(d, true);
      RET(keep ? r : r.squeeze(dims));
    }
    case R_ANY: {
      if (all) RET(t.any());
      auto r = t;
      for (auto d : dims) r = r.any(d, true);
      RET(keep ? r : r.squeeze(dims));
    }
    case R_NORM: RET(all ? t.norm(present(info, 4) ? num(info, 4) : 2.0)
                         : at::norm(t, present(info, 4) ? num(info, 4) : 2.0, dims, keep));
  }
  throw Napi::RangeError::New(ENV, "unknown reduction");
}
// maxDim / minDim (t, dim, keepdim) -> [values, indices]
FN(maxDim) { SERIAL_IF_SMALL(0)
  auto r = T(info, 0).max(int_(info, 1), flag(info, 2));
  return wrap_all(ENV, {std::get<0>(r), std::get<1>(r)});
}
FN(minDim) { SERIAL_IF_SMALL(0)
  auto r = T(info, 0).min(int_(info, 1), flag(info, 2));
  return wrap_all(ENV, {std::get<0>(r), std::get<1>(r)});
}
FN(argmax) { SERIAL_IF_SMALL(0)
  if (!present(info, 1)) RET(T(info, 0).argmax());
  RET(T(info, 0).argmax(int_(info, 1), flag(info, 2)));
}
FN(argmin) { SERIAL_IF_SMALL(0)
  if (!present(info, 1)) RET(T(info, 0).argmin());
  RET(T(info, 0).argmin(int_(info, 1), flag(info, 2)));
}
FN(matmul) { RET(T(info, 0).matmul(T(info, 1))); }
FN(mm) { RET(T(info, 0).mm(T(info, 1))); }
FN(bmm) { RET(T(info, 0).bmm(T(info, 1))); }
FN(linear) { RET(torch::linear(T(info, 0), T(info, 1), OptT(info, 2))); }
// oneDNN-prepacked linear for CPU inference (the ops Inductor's CPU freezing uses): the weight is
// reordered once into oneDNN's blocked layout, so each small-batch GEMM of a decode step skips the
// packing MKL's sgemm does on every call. Called boxed through the dispatcher: the ops live in the
// `mkldnn` namespace, not in ATen's C++ API.
// The handle is looked up once per op (linearPacked runs several times per layer and decode step).
static c10::IValue call_op(const c10::OperatorHandle& op, std::vector<c10::IValue> args) {
  torch::jit::Stack stack(std::make_move_iterator(args.begin()), std::make_move_iterator(args.end()));
  op.callBoxed(&stack);
  return stack.at(0);
}
FN(hasPackedLinear) {
  auto& d = c10::Dispatcher::singleton();
  return Napi::Boolean::New(ENV, at::hasMKLDNN() && d.findSchema({"mkldnn::_linear_pointwise", ""}).has_value() &&
                                     d.findSchema({"mkldnn::_reorder_linear_weight", ""}).has_value());
}
// packLinearWeight(weight [out, in] float32 CPU, batchHint | null)
FN(packLinearWeight) {
  c10::IValue hint = present(info, 1) ? c10::IValue(int_(info, 1)) : c10::IValue();
  static const auto op = c10::Dispatcher::singleton().findSchemaOrThrow("mkldnn::_reorder_linear_weight", "");
  RET(call_op(op, {T(info, 0), hint}).toTensor());
}
// linearPacked(x, packedWeight, bias | null)
FN(linearPacked) {
  auto b = OptT(info, 2);
  c10::IValue bias = b ? c10::IValue(*b) : c10::IValue();
  static const auto op = c10::Dispatcher::singleton().findSchemaOrThrow("mkldnn::_linear_pointwise", "");
  RET(call_op(op, {T(info, 0), T(info, 1), bias, c10::IValue(std::string("none")),
                   c10::IValue(c10::List<std::optional<c10::Scalar>>()), c10::IValue()})
          .toTensor());
}
FN(softmax) { SERIAL_IF_SMALL(0) RET(T(info, 0).softmax(int_(info, 1), present(info, 2) ? std::optional(dtype_at(info, 2)) : std::nullopt)); }
FN(logSoftmax) { SERIAL_IF_SMALL(0)
  RET(T(info, 0).log_softmax(int_(info, 1), present(info, 2) ? std::optional(dtype_at(info, 2)) : std::nullopt));
}
FN(embedding) { RET(torch::embedding(T(info, 0), T(info, 1))); }
// crossEntropy(logits [N, C], target [N], ignoreIndex, reduction 0 none | 1 mean | 2 sum, labelSmoothing)
FN(crossEntropy) { SERIAL_IF_SMALL(0)
  RET(at::cross_entropy_loss(T(info, 0), T(info, 1), std::nullopt, int_(info, 3), int_(info, 2),
                             present(info, 4) ? num(info, 4) : 0.0));
}
FN(topk) { SERIAL_IF_SMALL(0)
  auto r = T(info, 0).topk(int_(info, 1), int_(info, 2), flag(info, 3), flag(info, 4));
  return wrap_all(ENV, {std::get<0>(r), std::get<1>(r)});
}
FN(sort) { SERIAL_IF_SMALL(0)
  auto r = T(info, 0).sort(/*stable=*/true, int_(info, 1), flag(info, 2));
  return wrap_all(ENV, {std::get<0>(r), std::get<1>(r)});
}
FN(cumsum) { SERIAL_IF_SMALL(0) RET(T(info, 0).cumsum(int_(info, 1))); }
FN(multinomial) {
  auto g = gen_at(info, 3);
  RET(T(info, 0).multinomial(int_(info, 1), flag(info, 2), g));
}
FN(clamp) { SERIAL_IF_SMALL(0)
  std::optional<torch::Scalar> lo, hi;
  if (present(info, 1)) lo = num(info, 1);
  if (present(info, 2)) hi = num(info, 2);
  RET(T(info, 0).clamp(lo, hi));
}
FN(sdpa) {
  std::optional<double> scale;
  if (present(info, 5)) scale = num(info, 5);
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 5)
  RET(at::scaled_dot_product_attention(T(info, 0), T(info, 1), T(info, 2), OptT(info, 3), 0.0, flag(info, 4), scale,
                                       flag(info, 6)));
#else
  if (flag(info, 6)) throw Napi::Error::New(ENV, "enable_gqa needs libtorch >= 2.5");
  RET(at::scaled_dot_product_attention(T(info, 0), T(info, 1), T(info, 2), OptT(info, 3), 0.0, flag(info, 4), scale));
#endif
}
// sdpaLse(q, k, v, mask | null, scale | null) -> [out, logsumexp]: attention that also returns each
// query's log-sum-exp, so attention over two key sets (a shared prompt prefix and a row's own tokens)
// can be merged exactly. CPU only (libtorch's flash kernel); other devices compute it in TypeScript.
FN(sdpaLse) {
  std::optional<double> scale;
  if (present(info, 4)) scale = num(info, 4);
  auto r = at::_scaled_dot_product_flash_attention_for_cpu(T(info, 0), T(info, 1), T(info, 2), 0.0, false,
                                                           OptT(info, 3), scale);
  return wrap_all(ENV, {std::get<0>(r), std::get<1>(r)});
}
FN(rmsNorm) { SERIAL_IF_SMALL(0)
  std::optional<double> eps;
  if (present(info, 3)) eps = num(info, 3);
  auto& x = T(info, 0);
  RET(at::rms_norm(x, {x.size(-1)}, OptT(info, 1), eps));
}
FN(layerNorm) { SERIAL_IF_SMALL(0)
  auto& x = T(info, 0);
  RET(at::layer_norm(x, {x.size(-1)}, OptT(info, 1), OptT(info, 2), num(info, 3)));
}
FN(dropout) { SERIAL_IF_SMALL(0) RET(torch::dropout(T(info, 0), num(info, 1), flag(info, 2))); }
FN(nanToNum) { SERIAL_IF_SMALL(0) RET(T(info, 0).nan_to_num(num(info, 1))); }
FN(outer) { RET(T(info, 0).outer(T(info, 1))); }
FN(allclose) { return Napi::Boolean::New(ENV, T(info, 0).allclose(T(info, 1), num(info, 2), num(info, 3))); }
FN(equal) { return Napi::Boolean::New(ENV, T(info, 0).equal(T(info, 1))); }

// ---------------------------------------------------------------- in place (parameters, optimizer state)

FN(copy_) { SERIAL_IF_SMALL(0)
  T(info, 0).copy_(T(info, 1));
  return ENV.Undefined();
}
FN(fill_) { SERIAL_IF_SMALL(0)
  T(info, 0).fill_(num(info, 1));
  return ENV.Undefined();
}
FN(zero_) { SERIAL_IF_SMALL(0)
  T(info, 0).zero_();
  return ENV.Undefined();
}
FN(normal_) {
  T(info, 0).normal_(num(info, 1), num(info, 2), gen_at(info, 3));
  return ENV.Undefined();
}
FN(uniform_) {
  T(info, 0).uniform_(num(info, 1), num(info, 2), gen_at(info, 3));
  return ENV.Undefined();
}
FN(mul_) { SERIAL_IF_SMALL(0)
  if (info[1].IsNumber()) T(info, 0).mul_(num(info, 1));
  else T(info, 0).mul_(T(info, 1));
  return ENV.Undefined();
}
FN(add_) { SERIAL_IF_SMALL(0)
  double alpha = present(info, 2) ? num(info, 2) : 1.0;
  if (info[1].IsNumber()) T(info, 0).add_(num(info, 1) * alpha);
  else T(info, 0).add_(T(info, 1), alpha);
  return ENV.Undefined();
}
// self = beta·self + alpha·(m1 @ m2), in place: accumulates a product without allocating it
// (the chunked LM-head loss adds each chunk's [V,D] weight gradient this way).
FN(addmm_) {
  double beta = present(info, 3) ? num(info, 3) : 1.0;
  double alpha = present(info, 4) ? num(info, 4) : 1.0;
  T(info, 0).addmm_(T(info, 1), T(info, 2), beta, alpha);
  return ENV.Undefined();
}

// ---------------------------------------------------------------- random numbers

FN(manualSeed) {
  torch::manual_seed(static_cast<uint64_t>(int_(info, 0)));
  return ENV.Undefined();
}
FN(getRngState) {
  at::Generator g = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(g.mutex());
  RET(g.get_state());
}
FN(setRngState) {
  at::Generator g = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(g.mutex());
  g.set_state(T(info, 0));
  return ENV.Undefined();
}
// newGenerator(seed, device?): a CPU generator, or for a CUDA device a clone of that device's default
// generator reseeded (sampling on the GPU needs a generator of the GPU's kind).
FN(newGenerator) {
  auto seed = static_cast<uint64_t>(int_(info, 0));
  at::Generator* g;
  if (present(info, 1) && device_at(info, 1).is_cuda()) {
    auto index = device_at(info, 1).has_index() ? device_at(info, 1).index() : 0;
    at::Generator def = at::detail::getCUDAHooks().getDefaultGenerator(index);
    std::lock_guard<std::mutex> lock(def.mutex());
    g = new at::Generator(def.clone());
    g->set_current_seed(seed);
  } else {
    g = new at::Generator(at::make_generator<at::CPUGeneratorImpl>(seed));
  }
  return Napi::External<at::Generator>::New(ENV, g, [](Napi::Env, at::Generator* p) { delete p; });
}
FN(generatorGetState) { RET(info[0].As<Napi::External<at::Generator>>().Data()->get_state()); }
FN(generatorSetState) {
  info[0].As<Napi::External<at::Generator>>().Data()->set_state(T(info, 1));
  return ENV.Undefined();
}
FN(generatorSeed) {
  info[0].As<Napi::External<at::Generator>>().Data()->set_current_seed(static_cast<uint64_t>(int_(info, 1)));
  return ENV.Undefined();
}

// ---------------------------------------------------------------- optimizer (libtorch's AdamW)

using torch::optim::AdamW;
using torch::optim::AdamWOptions;
using torch::optim::AdamWParamState;

AdamW* opt_at(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::External<AdamW>>().Data(); }

AdamWOptions adamw_options(const Napi::Object& o) {
  AdamWOptions x;
  if (o.Has("lr")) x.lr(o.Get("lr").As<Napi::Number>().DoubleValue());
  if (o.Has("beta1") && o.Has("beta2"))
    x.betas({o.Get("beta1").As<Napi::Number>().DoubleValue(), o.Get("beta2").As<Napi::Number>().DoubleValue()});
  if (o.Has("eps")) x.eps(o.Get("eps").As<Napi::Number>().DoubleValue());
  if (o.Has("weightDecay")) x.weight_decay(o.Get("weightDecay").As<Napi::Number>().DoubleValue());
  if (o.Has("amsgrad")) x.amsgrad(o.Get("amsgrad").ToBoolean().Value());
  return x;
}

// adamwNew(groups: {params: handle[], lr, beta1, beta2, eps, weightDecay, amsgrad}[])
FN(adamwNew) {
  auto arr = info[0].As<Napi::Array>();
  std::vector<torch::optim::OptimizerParamGroup> groups;
  for (uint32_t k = 0; k < arr.Length(); k++) {
    auto g = arr.Get(k).As<Napi::Object>();
    auto ps = g.Get("params").As<Napi::Array>();
    std::vector<torch::Tensor> params;
    for (uint32_t j = 0; j < ps.Length(); j++) {
      Box* b = ps.Get(j).As<Napi::External<Box>>().Data();
      if (!box_live(b)) throw Napi::Error::New(ENV, "AdamW: a parameter tensor was disposed");
      params.push_back(b->t);
    }
    groups.emplace_back(params, std::make_unique<AdamWOptions>(adamw_options(g)));
  }
  auto* opt = new AdamW(std::move(groups), AdamWOptions());
  return Napi::External<AdamW>::New(ENV, opt, [](Napi::Env, AdamW* p) { delete p; });
}
// One AdamW step over each group with ATen's fused kernel (_fused_adamw_, what torch.optim.AdamW
// runs with fused=True): one pass over each parameter and its state, no temporaries. libtorch's
// C++ AdamW::step allocates two parameter-sized temporaries per tensor and makes ~10 passes, which
// at 494 M parameters costs seconds and ~1 GB of peak memory (measured in bench/memory.mjs).
// The state stays in the optimizer's own AdamWParamState (get/setState and checkpoints see it).
FN(adamwStep) {
  auto* opt = opt_at(info, 0);
  torch::NoGradGuard no_grad;
#if defined(__GLIBC__)
  // The step runs when backward's activations are all freed, but glibc keeps freed heap pages
  // resident (measured ~1 GB at 0.5B parameters, 4k tokens), and the step's memory (the parameters,
  // gradients and both moments) comes on top: hand them back first. Milliseconds; CPU only.
  bool on_cpu = false;
  for (auto& group : opt->param_groups())
    for (auto& p : group.params()) on_cpu = on_cpu || p.device().is_cpu();
  if (on_cpu) malloc_trim(0);
#endif
  for (auto& group : opt->param_groups()) {
    auto& o = static_cast<AdamWOptions&>(group.options());
    // The fused kernel wants one device and dtype per call.
    std::map<std::pair<std::string, int>, std::vector<size_t>> buckets;
    auto& params = group.params();
    for (size_t i = 0; i < params.size(); i++) {
      auto& p = params[i];
      if (!p.grad().defined()) continue;
      if (p.grad().is_sparse()) throw Napi::Error::New(ENV, "AdamW: sparse gradients are not supported");
      buckets[{p.device().str(), static_cast<int>(p.scalar_type())}].push_back(i);
    }
    for (auto& [key, idx] : buckets) {
      std::vector<at::Tensor> ps, gs, m1, m2, mx, steps;
      for (size_t i : idx) {
        auto& p = params[i];
        auto& slot = opt->state()[p.unsafeGetTensorImpl()];
        if (!slot) {
          auto st = std::make_unique<AdamWParamState>();
          st->step(0);
          st->exp_avg(torch::zeros_like(p, at::MemoryFormat::Preserve));
          st->exp_avg_sq(torch::zeros_like(p, at::MemoryFormat::Preserve));
          if (o.amsgrad()) st->max_exp_avg_sq(torch::zeros_like(p, at::MemoryFormat::Preserve));
          slot = std::move(st);
        }
        auto& st = static_cast<AdamWParamState&>(*slot);
        st.step(st.step() + 1);
        ps.push_back(p);
        gs.push_back(p.grad());
        m1.push_back(st.exp_avg());
        m2.push_back(st.exp_avg_sq());
        if (o.amsgrad()) mx.push_back(st.max_exp_avg_sq());
        steps.push_back(torch::full({}, static_cast<double>(st.step()), torch::dtype(torch::kFloat).device(p.device())));
      }
      at::_fused_adamw_(ps, gs, m1, m2, mx, steps, o.lr(), std::get<0>(o.betas()), std::get<1>(o.betas()),
                        o.weight_decay(), o.eps(), o.amsgrad(), false);
    }
  }
  return ENV.Undefined();
}
FN(adamwZeroGrad) {
  opt_at(info, 0)->zero_grad(flag(info, 1));
  return ENV.Undefined();
}
FN(adamwSetGroup) {
  auto& o = static_cast<AdamWOptions&>(opt_at(info, 0)->param_groups().at(int_(info, 1)).options());
  auto n = adamw_options(info[2].As<Napi::Object>());
  auto given = info[2].As<Napi::Object>();
  if (given.Has("lr")) o.lr(n.lr());
  if (given.Has("beta1")) o.betas(n.betas());
  if (given.Has("eps")) o.eps(n.eps());
  if (given.Has("weightDecay")) o.weight_decay(n.weight_decay());
  return ENV.Undefined();
}
FN(adamwGetGroup) {
  auto& o = static_cast<AdamWOptions&>(opt_at(info, 0)->param_groups().at(int_(info, 1)).options());
  auto r = Napi::Object::New(ENV);
  r.Set("lr", o.lr());
  r.Set("beta1", std::get<0>(o.betas()));
  r.Set("beta2", std::get<1>(o.betas()));
  r.Set("eps", o.eps());
  r.Set("weightDecay", o.weight_decay());
  r.Set("amsgrad", o.amsgrad());
  return r;
}
// adamwGetState(opt, param) -> {step, expAvg, expAvgSq, maxExpAvgSq?} | null
FN(adamwGetState) {
  auto* opt = opt_at(info, 0);
  auto& p = T(info, 1);
  auto it = opt->state().find(p.unsafeGetTensorImpl());
  if (it == opt->state().end()) return ENV.Null();
  auto& s = static_cast<AdamWParamState&>(*it->second);
  auto r = Napi::Object::New(ENV);
  r.Set("step", Napi::Number::New(ENV, static_cast<double>(s.step())));
  r.Set("expAvg", wrap(ENV, s.exp_avg()));
  r.Set("expAvgSq", wrap(ENV, s.exp_avg_sq()));
  if (s.max_exp_avg_sq().defined()) r.Set("maxExpAvgSq", wrap(ENV, s.max_exp_avg_sq()));
  return r;
}
// adamwSetState(opt, param, step, expAvg, expAvgSq, maxExpAvgSq?) — tensors are copied
FN(adamwSetState) {
  auto* opt = opt_at(info, 0);
  auto& p = T(info, 1);
  auto s = std::make_unique<AdamWParamState>();
  s->step(int_(info, 2));
  s->exp_avg(T(info, 3).detach().clone().to(p.device()));
  s->exp_avg_sq(T(info, 4).detach().clone().to(p.device()));
  if (present(info, 5)) s->max_exp_avg_sq(T(info, 5).detach().clone().to(p.device()));
  opt->state()[p.unsafeGetTensorImpl()] = std::move(s);
  return ENV.Undefined();
}
FN(clipGradNorm) {
  return Napi::Number::New(ENV, torch::nn::utils::clip_grad_norm_(tensors(info, 0), num(info, 1),
                                                                  present(info, 2) ? num(info, 2) : 2.0));
}

// ---------------------------------------------------------------- runtime information

FN(version) { return Napi::String::New(ENV, TORCH_VERSION); }
FN(showConfig) { return Napi::String::New(ENV, at::show_config()); }
FN(parallelInfo) { return Napi::String::New(ENV, at::get_parallel_info()); }
FN(setSerialBelow) {
  g_serial_below = int_(info, 0);
  return ENV.Undefined();
}
FN(getSerialBelow) { return Napi::Number::New(ENV, static_cast<double>(g_serial_below)); }
FN(getNumThreads) { return Napi::Number::New(ENV, at::get_num_threads()); }
FN(setNumThreads) {
  at::set_num_threads(static_cast<int>(int_(info, 0)));
  return ENV.Undefined();
}
FN(getNumInteropThreads) { return Napi::Number::New(ENV, at::get_num_interop_threads()); }
FN(cudaIsAvailable) { return Napi::Boolean::New(ENV, torch::cuda::is_available()); }
FN(cudaDeviceCount) { return Napi::Number::New(ENV, static_cast<double>(torch::cuda::device_count())); }
FN(cudaSynchronize) {
  if (torch::cuda::is_available()) torch::cuda::synchronize();
  return ENV.Undefined();
}
// Peak bytes the accelerator's caching allocator handed out since the last reset (CUDA's
// max_memory_allocated, through ATen's device-generic accelerator API), for device index i.
FN(acceleratorMaxMemoryAllocated) {
  auto stats = at::accelerator::getDeviceStats(static_cast<c10::DeviceIndex>(int_(info, 0)));
  return Napi::Number::New(
      ENV, static_cast<double>(stats.allocated_bytes[static_cast<size_t>(c10::CachingAllocator::StatType::AGGREGATE)].peak));
}
FN(acceleratorResetPeakMemory) {
  at::accelerator::resetPeakStats(static_cast<c10::DeviceIndex>(int_(info, 0)));
  return ENV.Undefined();
}
FN(mpsIsAvailable) { return Napi::Boolean::New(ENV, torch::mps::is_available()); }
FN(cxx11Abi) { return Napi::Boolean::New(ENV, _GLIBCXX_USE_CXX11_ABI != 0); }

}  // namespace

#define EXPORT(name) exports.Set(#name, Napi::Function::New(env, guarded<name>, #name))

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  EXPORT(zeros); EXPORT(ones); EXPORT(empty); EXPORT(full); EXPORT(arange); EXPORT(rand); EXPORT(randn);
  EXPORT(randint); EXPORT(scalarTensor); EXPORT(fromBytes); EXPORT(toBytes);
  EXPORT(shape); EXPORT(stride); EXPORT(dtype); EXPORT(device); EXPORT(numel); EXPORT(isContiguous); EXPORT(item);
  EXPORT(dispose); EXPORT(liveTensors); EXPORT(alias);
  EXPORT(hostMemoryStart); EXPORT(hostMemoryRead); EXPORT(hostMemoryStop);
  EXPORT(requiresGrad); EXPORT(setRequiresGrad); EXPORT(grad); EXPORT(setGrad); EXPORT(backward); EXPORT(detach);
  EXPORT(isGradEnabled); EXPORT(setGradEnabled); EXPORT(isLeaf);
  EXPORT(to); EXPORT(clone); EXPORT(contiguous);
  EXPORT(view); EXPORT(reshape); EXPORT(permute); EXPORT(transpose); EXPORT(narrow); EXPORT(slice); EXPORT(select);
  EXPORT(squeeze); EXPORT(unsqueeze); EXPORT(expand); EXPORT(flatten); EXPORT(repeat); EXPORT(repeatInterleave);
  EXPORT(cat); EXPORT(stack); EXPORT(split); EXPORT(chunk);
  EXPORT(indexSelect); EXPORT(gather); EXPORT(scatter); EXPORT(scatterAdd); EXPORT(maskedFill); EXPORT(where);
  EXPORT(tril); EXPORT(triu); EXPORT(index);
  EXPORT(unary); EXPORT(binary); EXPORT(rbinary); EXPORT(addScaled); EXPORT(reduce); EXPORT(maxDim); EXPORT(minDim);
  EXPORT(argmax); EXPORT(argmin); EXPORT(matmul); EXPORT(mm); EXPORT(bmm); EXPORT(linear); EXPORT(softmax);
  EXPORT(logSoftmax); EXPORT(embedding); EXPORT(crossEntropy); EXPORT(topk); EXPORT(sort); EXPORT(cumsum);
  EXPORT(multinomial); EXPORT(clamp); EXPORT(sdpa); EXPORT(rmsNorm); EXPORT(layerNorm); EXPORT(dropout);
  EXPORT(sdpaLse); EXPORT(lerp); EXPORT(hasPackedLinear); EXPORT(packLinearWeight); EXPORT(linearPacked);
  EXPORT(nanToNum); EXPORT(outer); EXPORT(allclose); EXPORT(equal);
  EXPORT(copy_); EXPORT(fill_); EXPORT(zero_); EXPORT(normal_); EXPORT(uniform_); EXPORT(mul_); EXPORT(add_); EXPORT(addmm_);
  EXPORT(manualSeed); EXPORT(getRngState); EXPORT(setRngState); EXPORT(newGenerator); EXPORT(generatorGetState);
  EXPORT(generatorSetState); EXPORT(generatorSeed);
  EXPORT(adamwNew); EXPORT(adamwStep); EXPORT(adamwZeroGrad); EXPORT(adamwSetGroup); EXPORT(adamwGetGroup);
  EXPORT(adamwGetState); EXPORT(adamwSetState); EXPORT(clipGradNorm);
  EXPORT(version); EXPORT(showConfig); EXPORT(parallelInfo); EXPORT(getNumThreads); EXPORT(setNumThreads);
  EXPORT(setSerialBelow); EXPORT(getSerialBelow);
  EXPORT(getNumInteropThreads); EXPORT(cudaIsAvailable); EXPORT(autocastEnter); EXPORT(autocastExit); EXPORT(isAutocastEnabled); EXPORT(cudaDeviceCount); EXPORT(cudaSynchronize);
  EXPORT(acceleratorMaxMemoryAllocated); EXPORT(acceleratorResetPeakMemory);
  EXPORT(mpsIsAvailable); EXPORT(cxx11Abi);
  kindling::register_distributed(env, exports);
  return exports;
}

NODE_API_MODULE(kindling_torch, Init)
