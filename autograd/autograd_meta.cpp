#include "autograd/autograd_meta.h"

namespace kiln::autograd {

AutogradMeta& ensure_meta(const Tensor& tensor) {
  std::shared_ptr<AutogradMeta>& meta = tensor.impl_ptr()->autograd;
  if (meta == nullptr) meta = std::make_shared<AutogradMeta>();
  return *meta;
}

Edge gradient_edge(const Tensor& tensor) {
  AutogradMeta* meta = meta_of(tensor);
  if (meta == nullptr || !meta->requires_grad) return {};
  if (meta->grad_fn != nullptr) return {meta->grad_fn, tensor.shape(), tensor.dtype()};
  std::shared_ptr<Node> accumulator = meta->grad_accumulator.lock();
  if (accumulator == nullptr) {
    accumulator = std::make_shared<AccumulateGrad>(tensor);
    meta->grad_accumulator = accumulator;
  }
  return {std::move(accumulator), tensor.shape(), tensor.dtype()};
}

Tensor alias_of(const Tensor& tensor) {
  const TensorImpl& impl = tensor.impl();
  return Tensor(std::make_shared<TensorImpl>(impl.storage, impl.shape, impl.strides, impl.offset,
                                             impl.dtype));
}

}  // namespace kiln::autograd
