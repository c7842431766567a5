// Front ends of cumulative scans and ordering.
#include "tensor/op_support.h"
#include "tensor/ops.h"

namespace kiln::raw {

namespace {
Tensor scan_op(ScanOp op, const char* name, const Tensor& x, int64_t dim) {
  const int d = wrap_dim(dim, x.dim(), name);
  const DType dtype = x.dtype() == kBool ? kInt64 : x.dtype();
  if (x.dim() == 0) return clone(to(x, dtype));
  Tensor out = make_tensor(x.shape(), dtype, x.device());
  if (x.numel() > 0) detail::backend_of(x).scan(op, out, to(x, dtype), d);
  return out;
}
}  // namespace

Tensor cumsum(const Tensor& x, int64_t dim) {
  return scan_op(ScanOp::Sum, "cumsum", x, dim);
}
Tensor cumprod(const Tensor& x, int64_t dim) {
  return scan_op(ScanOp::Prod, "cumprod", x, dim);
}

std::pair<Tensor, Tensor> sort(const Tensor& x, int64_t dim, bool descending) {
  const int d = wrap_dim(dim, x.dim(), "sort");
  if (x.dim() == 0) {
    return {clone(x), fill_(make_tensor({}, kInt64, x.device()), 0)};
  }
  Tensor values = make_tensor(x.shape(), x.dtype(), x.device());
  Tensor indices = make_tensor(x.shape(), kInt64, x.device());
  if (x.numel() > 0) detail::backend_of(x).sort(values, indices, x, d, descending);
  return {values, indices};
}

std::pair<Tensor, Tensor> topk(const Tensor& x, int64_t k, int64_t dim, bool largest) {
  const int d = wrap_dim(dim, x.dim(), "topk");
  const int64_t extent = x.dim() == 0 ? 1 : x.shape()[d];
  KILN_CHECK(k >= 0 && k <= extent, "topk: k = ", k, " is out of range for dim ", d, " of size ",
             extent);
  auto [values, indices] = sort(x, d, largest);
  if (x.dim() == 0) return {values, indices};
  return {contiguous(narrow(values, d, 0, k)), contiguous(narrow(indices, d, 0, k))};
}

}  // namespace kiln::raw
