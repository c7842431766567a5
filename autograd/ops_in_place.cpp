// In-place methods. The raw op writes into the tensor's storage (bumping its version, so
// any node that saved the old values refuses to run); when autograd is recording, the
// tensor then becomes the output of a new node whose input is its previous history.
#include "autograd/op_definition.h"

namespace kiln {

using autograd::alias_of;
using autograd::ensure_meta;
using autograd::meta_of;

namespace {

// An in-place op that autograd records rebases the history of the tensor it is called on,
// and of nothing else: a leaf would lose its identity as a parameter, and other views of the
// same storage would not see the op in their gradients. Both are refused.
void check_in_place(const char* op, const Tensor& self, bool recording) {
  if (!recording) return;
  KILN_CHECK(!(autograd::requires_grad(self) && self.is_leaf()), op,
             ": a leaf tensor that requires grad (shape ", self.shape(),
             ") cannot be modified in place while grad mode is on; modify it under "
             "NoGradGuard, or use the out-of-place op");
  KILN_CHECK(!(self.impl().is_view && self.storage().use_count() > 1), op,
             ": in place on a view (shape ", self.shape(),
             ") whose storage other tensors still use, while autograd records; their "
             "gradients would not see this op. Use the out-of-place op, or clone() the view");
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
  const bool recording = any_requires_grad(*this, other);
  check_in_place("add_", *this, recording);
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
  const bool recording = any_requires_grad(*this, other);
  check_in_place("mul_", *this, recording);
  if (!recording) {
    raw::mul_(*this, other);
    return *this;
  }
  const Tensor old = history_of(*this);
  const Tensor operand = other.impl_ptr() == impl_ptr() ? old : other;
  // Both gradients need values from before the write: the other operand's (copied if it
  // shares this storage) and, for the other operand's gradient, this tensor's.
  const SavedTensor other_values(other.shares_storage(*this) ? kiln::clone(operand) : operand);
  const Tensor old_values = autograd::requires_grad(other) ? kiln::clone(old) : Tensor();
  raw::mul_(*this, other);
  rebase(Op::mul_, *this, {old, operand},
         [other_values, old_values](const BackwardContext& ctx) -> Grads {
           return {ctx.needs_grad(0) ? ctx.grad() * other_values.get() : Tensor(),
                   ctx.needs_grad(1) ? ctx.grad() * old_values : Tensor()};
         });
  return *this;
}

Tensor& Tensor::fill_(Scalar value) {
  const bool recording = any_requires_grad(*this);
  check_in_place("fill_", *this, recording);
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
  const bool recording = any_requires_grad(*this, source);
  check_in_place("copy_", *this, recording);
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
