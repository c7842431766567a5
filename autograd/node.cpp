#include "autograd/node.h"

#include "autograd/autograd_meta.h"
#include "autograd/functions.h"
#include "autograd/grad_mode.h"
#include "tensor/ops.h"

namespace kiln::autograd {

namespace {
thread_local uint64_t next_sequence_nr = 0;
}  // namespace

Node::Node(const char* name) : name_(name), sequence_nr_(next_sequence_nr++) {}

Node::~Node() {
  thread_local std::vector<std::shared_ptr<Node>> pending;
  thread_local bool draining = false;
  for (Edge& edge : edges_) {
    if (edge.node != nullptr) pending.push_back(std::move(edge.node));
  }
  if (draining) return;
  draining = true;
  while (!pending.empty()) {
    // Dropping the last reference runs that node's destructor, which only queues its edges.
    std::shared_ptr<Node> next = std::move(pending.back());
    pending.pop_back();
  }
  draining = false;
}

Tensor Node::run_hooks(Tensor grad) {
  for (const TensorHook& hook : hooks_) {
    Tensor replaced = hook(grad);
    if (replaced.defined()) grad = std::move(replaced);
  }
  return grad;
}

AccumulateGrad::AccumulateGrad(const Tensor& variable)
    : Node("AccumulateGrad"), variable_(variable.impl_ptr()) {}

Tensor AccumulateGrad::run_hooks(Tensor grad) {
  if (std::shared_ptr<TensorImpl> variable = variable_.lock()) {
    for (const TensorHook& hook : ensure_meta(Tensor(variable)).hooks) {
      Tensor replaced = hook(grad);
      if (replaced.defined()) grad = std::move(replaced);
    }
  }
  return Node::run_hooks(std::move(grad));
}

namespace {
// True when nothing else holds `grad` or its storage, and it covers the storage exactly: then
// it can become grad() without a copy (optimizers update grad() in place).
bool can_take(const Tensor& grad) {
  return grad.impl_ptr().use_count() == 1 && grad.storage().use_count() == 1 &&
         grad.is_contiguous() && grad.storage_offset() == 0 &&
         static_cast<size_t>(grad.numel()) * itemsize(grad.dtype()) == grad.storage()->nbytes();
}
}  // namespace

Grads AccumulateGrad::apply(const std::shared_ptr<Node>&, const Tensor& grad) {
  const std::shared_ptr<TensorImpl> variable = variable_.lock();
  if (variable == nullptr) return {};
  AutogradMeta& meta = ensure_meta(Tensor(variable));
  // With grad mode on (create_graph) the stored gradient keeps its graph, for double backward.
  const bool recording = GradMode::is_enabled();
  if (!meta.grad.defined()) {
    if (can_take(grad)) {
      meta.grad = recording ? grad : alias_of(grad);
    } else {
      meta.grad = recording ? kiln::clone(grad) : raw::clone(grad);
    }
  } else if (recording) {
    meta.grad = meta.grad + grad;
  } else {
    raw::add_(meta.grad, grad);
  }
  return {};
}

}  // namespace kiln::autograd
