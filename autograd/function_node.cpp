#include "autograd/function_node.h"

#include "autograd/anomaly_mode.h"

namespace kiln::autograd {

Tensor BackwardContext::result() const {
  const Tensor& saved = result_.get();
  if (!saved.defined() || !GradMode::is_enabled()) return saved;
  // Recording the backward pass: the output must lead back through this node.
  Tensor connected = alias_of(saved);
  AutogradMeta& meta = ensure_meta(connected);
  meta.requires_grad = true;
  meta.grad_fn = self_;
  return connected;
}

Grads FunctionNode::apply(const std::shared_ptr<Node>& self, const Tensor& grad) {
  KILN_CHECK(!released_, name(),
             ": backward through this graph a second time, but its saved state was freed "
             "after the first backward; pass retain_graph=true to the first backward");
  return backward(BackwardContext(self, grad, result_));
}

void FunctionNode::release() {
  released_ = true;
  result_ = SavedTensor();
  release_captures();
}

bool any_requires_grad(std::span<const Tensor> tensors) {
  if (!GradMode::is_enabled()) return false;
  for (const Tensor& tensor : tensors) {
    if (requires_grad(tensor)) return true;
  }
  return false;
}

namespace {
thread_local RecordObserver* record_observer = nullptr;
}  // namespace

RecordObserver* set_record_observer(RecordObserver* observer) {
  return std::exchange(record_observer, observer);
}

Tensor attach(std::shared_ptr<FunctionNode> node, Tensor result, std::span<const Tensor> inputs,
              Save save) {
  // Integer and bool results (indices, comparisons) carry no gradient.
  if (!is_floating(result.dtype())) return result;
  if (AnomalyMode::is_enabled()) [[unlikely]]
    check_recorded_output(*node, result);
  std::vector<Edge>& edges = node->mutable_next_edges();
  edges.reserve(inputs.size());
  for (const Tensor& input : inputs) {
    edges.push_back(gradient_edge(input));
    // A raw op may hand back an input itself (a no-op view, say); the output needs its own
    // handle so that the input keeps its history.
    if (input.defined() && input.impl_ptr() == result.impl_ptr()) result = alias_of(result);
  }
  if (save == Save::Result) node->save_result(result);
  if (record_observer != nullptr) [[unlikely]]
    record_observer->recorded(*node, inputs, result);
  AutogradMeta& meta = ensure_meta(result);
  meta.requires_grad = true;
  meta.grad_fn = std::move(node);
  return result;
}

}  // namespace kiln::autograd
