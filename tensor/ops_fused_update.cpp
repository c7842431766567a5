// Front end of the fused updates (tensor/fused_update.h): what every formula's group is
// checked against before it runs, and the dispatch to the group's device.
#include "tensor/fused_update.h"

#include "tensor/op_support.h"
#include "tensor/ops.h"

namespace kiln::detail {

void check_update_slot(const char* op, const Tensor& first, const Tensor& param, const Tensor& grad,
                       const std::vector<UpdateState>& state) {
  KILN_CHECK(param.defined() && grad.defined(), op, ": a parameter and its gradient are needed");
  check_floating(op, param);
  KILN_CHECK(param.is_contiguous(), op, ": the parameter of shape ", param.shape(),
             " must be contiguous to be updated in place");
  KILN_CHECK(grad.shape() == param.shape(), op, ": gradient of shape ", grad.shape(),
             " for a parameter of shape ", param.shape());
  check_same_device(op, param, grad);
  for (const auto& [role, tensor] : state) {
    KILN_CHECK(tensor.defined(), op, ": the ", role, " state is missing");
    KILN_CHECK(tensor.shape() == param.shape() && tensor.dtype() == param.dtype() &&
                   tensor.is_contiguous(),
               op, ": ", role, " state of shape ", tensor.shape(), " and dtype ", tensor.dtype(),
               " does not match the contiguous parameter of shape ", param.shape(), " and dtype ",
               param.dtype());
    check_same_device(op, param, tensor);
  }
  check_same_device("optimizer update", first, param);
  // One kernel call runs the whole group in one element type.
  KILN_CHECK(param.dtype() == first.dtype(), "optimizer update: a parameter group mixes ",
             first.dtype(), " and ", param.dtype(), " parameters; put each dtype in its own group");
}

Tensor update_gradient(const Tensor& param, const Tensor& grad) {
  return raw::contiguous(raw::to(grad, param.dtype()));
}

void run_fused_update(const FusedUpdateKernel& kernel, Device device, const void* updates,
                      size_t count, int64_t largest) {
  backend(device.type).fused_update(kernel, device, updates, count, largest);
}

void bump_versions(const Tensor& param, const std::vector<UpdateState>& state) {
  param.storage()->bump_version();
  for (const UpdateState& written : state) written.tensor.storage()->bump_version();
}

}  // namespace kiln::detail
