#include "autograd/anomaly_mode.h"

#include "autograd/engine.h"
#include "autograd/node.h"
#include "tensor/error.h"
#include "tensor/finite.h"

namespace kiln::autograd {

namespace {

thread_local ModulePath module_path;

// "path: " before the op's name, where the op was called inside a module.
std::string where(const Node& node) {
  const std::string* path = node.module_path();
  return path == nullptr ? "" : *path + ": ";
}

}  // namespace

const ModulePath& current_module_path() {
  return module_path;
}

ModulePath exchange_module_path(ModulePath path) {
  std::swap(path, module_path);
  return path;
}

// -Inf passes in forward: it is how masks and log-probabilities mark what is excluded
// (masked_fill(scores, mask, -inf), log(0)). A gradient has no such use.
void check_recorded_output(Node& node, const Tensor& output) {
  // Ops recorded while a backward formula runs (create_graph) are that node's gradient,
  // which the engine checks and names as its backward.
  if (running_node() != nullptr) return;
  node.set_module_path(module_path);
  const NonFinite kind = find_non_finite(output);
  KILN_CHECK(kind == NonFinite::None || kind == NonFinite::NegativeInfinity, where(node),
             node.name(), " produced ", to_string(kind), " in its output");
}

void check_backward_grads(const Node& node, const std::vector<Tensor>& grads) {
  for (size_t i = 0; i < grads.size(); ++i) {
    if (!grads[i].defined()) continue;
    const NonFinite kind = find_non_finite(grads[i]);
    KILN_CHECK(kind == NonFinite::None, where(node), node.name(), " backward produced ",
               to_string(kind), " (in the gradient of its input ", i, ")");
  }
}

}  // namespace kiln::autograd
