// Front ends of the indexing ops.
#include "tensor/creation.h"
#include "tensor/op_support.h"
#include "tensor/ops.h"

namespace kiln::raw {

using detail::backend_of;

Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index) {
  detail::check_same_device("index_select", x, index);
  detail::check_index_dtype("index_select", index);
  KILN_CHECK(index.dim() <= 1, "index_select: index must be 0-D or 1-D, got shape ", index.shape());
  if (x.dim() == 0) return view(index_select(view(x, {1}), dim, index), index.shape());
  const int d = wrap_dim(dim, x.dim(), "index_select");
  Shape shape = x.shape();
  shape[d] = index.numel();
  Tensor out = make_tensor(shape, x.dtype(), x.device(), "index_select");
  // Indices are checked even when the rows they pick are empty.
  if (index.numel() > 0)
    backend_of(x).index_select(out, contiguous(x), d, contiguous(reshape(index, {-1})));
  return out;
}

namespace {
// Checks shared by gather and scatter: index has x's rank and fits in `bounds` off `dim`.
int check_gather_scatter(const char* op, const Tensor& x, int64_t dim, const Tensor& index,
                         const Tensor* src) {
  detail::check_same_device(op, x, index);
  detail::check_index_dtype(op, index);
  const int d = wrap_dim(dim, x.dim(), op);
  KILN_CHECK(index.dim() == x.dim(), op, ": index of shape ", index.shape(),
             " must have as many dims as the input of shape ", x.shape());
  for (int i = 0; i < x.dim(); ++i) {
    KILN_CHECK(i == d || index.shape()[i] <= x.shape()[i], op, ": index of shape ", index.shape(),
               " exceeds the input of shape ", x.shape(), " at dim ", i);
    if (src != nullptr) {
      KILN_CHECK(index.shape()[i] <= src->shape()[i], op, ": index of shape ", index.shape(),
                 " exceeds the source of shape ", src->shape(), " at dim ", i);
    }
  }
  return d;
}

Tensor scatter_op(const char* op, ScatterMode mode, const Tensor& x, int64_t dim,
                  const Tensor& index, const Tensor& src) {
  detail::check_same_device(op, x, src);
  KILN_CHECK(src.dtype() == x.dtype(), op, ": source dtype ", src.dtype(),
             " differs from the input's ", x.dtype());
  KILN_CHECK(src.dim() == x.dim(), op, ": source of shape ", src.shape(),
             " must have as many dims as the input of shape ", x.shape());
  if (x.dim() == 0 && index.dim() == 0 && src.dim() == 0) {
    wrap_dim(dim, 0, op);
    return view(scatter_op(op, mode, view(x, {1}), 0, view(index, {1}), view(src, {1})), {});
  }
  const int d = check_gather_scatter(op, x, dim, index, &src);
  Tensor out = clone(x);
  if (index.numel() > 0) backend_of(x).scatter(out, d, contiguous(index), src, mode);
  return out;
}
}  // namespace

Tensor gather(const Tensor& x, int64_t dim, const Tensor& index) {
  if (x.dim() == 0 && index.dim() == 0) {
    wrap_dim(dim, 0, "gather");
    return view(gather(view(x, {1}), 0, view(index, {1})), {});
  }
  const int d = check_gather_scatter("gather", x, dim, index, nullptr);
  Tensor out = make_tensor(index.shape(), x.dtype(), x.device(), "gather");
  if (out.numel() > 0) backend_of(x).gather(out, x, d, index);
  return out;
}

Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  return scatter_op("scatter", ScatterMode::Assign, x, dim, index, src);
}

Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  return scatter_op("scatter_add", ScatterMode::Add, x, dim, index, src);
}

Tensor index_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src,
                 Scalar alpha) {
  detail::check_same_device("index_add", x, index);
  detail::check_same_device("index_add", x, src);
  detail::check_index_dtype("index_add", index);
  KILN_CHECK(src.dtype() == x.dtype(), "index_add: source dtype ", src.dtype(),
             " differs from the input's ", x.dtype());
  KILN_CHECK(index.dim() <= 1, "index_add: index must be 0-D or 1-D, got shape ", index.shape());
  const int d = wrap_dim(dim, x.dim(), "index_add");
  Shape expected = x.shape();
  if (x.dim() > 0) expected[d] = index.numel();
  KILN_CHECK(src.shape() == expected, "index_add: source of shape ", src.shape(),
             " must have shape ", expected, " (the input's shape with dim ", d,
             " the index's length)");
  Tensor out = clone(x);
  KILN_CHECK(is_floating(x.dtype()) || !alpha.is_floating(), "index_add: alpha ", alpha,
             " must be an integer for a tensor of ", x.dtype());
  const Tensor scaled = alpha.to<double>() == 1 ? src : to(mul(src, alpha), x.dtype());
  if (index.numel() == 0) return out;
  const Tensor positions = contiguous(reshape(index, {-1}));
  // A scalar is a vector of one, and a scalar source is added once per index.
  const Tensor addends = x.dim() > 0 ? scaled : expand(view(scaled, {1}), positions.shape());
  backend_of(x).index_add(x.dim() > 0 ? out : view(out, {1}), x.dim() > 0 ? d : 0, positions,
                          contiguous(addends));
  return out;
}

Tensor embedding(const Tensor& weight, const Tensor& indices) {
  KILN_CHECK(weight.dim() == 2, "embedding: weight must be 2-D [num_embeddings, dim], got shape ",
             weight.shape());
  detail::check_index_dtype("embedding", indices);
  Shape shape = indices.shape();
  shape.push_back(weight.size(1));
  return view(index_select(weight, 0, reshape(indices, {-1})), shape);
}

Tensor one_hot(const Tensor& indices, int64_t num_classes) {
  detail::check_index_dtype("one_hot", indices);
  if (num_classes < 0) {
    KILN_CHECK(indices.numel() > 0, "one_hot: cannot infer num_classes from an empty tensor");
    num_classes = max(indices).item<int64_t>() + 1;
  }
  if (indices.numel() > 0) {
    const int64_t low = min(indices).item<int64_t>();
    const int64_t high = max(indices).item<int64_t>();
    KILN_CHECK(low >= 0 && high < num_classes, "one_hot: class values must lie in [0, ",
               num_classes, "), got values in [", low, ", ", high, "]");
  }
  const Tensor classes = arange(num_classes, {.dtype = kInt64, .device = indices.device()});
  return to(eq(unsqueeze(indices, -1), classes), kInt64);
}

namespace {
// Keeps elements whose column - row lies on the kept side of `diagonal`.
Tensor triangle(const char* op, const Tensor& x, int64_t diagonal, bool lower) {
  KILN_CHECK(x.dim() >= 2, op, ": expects a tensor of at least 2 dims, got shape ", x.shape());
  const TensorOptions options{.dtype = kInt64, .device = x.device()};
  const Tensor rows = unsqueeze(arange(x.size(-2), options), 1);
  const Tensor offsets = sub(arange(x.size(-1), options), rows);
  const Tensor keep = lower ? le(offsets, diagonal) : ge(offsets, diagonal);
  return where(keep, x, zeros({}, {.dtype = x.dtype(), .device = x.device()}));
}
}  // namespace

Tensor tril(const Tensor& x, int64_t diagonal) {
  return triangle("tril", x, diagonal, true);
}
Tensor triu(const Tensor& x, int64_t diagonal) {
  return triangle("triu", x, diagonal, false);
}

}  // namespace kiln::raw
