// Front end of softmax and log_softmax (fused kernels, tensor/cpu/softmax.cpp,
// tensor/cuda/softmax.cu).
#include "tensor/op_support.h"
#include "tensor/ops.h"

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

}  // namespace kiln::raw
