// Stand-in declarations for the five gloo headers that torch's ProcessGroupGloo.hpp includes.
//
// Why: PyTorch's pip wheels ship the c10d headers and export ProcessGroupGloo from libtorch_cpu,
// but do not ship gloo's own headers. distributed.cpp only constructs a ProcessGroupGloo (through
// its exported constructor) and calls its virtual collectives; it never touches a gloo object.
// ProcessGroupGloo.hpp mentions gloo types only behind pointers (std::shared_ptr / unique_ptr) plus
// a few inline bodies we never call, so these declarations are enough to parse it, and the class
// layout does not depend on them. scripts/build-native.mjs puts this file on the include path
// (as gloo/context.h etc.) only when the libtorch in use has no real gloo headers, and compiles
// distributed.cpp with hidden visibility so nothing it emits can interpose libtorch's own code.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace gloo {

class Context {
 public:
  void setTimeout(std::chrono::milliseconds timeout);
};

namespace transport {
class Device;
class UnboundBuffer;
}  // namespace transport

namespace rendezvous {
class Store {
 public:
  virtual ~Store() = default;
  virtual void set(const std::string& key, const std::vector<char>& data) = 0;
  virtual std::vector<char> get(const std::string& key) = 0;
  virtual void wait(const std::vector<std::string>& keys) = 0;
  virtual void wait(const std::vector<std::string>& keys, const std::chrono::milliseconds& timeout) = 0;
};
}  // namespace rendezvous

}  // namespace gloo
