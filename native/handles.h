// Declarations shared by the binding's source files: tensor handles (defined in binding.cpp, see
// the comment on Box there), the guard that turns libtorch errors into JS errors, and the hook
// through which distributed.cpp adds its functions to the module's exports.
#pragma once

#include <napi.h>
#include <ATen/core/Tensor.h>
#include <c10/util/Exception.h>


namespace kindling {

// A tensor handle is a Napi::External<Box>; the live boxes are kept in one set (binding.cpp explains why).
struct Box {
  at::Tensor t;
  int64_t accounted = 0;  // bytes reported to V8 as external memory
};

// Whether b is a live box (not disposed). The set is process-wide and every JS thread (the main
// thread, worker threads) uses it, so it is only touched under a lock.
bool box_live(Box* b);

// A new handle for t (null for an undefined tensor).
Napi::Value wrap(Napi::Env env, at::Tensor t);
// The live box behind argument i; throws a JS error for anything else or a disposed handle.
Box* box_at(const Napi::CallbackInfo& info, size_t i);

// Every exported function goes through this guard: libtorch's errors become JS errors.
template <Napi::Value (*F)(const Napi::CallbackInfo&)>
Napi::Value guarded(const Napi::CallbackInfo& info) {
  try {
    return F(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const c10::Error& e) {
    throw Napi::Error::New(info.Env(), e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw Napi::Error::New(info.Env(), e.what());
  }
}

// distributed.cpp: torch.distributed's process groups (c10d).
void register_distributed(Napi::Env env, Napi::Object exports);

}  // namespace kindling
