// The autograd members of Tensor: requires_grad, grad, backward, detach and hooks.
#include "autograd/autograd_meta.h"
#include "autograd/engine.h"
#include "autograd/functions.h"

namespace kiln {

using autograd::AutogradMeta;
using autograd::ensure_meta;
using autograd::meta_of;

bool Tensor::requires_grad() const {
  const AutogradMeta* meta = meta_of(*this);
  return meta != nullptr && meta->requires_grad;
}

Tensor& Tensor::requires_grad_(bool requires_grad) {
  KILN_CHECK(is_leaf(), "requires_grad_: only leaf tensors can change requires_grad; this one ",
             "was produced by ", grad_fn()->name(), " (use detach() for a new leaf)");
  KILN_CHECK(!requires_grad || is_floating(dtype()), "requires_grad_: only floating tensors ",
             "can require gradients, got ", dtype());
  if (requires_grad || meta_of(*this) != nullptr) ensure_meta(*this).requires_grad = requires_grad;
  return *this;
}

bool Tensor::is_leaf() const {
  const AutogradMeta* meta = meta_of(*this);
  return meta == nullptr || meta->grad_fn == nullptr;
}

Tensor Tensor::grad() const {
  const AutogradMeta* meta = meta_of(*this);
  return meta == nullptr ? Tensor() : meta->grad;
}

void Tensor::set_grad(const Tensor& grad) const {
  if (grad.defined()) {
    KILN_CHECK(grad.shape() == shape() && grad.dtype() == dtype() && grad.device() == device(),
               "set_grad: gradient of shape ", grad.shape(), " (", grad.dtype(), ", ",
               grad.device(), ") for a tensor of shape ", shape(), " (", dtype(), ", ", device(),
               ")");
  }
  ensure_meta(*this).grad = grad;
}

std::shared_ptr<autograd::Node> Tensor::grad_fn() const {
  const AutogradMeta* meta = meta_of(*this);
  return meta == nullptr ? nullptr : meta->grad_fn;
}

void Tensor::backward(const Tensor& gradient, bool retain_graph, bool create_graph) const {
  kiln::backward({*this}, {gradient}, retain_graph, create_graph);
}

Tensor Tensor::detach() const {
  return autograd::alias_of(*this);
}

void Tensor::retain_grad() const {
  KILN_CHECK(requires_grad(), "retain_grad: the tensor does not require grad");
  AutogradMeta& meta = ensure_meta(*this);
  if (meta.grad_fn == nullptr || meta.retains_grad) return;
  meta.retains_grad = true;
  std::weak_ptr<TensorImpl> weak = impl_ptr();
  meta.grad_fn->add_hook([weak](const Tensor& grad) {
    if (std::shared_ptr<TensorImpl> impl = weak.lock()) {
      AutogradMeta& target = ensure_meta(Tensor(impl));
      // Differentiable ops: under create_graph the retained gradient keeps its graph.
      target.grad = target.grad.defined() ? target.grad + grad : kiln::clone(grad);
    }
    return Tensor();
  });
}

void Tensor::register_hook(std::function<Tensor(const Tensor&)> hook) const {
  KILN_CHECK(requires_grad(), "register_hook: the tensor does not require grad, so no gradient ",
             "will reach the hook");
  AutogradMeta& meta = ensure_meta(*this);
  if (meta.grad_fn != nullptr) {
    meta.grad_fn->add_hook(std::move(hook));
  } else {
    meta.hooks.push_back(std::move(hook));
  }
}

}  // namespace kiln
