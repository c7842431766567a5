#pragma once

// Anomaly detection, per thread (as torch.autograd.detect_anomaly): while it is on, the output
// of every op autograd records is checked for NaN and +Inf, and in backward every gradient a
// node computes for NaN and +-Inf; the first found throws kiln::Error naming the op and the
// module whose forward called it: "encoder.layers.1.self_attn: softmax backward produced NaN".
// (-Inf passes in forward: masks and log-probabilities use it for what is excluded.) Each check
// reads a whole tensor (waiting for the device), so it is for finding a fault, not for every
// run; when off it costs one branch per recorded op and per module call.
#include <memory>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace kiln {

namespace detail {
inline thread_local bool anomaly_mode_enabled = false;
}  // namespace detail

struct AnomalyMode {
  static bool is_enabled() { return detail::anomaly_mode_enabled; }
  static void set_enabled(bool enabled) { detail::anomaly_mode_enabled = enabled; }
};

// Turns anomaly detection on (or off, given false) for a scope and restores the previous
// mode on exit; guards nest.
class DetectAnomalyGuard {
 public:
  explicit DetectAnomalyGuard(bool enabled = true) : previous_(AnomalyMode::is_enabled()) {
    AnomalyMode::set_enabled(enabled);
  }
  ~DetectAnomalyGuard() { AnomalyMode::set_enabled(previous_); }
  DetectAnomalyGuard(const DetectAnomalyGuard&) = delete;
  DetectAnomalyGuard& operator=(const DetectAnomalyGuard&) = delete;

 private:
  bool previous_;
};

namespace autograd {

class Node;

// The path of the module whose forward is running ("encoder.layers.1.self_attn"), kept by
// nn::ModuleScope while anomaly mode is on; null outside every module. Shared, because each
// node recorded meanwhile keeps it for the backward pass.
using ModulePath = std::shared_ptr<const std::string>;
const ModulePath& current_module_path();
// Makes `path` the current one; returns the previous one, for the caller to restore.
ModulePath exchange_module_path(ModulePath path);

// The checks, for the recording machinery and the engine: `output` is what `node` was just
// recorded for (the node also takes the current module path); `grads` are what its backward
// formula returned. Both throw on the first NaN or Inf.
void check_recorded_output(Node& node, const Tensor& output);
void check_backward_grads(const Node& node, const std::vector<Tensor>& grads);

}  // namespace autograd

}  // namespace kiln
