// Front end of matmul.
#include "tensor/op_support.h"
#include "tensor/ops.h"

namespace kiln::raw {

namespace {

// a [batch..., M, K] @ b [batch..., K, N] with broadcast batch dims.
Tensor batched_matmul(const Tensor& a, const Tensor& b) {
  const int64_t m = a.size(-2), k = a.size(-1), n = b.size(-1);
  KILN_CHECK(b.size(-2) == k, "matmul: shapes ", a.shape(), " and ", b.shape(),
             " cannot be multiplied (", k, " != ", b.size(-2), ")");
  const Shape a_batch(a.shape().span().first(a.dim() - 2));
  const Shape b_batch(b.shape().span().first(b.dim() - 2));
  Shape batch = broadcast_shapes(a_batch, b_batch, "matmul");
  Shape a_shape = batch, b_shape = batch, out_shape = batch;
  a_shape.push_back(m);
  a_shape.push_back(k);
  b_shape.push_back(k);
  b_shape.push_back(n);
  out_shape.push_back(m);
  out_shape.push_back(n);
  Tensor out = make_tensor(out_shape, a.dtype(), a.device(), "matmul");
  detail::backend_of(a).matmul(out, expand(a, a_shape), expand(b, b_shape));
  return out;
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  detail::check_same_device("matmul", a, b);
  KILN_CHECK(a.dtype() == b.dtype(), "matmul: operands must have one dtype, got ", a.dtype(),
             " and ", b.dtype());
  KILN_CHECK(a.dtype() != kBool, "matmul: not defined for bool tensors");
  KILN_CHECK(a.dim() > 0 && b.dim() > 0, "matmul: operands must have at least one dimension, got ",
             "shapes ", a.shape(), " and ", b.shape());
  if (a.dim() == 1 && b.dim() == 1) {
    KILN_CHECK(a.size(0) == b.size(0), "matmul: vectors of shapes ", a.shape(), " and ", b.shape(),
               " have different lengths");
    return view(batched_matmul(unsqueeze(a, 0), unsqueeze(b, 1)), {});
  }
  if (a.dim() == 1) return squeeze(batched_matmul(unsqueeze(a, 0), b), -2);
  if (b.dim() == 1) return squeeze(batched_matmul(a, unsqueeze(b, 1)), -1);
  return batched_matmul(a, b);
}

}  // namespace kiln::raw
