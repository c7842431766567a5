// Front end of softmax and log_softmax and their backward kernel (fused kernels,
// tensor/cpu/softmax.cpp, tensor/cuda/softmax.cu).
#include "tensor/ops_softmax.h"

#include "tensor/creation.h"
#include "tensor/op_support.h"
#include "tensor/ops.h"

namespace kiln {
KILN_DEFINE_KERNEL(softmax_backward_kernel, SoftmaxBackwardKernel);
}  // namespace kiln

namespace kiln::raw {

namespace {
Tensor softmax_op(const Tensor& x, int64_t dim, bool log) {
  const char* name = log ? "log_softmax" : "softmax";
  const int d = wrap_dim(dim, x.dim(), name);
  const Tensor input = to(x, floating_result_type(x.dtype()));
  if (x.dim() == 0) return view(softmax_op(view(input, {1}), 0, log), {});
  Tensor out = make_tensor(x.shape(), input.dtype(), x.device(), name);
  if (x.numel() > 0) {
    const detail::Rows rows = detail::rows_along(input, d);
    detail::backend_of(x).softmax(out, rows.data, rows.layout, log);
  }
  return out;
}
}  // namespace

Tensor softmax(const Tensor& x, int64_t dim) {
  return softmax_op(x, dim, false);
}
Tensor log_softmax(const Tensor& x, int64_t dim) {
  return softmax_op(x, dim, true);
}

Tensor softmax_backward(const Tensor& grad, const Tensor& result, int64_t dim, bool log) {
  const char* name = log ? "log_softmax_backward" : "softmax_backward";
  KILN_CHECK(grad.shape() == result.shape(), name, ": gradient of shape ", grad.shape(),
             " for an output of shape ", result.shape());
  detail::check_same_device(name, grad, result);
  KILN_CHECK(is_floating(result.dtype()), name, ": needs a floating output, got ", result.dtype());
  const Tensor g = to(grad, result.dtype());
  if (result.dim() == 0) return zeros_like(g);
  const int d = wrap_dim(dim, result.dim(), name);
  Tensor grad_in = make_tensor(result.shape(), result.dtype(), result.device(), name);
  if (result.numel() > 0) {
    const detail::Rows rows = detail::rows_along(result, d);
    softmax_backward_kernel(result.device())(grad_in, contiguous(g), rows.data, rows.layout, log);
  }
  return grad_in;
}

}  // namespace kiln::raw
