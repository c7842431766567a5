// Front end of sort and topk.
#include "tensor/op_support.h"
#include "tensor/ops.h"

namespace kiln::raw {

std::pair<Tensor, Tensor> sort(const Tensor& x, int64_t dim, bool descending) {
  const int d = wrap_dim(dim, x.dim(), "sort");
  if (x.dim() == 0) {
    return {clone(x), fill_(make_tensor({}, kInt64, x.device(), "sort"), 0)};
  }
  Tensor values = make_tensor(x.shape(), x.dtype(), x.device(), "sort");
  Tensor indices = make_tensor(x.shape(), kInt64, x.device(), "sort");
  if (x.numel() > 0) {
    const detail::Rows rows = detail::rows_along(x, d);
    detail::backend_of(x).sort(values, indices, rows.data, rows.layout, descending);
  }
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
