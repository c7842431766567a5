// Front ends of the reductions. sum/prod/max/min/all/any are kernels; mean, var, std,
// logsumexp and norm are compositions of them.
#include <cmath>
#include <limits>

#include "tensor/creation.h"
#include "tensor/op_support.h"
#include "tensor/ops.h"

namespace kiln::raw {

namespace {

Tensor reduce_op(ReduceOp op, const char* name, const Tensor& x, const Dims& dims, bool keepdim,
                 DType compute, DType out_dtype) {
  const Dims reduced = detail::reduction_dims(name, dims, x.dim());
  if (op == ReduceOp::Max || op == ReduceOp::Min) {
    KILN_CHECK(x.dtype() != kBool, name, ": not defined for bool tensors (use any or all)");
    for (int64_t d : reduced) {
      KILN_CHECK(x.shape()[d] > 0, name, ": cannot reduce over dim ", d, " of size 0 (shape ",
                 x.shape(), "); the result is undefined");
    }
  }
  Tensor out =
      make_tensor(detail::reduced_shape(x.shape(), reduced, true), out_dtype, x.device(), name);
  if (out.numel() > 0) {
    const detail::Rows rows = detail::rows_reducing(to(x, compute), reduced, out.numel());
    detail::backend_of(x).reduce(op, out, rows.data, rows.layout);
  }
  return keepdim ? out : view(out, detail::reduced_shape(x.shape(), reduced, false));
}

// Sums and products of bool and integers accumulate in int64.
DType accumulate_type(DType dtype) {
  return dtype == kBool ? kInt64 : dtype;
}

int64_t reduced_count(const char* op, const Tensor& x, const Dims& dims) {
  int64_t count = 1;
  for (int64_t d : detail::reduction_dims(op, dims, x.dim())) count *= x.shape()[d];
  return count;
}

std::pair<Tensor, Tensor> arg_reduce_op(ReduceOp op, const char* name, const Tensor& x, int64_t dim,
                                        bool keepdim) {
  KILN_CHECK(x.dtype() != kBool, name, ": not defined for bool tensors (use any or all)");
  const int d = wrap_dim(dim, x.dim(), name);
  if (x.dim() == 0) return {clone(x), zeros({}, {.dtype = kInt64, .device = x.device()})};
  KILN_CHECK(x.shape()[d] > 0, name, ": cannot reduce over dim ", d, " of size 0 (shape ",
             x.shape(), ")");
  Shape kept = x.shape();
  kept[d] = 1;
  Tensor values = make_tensor(kept, x.dtype(), x.device(), name);
  Tensor indices = make_tensor(kept, kInt64, x.device(), name);
  if (values.numel() > 0) {
    const detail::Rows rows = detail::rows_along(x, d);
    detail::backend_of(x).arg_reduce(op, values, indices, rows.data, rows.layout);
  }
  if (keepdim) return {values, indices};
  return {squeeze(values, d), squeeze(indices, d)};
}

}  // namespace

Tensor sum(const Tensor& x, const Dims& dims, bool keepdim) {
  const DType dtype = accumulate_type(x.dtype());
  return reduce_op(ReduceOp::Sum, "sum", x, dims, keepdim, dtype, dtype);
}

Tensor prod(const Tensor& x, const Dims& dims, bool keepdim) {
  const DType dtype = accumulate_type(x.dtype());
  return reduce_op(ReduceOp::Prod, "prod", x, dims, keepdim, dtype, dtype);
}

Tensor amax(const Tensor& x, const Dims& dims, bool keepdim) {
  return reduce_op(ReduceOp::Max, "amax", x, dims, keepdim, x.dtype(), x.dtype());
}

Tensor amin(const Tensor& x, const Dims& dims, bool keepdim) {
  return reduce_op(ReduceOp::Min, "amin", x, dims, keepdim, x.dtype(), x.dtype());
}

Tensor all(const Tensor& x, const Dims& dims, bool keepdim) {
  return reduce_op(ReduceOp::All, "all", x, dims, keepdim, kBool, kBool);
}

Tensor any(const Tensor& x, const Dims& dims, bool keepdim) {
  return reduce_op(ReduceOp::Any, "any", x, dims, keepdim, kBool, kBool);
}

Tensor mean(const Tensor& x, const Dims& dims, bool keepdim) {
  detail::check_floating("mean", x);
  return div(sum(x, dims, keepdim), static_cast<double>(reduced_count("mean", x, dims)));
}

Tensor var(const Tensor& x, const Dims& dims, bool unbiased, bool keepdim) {
  detail::check_floating("var", x);
  const Tensor deviation = sub(x, mean(x, dims, true));
  const int64_t count = reduced_count("var", x, dims);
  return div(sum(square(deviation), dims, keepdim),
             static_cast<double>(count - (unbiased ? 1 : 0)));
}

Tensor std(const Tensor& x, const Dims& dims, bool unbiased, bool keepdim) {
  return sqrt(var(x, dims, unbiased, keepdim));
}

Tensor logsumexp(const Tensor& x, const Dims& dims, bool keepdim) {
  const Tensor input = to(x, floating_result_type(x.dtype()));
  if (input.numel() == 0) return log(sum(exp(input), dims, keepdim));
  const Tensor peak = amax(input, dims, true);
  // An all -inf (or +inf) slice would give inf - inf; shifting it by 0 keeps the answer.
  const Tensor shift =
      masked_fill(peak, eq(abs(peak), std::numeric_limits<double>::infinity()), 0.0);
  const Tensor result = add(log(sum(exp(sub(input, shift)), dims, true)), shift);
  if (keepdim) return result;
  return view(result, detail::reduced_shape(
                          x.shape(), detail::reduction_dims("logsumexp", dims, x.dim()), false));
}

Tensor norm(const Tensor& x, double p, const Dims& dims, bool keepdim) {
  detail::check_floating("norm", x);
  if (p == 2) return sqrt(sum(square(x), dims, keepdim));
  if (p == 1) return sum(abs(x), dims, keepdim);
  if (std::isinf(p)) return p > 0 ? amax(abs(x), dims, keepdim) : amin(abs(x), dims, keepdim);
  if (p == 0) return sum(to(ne(x, 0), x.dtype()), dims, keepdim);
  return pow(sum(pow(abs(x), p), dims, keepdim), 1.0 / p);
}

std::pair<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim) {
  return arg_reduce_op(ReduceOp::Max, "max", x, dim, keepdim);
}

std::pair<Tensor, Tensor> min(const Tensor& x, int64_t dim, bool keepdim) {
  return arg_reduce_op(ReduceOp::Min, "min", x, dim, keepdim);
}

Tensor max(const Tensor& x) {
  KILN_CHECK(x.numel() > 0, "max: cannot reduce an empty tensor of shape ", x.shape());
  return amax(x);
}

Tensor min(const Tensor& x) {
  KILN_CHECK(x.numel() > 0, "min: cannot reduce an empty tensor of shape ", x.shape());
  return amin(x);
}

Tensor argmax(const Tensor& x, int64_t dim, bool keepdim) {
  return arg_reduce_op(ReduceOp::Max, "argmax", x, dim, keepdim).second;
}

Tensor argmin(const Tensor& x, int64_t dim, bool keepdim) {
  return arg_reduce_op(ReduceOp::Min, "argmin", x, dim, keepdim).second;
}

}  // namespace kiln::raw
