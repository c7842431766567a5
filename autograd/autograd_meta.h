#pragma once

#include <memory>
#include <vector>

#include "autograd/node.h"

namespace kiln::autograd {

// The autograd state of a tensor, allocated only for tensors that take part in a graph.
struct AutogradMeta {
  bool requires_grad = false;
  bool retains_grad = false;
  Tensor grad;
  // Null for leaves.
  std::shared_ptr<Node> grad_fn;
  // A leaf's gradient sink; weak, so the graph (not the leaf) keeps it alive.
  std::weak_ptr<Node> grad_accumulator;
  // A leaf's hooks (a non-leaf's live on its grad_fn).
  std::vector<TensorHook> hooks;
};

// The tensor's meta, or null.
inline AutogradMeta* meta_of(const Tensor& tensor) {
  return tensor.defined() ? tensor.impl_ptr()->autograd.get() : nullptr;
}
AutogradMeta& ensure_meta(const Tensor& tensor);

// The edge through which a gradient for `tensor` flows back: its grad_fn, its leaf
// accumulator (created on demand), or a null node when it does not require grad.
Edge gradient_edge(const Tensor& tensor);

// A new handle on the same storage, shape and strides, without autograd state.
Tensor alias_of(const Tensor& tensor);

}  // namespace kiln::autograd
