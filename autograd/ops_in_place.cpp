// In-place methods. The raw op writes into the tensor's storage (bumping its version, so
// any node that saved the old values refuses to run); when autograd is recording, the
// tensor then becomes the output of a new node whose input is its previous history.
#include "autograd/op_definition.h"

namespace kiln {

using autograd::alias_of;
using autograd::ensure_meta;
using autograd::meta_of;

namespace {

void check_not_leaf(const char* op, const Tensor& self) {
  KILN_CHECK(!(GradMode::is_enabled() && autograd::requires_grad(self) && self.is_leaf()), op,
             ": a leaf tensor that requires grad (shape ", self.shape(),
             ") cannot be modified in place while grad mode is on; modify it under "
             "NoGradGuard, or use the out-of-place op");
}

// A handle on the tensor's storage that keeps its current history.
Tensor history_of(const Tensor& self) {
  Tensor old = alias_of(self);
  if (const autograd::AutogradMeta* meta = meta_of(self); meta != nullptr && meta->requires_grad) {
    autograd::AutogradMeta& copy = ensure_meta(old);
    copy.requires_grad = true;
    copy.grad_fn = meta->grad_fn;
  }
  return old;
}

template <typename Backward>
void rebase(Op name, Tensor& self, std::initializer_list<Tensor> inputs, Backward backward) {
  autograd::record(name, self, inputs, std::move(backward));
}

}  // namespace

Tensor& Tensor::add_(const Tensor& other) {
  check_not_leaf("add_", *this);
  const bool recording = any_requires_grad(*this, other);
  const Tensor old = recording ? history_of(*this) : Tensor();
  raw::add_(*this, other);
  if (recording) {
    rebase(Op::add_, *this, {old, other.impl_ptr() == impl_ptr() ? old : other},
           [](const BackwardContext& ctx) -> Grads {
             return {ctx.grad(), ctx.grad()};
           });
  }
  return *this;
}

Tensor& Tensor::mul_(const Tensor& other) {
  check_not_leaf("mul_", *this);
  const bool recording = any_requires_grad(*this, other);
  const Tensor old = recording ? history_of(*this) : Tensor();
  // The other operand's gradient needs the values about to be overwritten.
  const Tensor old_values =
      recording && autograd::requires_grad(other) ? kiln::clone(old) : Tensor();
  raw::mul_(*this, other);
  if (recording) {
    rebase(Op::mul_, *this, {old, other.impl_ptr() == impl_ptr() ? old : other},
           [other = SavedTensor(other), old_values](const BackwardContext& ctx) -> Grads {
             return {ctx.needs_grad(0) ? ctx.grad() * other.get() : Tensor(),
                     ctx.needs_grad(1) ? ctx.grad() * old_values : Tensor()};
           });
  }
  return *this;
}

Tensor& Tensor::fill_(Scalar value) {
  check_not_leaf("fill_", *this);
  const bool recording = any_requires_grad(*this);
  const Tensor old = recording ? history_of(*this) : Tensor();
  raw::fill_(*this, value);
  if (recording) {
    rebase(Op::fill_, *this, {old},
           [](const BackwardContext& ctx) -> Grads { return {zeros_like(ctx.grad())}; });
  }
  return *this;
}

Tensor& Tensor::zero_() {
  return fill_(0);
}

Tensor& Tensor::copy_(const Tensor& source) {
  check_not_leaf("copy_", *this);
  const bool recording = any_requires_grad(*this, source);
  const Tensor old = recording ? history_of(*this) : Tensor();
  raw::copy_(*this, source);
  if (recording) {
    rebase(Op::copy_, *this, {old, source}, [](const BackwardContext& ctx) -> Grads {
      return {ctx.needs_grad(0) ? zeros_like(ctx.grad()) : Tensor(), ctx.grad()};
    });
  }
  return *this;
}

}  // namespace kiln
