// Front end of batch_norm_training (fused kernels, tensor/cpu/batch_norm_training.cpp,
// tensor/cuda/batch_norm_training.cu).
#include "tensor/ops_batch_norm_training.h"

#include "tensor/op_support.h"
#include "tensor/ops.h"

namespace kiln {
KILN_DEFINE_KERNEL(batch_norm_training_kernel, BatchNormTrainingKernel);
KILN_DEFINE_KERNEL(batch_norm_training_backward_kernel, BatchNormTrainingBackwardKernel);
}  // namespace kiln

namespace kiln::raw {

namespace {

// [N, C, d2, ...] to [N, d2, ..., C]: the order of a channels-last tensor's memory.
Dims channels_last_order(int rank) {
  Dims order = {0};
  for (int d = 2; d < rank; ++d) order.push_back(d);
  order.push_back(1);
  return order;
}

// Back from channels_last_order.
Dims channels_first_order(int rank) {
  Dims order = {0, rank - 1};
  for (int d = 1; d < rank - 1; ++d) order.push_back(d);
  return order;
}

// A transposed view of a contiguous [N, ..., C], which the kernels read in place.
bool is_channels_last(const Tensor& x) {
  return x.dim() > 2 && !x.is_contiguous() &&
         permute(x, channels_last_order(x.dim())).is_contiguous();
}

// x's memory as the kernels read it, [outer, C, inner]: channels last, or contiguous.
BatchNormExtents extents_of(const Tensor& x, bool channels_last) {
  const int64_t batch = x.size(0), channels = x.size(1);
  const int64_t spatial = x.numel() / (batch * channels);
  if (channels_last) return {batch * spatial, channels, 1};
  return {batch, channels, spatial};
}

// `x` in the memory order the kernels read (a copy only when it is not already).
Tensor laid_out(const Tensor& x, bool channels_last) {
  if (!channels_last) return contiguous(x);
  return permute(contiguous(permute(x, channels_last_order(x.dim()))),
                 channels_first_order(x.dim()));
}

// A new tensor of x's shape in that memory order.
Tensor empty_laid_out(const Tensor& x, bool channels_last, const char* op) {
  if (!channels_last) return make_tensor(x.shape(), x.dtype(), x.device(), op);
  const Tensor memory =
      make_tensor(permute(x, channels_last_order(x.dim())).shape(), x.dtype(), x.device(), op);
  return permute(memory, channels_first_order(x.dim()));
}

void check_parameter(const Tensor& x, const Tensor& parameter, const char* role) {
  if (!parameter.defined()) return;
  detail::check_same_device("batch_norm_training", x, parameter);
  KILN_CHECK(parameter.shape() == Shape{x.size(1)}, "batch_norm_training: ", role, " of shape ",
             parameter.shape(), " does not match the ", x.size(1),
             " channels of an input of shape ", x.shape());
  KILN_CHECK(parameter.dtype() == x.dtype(), "batch_norm_training: ", role, " dtype ",
             parameter.dtype(), " differs from the input's ", x.dtype());
}

Tensor contiguous_or_none(const Tensor& x) {
  return x.defined() ? contiguous(x) : x;
}

}  // namespace

BatchNormTrainingResult batch_norm_training(const Tensor& x, const Tensor& weight,
                                            const Tensor& bias, double eps) {
  detail::check_floating("batch_norm_training", x);
  KILN_CHECK(x.dim() >= 2, "batch_norm_training: expects [N, C, ...], got shape ", x.shape());
  KILN_CHECK(x.numel() / std::max<int64_t>(1, x.size(1)) > 1,
             "batch_norm_training: needs more than one value per channel, got shape ", x.shape());
  KILN_CHECK(eps >= 0, "batch_norm_training: eps must be non-negative, got ", eps);
  check_parameter(x, weight, "weight");
  check_parameter(x, bias, "bias");
  const bool channels_last = is_channels_last(x);
  const Shape channels{x.size(1)};
  BatchNormTrainingResult result{empty_laid_out(x, channels_last, "batch_norm_training"),
                                 make_tensor(channels, x.dtype(), x.device()),
                                 make_tensor(channels, x.dtype(), x.device()),
                                 make_tensor(channels, x.dtype(), x.device())};
  batch_norm_training_kernel(x.device())(
      result.output, result.mean, result.var, result.rstd, laid_out(x, channels_last),
      contiguous_or_none(weight), contiguous_or_none(bias), extents_of(x, channels_last), eps);
  return result;
}

BatchNormTrainingGrads batch_norm_training_backward(const Tensor& grad, const Tensor& x,
                                                    const Tensor& mean, const Tensor& rstd,
                                                    const Tensor& weight, bool x_grad,
                                                    bool weight_grad, bool bias_grad) {
  KILN_CHECK(grad.shape() == x.shape(), "batch_norm_training_backward: gradient of shape ",
             grad.shape(), " for an input of shape ", x.shape());
  const bool channels_last = is_channels_last(x);
  const Shape channels{x.size(1)};
  BatchNormTrainingGrads grads;
  if (x_grad) grads.x = empty_laid_out(x, channels_last, "batch_norm_training_backward");
  if (weight_grad) grads.weight = make_tensor(channels, x.dtype(), x.device());
  if (bias_grad) grads.bias = make_tensor(channels, x.dtype(), x.device());
  batch_norm_training_backward_kernel(x.device())(
      grads.x, grads.weight, grads.bias, laid_out(to(grad, x.dtype()), channels_last),
      laid_out(x, channels_last), contiguous(mean), contiguous(rstd), contiguous_or_none(weight),
      extents_of(x, channels_last));
  return grads;
}

}  // namespace kiln::raw
