#include "autograd/node.h"

#include "autograd/autograd_meta.h"
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

AccumulateGrad::AccumulateGrad(Tensor variable)
    : Node("AccumulateGrad"), variable_(std::move(variable)) {}

Tensor AccumulateGrad::run_hooks(Tensor grad) {
  for (const TensorHook& hook : ensure_meta(variable_).hooks) {
    Tensor replaced = hook(grad);
    if (replaced.defined()) grad = std::move(replaced);
  }
  return Node::run_hooks(std::move(grad));
}

Grads AccumulateGrad::apply(const std::shared_ptr<Node>&, const Tensor& grad) {
  AutogradMeta& meta = ensure_meta(variable_);
  if (GradMode::is_enabled()) {
    // Recording the backward pass: keep the gradient's own graph (for double backward).
    meta.grad = meta.grad.defined() ? meta.grad + grad : grad;
  } else if (meta.grad.defined()) {
    raw::add_(meta.grad, grad);
  } else {
    // Take the gradient's buffer when nothing else holds it; a shared or strided one (the
    // expanded gradient of a sum, say) is copied, since optimizers update grad in place.
    const bool owned = grad.impl_ptr().use_count() == 1 && grad.storage().use_count() == 1;
    meta.grad = owned && grad.is_contiguous() ? alias_of(grad) : raw::clone(grad);
  }
  return {};
}

}  // namespace kiln::autograd
