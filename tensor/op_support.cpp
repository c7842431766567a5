#include "tensor/op_support.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <utility>

#include "tensor/around_dim.h"
#include "tensor/creation.h"
#include "tensor/ops.h"

namespace kiln::detail {

void check_same_device(const char* op, const Tensor& a, const Tensor& b) {
  KILN_CHECK(a.device() == b.device(), op, ": expected tensors on one device, got ", a.device(),
             " and ", b.device());
}

void check_index_dtype(const char* op, const Tensor& index) {
  KILN_CHECK(index.dtype() == kInt64, op, ": index tensor must be int64, got ", index.dtype());
}

void check_floating(const char* op, DType dtype) {
  KILN_CHECK(is_floating(dtype), op, ": expects a floating dtype, got ", dtype);
}

void check_writable(const char* op, const Tensor& out) {
  // Walking the dims from the smallest stride up, each must step past everything the
  // smaller ones reach; otherwise two elements share an address (expand, unfold).
  std::array<std::pair<int64_t, int64_t>, kMaxDims> dims;  // (|stride|, size), no heap
  int count = 0;
  for (int d = 0; d < out.dim(); ++d) {
    if (out.shape()[d] > 1) dims[count++] = {std::abs(out.strides()[d]), out.shape()[d]};
  }
  std::sort(dims.begin(), dims.begin() + count);
  int64_t reach = 1;  // one past the furthest offset the smaller dims reach
  for (int i = 0; i < count; ++i) {
    const auto [stride, size] = dims[i];
    KILN_CHECK(stride >= reach, op, ": the destination of shape ", out.shape(), " and strides ",
               out.strides(), " has several elements at one memory location (an expanded or ",
               "unfolded view)");
    reach = stride * (size - 1) + reach;
  }
}

void check_representable(const char* op, Scalar value, DType dtype) {
  if (!value.is_floating()) return;
  const double number = value.to<double>();
  if (dtype == kFloat32) {
    KILN_CHECK(!std::isfinite(number) || std::abs(number) <= std::numeric_limits<float>::max(), op,
               ": value ", number, " overflows float32");
  }
  if (dtype != kInt64) return;
  // 2^63 is the first double above int64's range.
  KILN_CHECK(number >= -9223372036854775808.0 && number < 9223372036854775808.0, op, ": value ",
             number, " does not fit in ", dtype);
}

Tensor wrap_scalar(Scalar value, Device device) {
  return scalar_tensor(value, {.dtype = value.kind(), .device = device});
}

namespace {
int category(DType dtype) {
  return dtype == kBool ? 0 : dtype == kInt64 ? 1 : 2;
}
int rank_class(const Tensor& x, bool wrapped) {
  return wrapped ? 0 : x.dim() > 0 ? 2 : 1;
}
}  // namespace

DType result_type(const Tensor& a, bool a_wrapped, const Tensor& b, bool b_wrapped) {
  const int rank_a = rank_class(a, a_wrapped);
  const int rank_b = rank_class(b, b_wrapped);
  if (rank_a == rank_b) return promote_types(a.dtype(), b.dtype());
  const bool a_leads = rank_a > rank_b;
  const Tensor& high = a_leads ? a : b;
  const Tensor& low = a_leads ? b : a;
  const bool low_wrapped = a_leads ? b_wrapped : a_wrapped;
  if (category(low.dtype()) <= category(high.dtype())) return high.dtype();
  if (low_wrapped && is_floating(low.dtype())) return kDefaultFloat;
  return low.dtype();
}

Tensor prepare_operand(const Tensor& x, DType dtype, const Shape& shape) {
  const Tensor converted = raw::to(x, dtype);
  return converted.shape() == shape ? converted : raw::expand(converted, shape);
}

Rows rows_along(const Tensor& x, int dim) {
  return {raw::contiguous(x), AroundDim(x.shape(), dim)};
}

Rows rows_reducing(const Tensor& x, const Dims& dims, int64_t kept) {
  const int64_t length = x.numel() / kept;
  bool leading = x.is_contiguous() && kept > 1;
  for (int i = 0; i < dims.size() && leading; ++i) leading = dims[i] == i;
  if (leading) return {x, AroundDim(1, length, kept)};
  return {raw::contiguous(raw::permute(x, reduced_dims_last_order(x.dim(), dims))),
          AroundDim(kept, length, 1)};
}

Dims reduction_dims(const char* op, const Dims& dims, int rank) {
  Dims wrapped;
  if (dims.empty()) {
    for (int i = 0; i < rank; ++i) wrapped.push_back(i);
    return wrapped;
  }
  for (int64_t dim : dims) wrapped.push_back(wrap_dim(dim, rank, op));
  std::sort(wrapped.begin(), wrapped.end());
  for (int i = 1; i < wrapped.size(); ++i) {
    KILN_CHECK(wrapped[i] != wrapped[i - 1], op, ": dim ", wrapped[i], " appears twice in ", dims);
  }
  // A 0-dim tensor accepts dim 0 / -1 but has nothing to reduce.
  if (rank == 0) return {};
  return wrapped;
}

Shape reduced_shape(const Shape& shape, const Dims& dims, bool keepdim) {
  Shape result;
  int next = 0;
  for (int i = 0; i < shape.size(); ++i) {
    const bool reduced = next < dims.size() && dims[next] == i;
    if (reduced) ++next;
    if (!reduced)
      result.push_back(shape[i]);
    else if (keepdim)
      result.push_back(1);
  }
  return result;
}

}  // namespace kiln::detail
