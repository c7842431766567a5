// Front end of the cumulative scans, cumsum and cumprod.
#include "tensor/op_support.h"
#include "tensor/ops.h"

namespace kiln::raw {

namespace {
Tensor scan_op(ScanOp op, const char* name, const Tensor& x, int64_t dim) {
  const int d = wrap_dim(dim, x.dim(), name);
  const DType dtype = x.dtype() == kBool ? kInt64 : x.dtype();
  if (x.dim() == 0) return clone(to(x, dtype));
  Tensor out = make_tensor(x.shape(), dtype, x.device(), name);
  if (x.numel() > 0) {
    const detail::Rows rows = detail::rows_along(to(x, dtype), d);
    detail::backend_of(x).scan(op, out, rows.data, rows.layout);
  }
  return out;
}
}  // namespace

Tensor cumsum(const Tensor& x, int64_t dim) {
  return scan_op(ScanOp::Sum, "cumsum", x, dim);
}
Tensor cumprod(const Tensor& x, int64_t dim) {
  return scan_op(ScanOp::Prod, "cumprod", x, dim);
}

}  // namespace kiln::raw
