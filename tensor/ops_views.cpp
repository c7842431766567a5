// Views: new shapes and strides over the same storage, never a copy (reshape excepted,
// when no strides can describe the result).
#include <optional>

#include "tensor/ops.h"

namespace kiln::raw {

namespace {

Tensor make_view(const Tensor& base, const Shape& shape, const Strides& strides, int64_t offset) {
  auto impl = std::make_shared<TensorImpl>(base.storage(), shape, strides, offset, base.dtype());
  impl->is_view = true;
  return Tensor(std::move(impl));
}

// Resolves one -1 in `requested` from `numel`.
Shape infer_shape(const Shape& requested, int64_t numel, const char* op) {
  Shape shape = requested;
  int inferred = -1;
  int64_t known = 1;
  for (int i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      KILN_CHECK(inferred < 0, op, ": only one dimension can be -1, got ", requested);
      inferred = i;
    } else {
      KILN_CHECK(shape[i] >= 0, op, ": invalid size ", shape[i], " in shape ", requested);
      known *= shape[i];
    }
  }
  if (inferred >= 0) {
    KILN_CHECK(known != 0 && numel % known == 0, op, ": shape ", requested,
               " is invalid for a tensor of ", numel, " elements");
    shape[inferred] = numel / known;
  }
  KILN_CHECK(shape.product() == numel, op, ": shape ", requested, " is invalid for a tensor of ",
             numel, " elements");
  return shape;
}

// Strides that let `shape` view memory laid out as (old_shape, old_strides), or nothing
// when the view would need a copy. Walks groups of old dims that are contiguous with each
// other and checks the new dims split each group exactly.
std::optional<Strides> view_strides(const Shape& old_shape, const Strides& old_strides,
                                    const Shape& shape) {
  if (old_shape.product() == 0 || old_shape.empty()) return contiguous_strides(shape);
  Strides strides = Dims::filled(shape.size(), 1);
  int view_d = shape.size() - 1;
  int64_t chunk_base_stride = old_strides.back();
  int64_t tensor_numel = 1;
  int64_t view_numel = 1;
  for (int tensor_d = old_shape.size() - 1; tensor_d >= 0; --tensor_d) {
    tensor_numel *= old_shape[tensor_d];
    const bool group_ends =
        tensor_d == 0 || (old_shape[tensor_d - 1] != 1 &&
                          old_strides[tensor_d - 1] != tensor_numel * chunk_base_stride);
    if (!group_ends) continue;
    while (view_d >= 0 && (view_numel < tensor_numel || shape[view_d] == 1)) {
      strides[view_d] = view_numel * chunk_base_stride;
      view_numel *= shape[view_d];
      --view_d;
    }
    if (view_numel != tensor_numel) return std::nullopt;
    if (tensor_d > 0) {
      chunk_base_stride = old_strides[tensor_d - 1];
      tensor_numel = 1;
      view_numel = 1;
    }
  }
  if (view_d != -1) return std::nullopt;
  return strides;
}

}  // namespace

Tensor view(const Tensor& x, const Shape& requested) {
  const Shape shape = infer_shape(requested, x.numel(), "view");
  const std::optional<Strides> strides = view_strides(x.shape(), x.strides(), shape);
  KILN_CHECK(strides.has_value(), "view: shape ", requested, " is incompatible with the strides ",
             x.strides(), " of a tensor of shape ", x.shape(), "; use reshape (which copies)");
  return make_view(x, shape, *strides, x.storage_offset());
}

Tensor reshape(const Tensor& x, const Shape& requested) {
  const Shape shape = infer_shape(requested, x.numel(), "reshape");
  if (view_strides(x.shape(), x.strides(), shape)) return view(x, shape);
  return view(clone(x), shape);
}

Tensor permute(const Tensor& x, const Dims& order) {
  KILN_CHECK(order.size() == x.dim(), "permute: order ", order, " has ", order.size(),
             " entries for a tensor of ", x.dim(), " dimension(s)");
  Shape shape = x.shape();
  Strides strides = x.strides();
  Dims seen = Dims::filled(x.dim(), 0);
  for (int i = 0; i < order.size(); ++i) {
    const int source = wrap_dim(order[i], x.dim(), "permute");
    KILN_CHECK(!seen[source], "permute: dim ", order[i], " repeats in order ", order);
    seen[source] = 1;
    shape[i] = x.shape()[source];
    strides[i] = x.strides()[source];
  }
  return make_view(x, shape, strides, x.storage_offset());
}

Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1) {
  const int a = wrap_dim(dim0, x.dim(), "transpose");
  const int b = wrap_dim(dim1, x.dim(), "transpose");
  Shape shape = x.shape();
  Strides strides = x.strides();
  std::swap(shape[a], shape[b]);
  std::swap(strides[a], strides[b]);
  return make_view(x, shape, strides, x.storage_offset());
}

Tensor t(const Tensor& x) {
  KILN_CHECK(x.dim() <= 2, "t: expects a tensor of at most 2 dimensions, got shape ", x.shape());
  return x.dim() < 2 ? x : transpose(x, 0, 1);
}

Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length) {
  const int d = wrap_dim(dim, x.dim(), "narrow");
  KILN_CHECK(x.dim() > 0, "narrow: cannot narrow a 0-dim tensor");
  const int64_t extent = x.shape()[d];
  KILN_CHECK(start >= -extent && start <= extent, "narrow: start ", start,
             " is out of range for dim ", d, " of size ", extent);
  if (start < 0) start += extent;
  KILN_CHECK(length >= 0 && length <= extent - start, "narrow: start ", start, " + length ", length,
             " exceeds dim ", d, " of size ", extent);
  Shape shape = x.shape();
  shape[d] = length;
  return make_view(x, shape, x.strides(), x.storage_offset() + start * x.strides()[d]);
}

Tensor slice(const Tensor& x, int64_t dim, std::optional<int64_t> start, std::optional<int64_t> end,
             int64_t step) {
  KILN_CHECK(x.dim() > 0, "slice: cannot slice a 0-dim tensor");
  const int d = wrap_dim(dim, x.dim(), "slice");
  KILN_CHECK(step > 0, "slice: step must be positive, got ", step);
  const int64_t extent = x.shape()[d];
  // Python semantics: negative bounds count from the end, then clamp to [0, extent].
  auto resolve = [extent](int64_t bound) {
    if (bound < 0) bound += extent;
    return std::clamp<int64_t>(bound, 0, extent);
  };
  const int64_t first = resolve(start.value_or(0));
  const int64_t last = std::max(first, resolve(end.value_or(extent)));
  Shape shape = x.shape();
  Strides strides = x.strides();
  shape[d] = last == first ? 0 : (last - first - 1) / step + 1;
  strides[d] *= step;
  return make_view(x, shape, strides, x.storage_offset() + first * x.strides()[d]);
}

Tensor select(const Tensor& x, int64_t dim, int64_t index) {
  KILN_CHECK(x.dim() > 0, "select: cannot select from a 0-dim tensor");
  const int d = wrap_dim(dim, x.dim(), "select");
  const int64_t extent = x.shape()[d];
  KILN_CHECK(index >= -extent && index < extent, "select: index ", index,
             " is out of range for dim ", d, " of size ", extent);
  if (index < 0) index += extent;
  Shape shape = x.shape();
  Strides strides = x.strides();
  shape.erase(d);
  strides.erase(d);
  return make_view(x, shape, strides, x.storage_offset() + index * x.strides()[d]);
}

Tensor expand(const Tensor& x, const Shape& requested) {
  KILN_CHECK(requested.size() >= x.dim(), "expand: target shape ", requested,
             " has fewer dimensions than the tensor's shape ", x.shape());
  const int leading = requested.size() - x.dim();
  Shape shape = requested;
  Strides strides = Dims::filled(requested.size(), 0);
  for (int i = 0; i < requested.size(); ++i) {
    const int source = i - leading;
    if (source < 0) {
      KILN_CHECK(requested[i] >= 0, "expand: new leading dim ", i, " cannot be ", requested[i],
                 " (target ", requested, ")");
      continue;
    }
    const int64_t extent = x.shape()[source];
    if (requested[i] == -1 || requested[i] == extent) {
      shape[i] = extent;
      strides[i] = x.strides()[source];
    } else {
      KILN_CHECK(extent == 1 && requested[i] >= 0, "expand: cannot expand shape ", x.shape(),
                 " to ", requested, " (dim ", i, ": ", extent, " to ", requested[i], ")");
    }
  }
  return make_view(x, shape, strides, x.storage_offset());
}

Tensor squeeze(const Tensor& x) {
  Shape shape;
  Strides strides;
  for (int i = 0; i < x.dim(); ++i) {
    if (x.shape()[i] == 1) continue;
    shape.push_back(x.shape()[i]);
    strides.push_back(x.strides()[i]);
  }
  return make_view(x, shape, strides, x.storage_offset());
}

Tensor squeeze(const Tensor& x, int64_t dim) {
  const int d = wrap_dim(dim, x.dim(), "squeeze");
  if (x.dim() == 0 || x.shape()[d] != 1) return x;
  Shape shape = x.shape();
  Strides strides = x.strides();
  shape.erase(d);
  strides.erase(d);
  return make_view(x, shape, strides, x.storage_offset());
}

Tensor unsqueeze(const Tensor& x, int64_t dim) {
  const int d = wrap_dim(dim, x.dim() + 1, "unsqueeze");
  Shape shape = x.shape();
  Strides strides = x.strides();
  const int64_t stride = d < x.dim() ? x.strides()[d] * x.shape()[d] : 1;
  shape.insert(d, 1);
  strides.insert(d, stride);
  return make_view(x, shape, strides, x.storage_offset());
}

Tensor flatten(const Tensor& x, int64_t start_dim, int64_t end_dim) {
  if (x.dim() == 0) return reshape(x, {1});
  const int first = wrap_dim(start_dim, x.dim(), "flatten");
  const int last = wrap_dim(end_dim, x.dim(), "flatten");
  KILN_CHECK(first <= last, "flatten: start_dim ", start_dim, " comes after end_dim ", end_dim);
  Shape shape;
  for (int i = 0; i < first; ++i) shape.push_back(x.shape()[i]);
  int64_t merged = 1;
  for (int i = first; i <= last; ++i) merged *= x.shape()[i];
  shape.push_back(merged);
  for (int i = last + 1; i < x.dim(); ++i) shape.push_back(x.shape()[i]);
  return reshape(x, shape);
}

Tensor unfold(const Tensor& x, int64_t dim, int64_t size, int64_t step) {
  const int d = wrap_dim(dim, x.dim(), "unfold");
  const int64_t extent = x.dim() == 0 ? 1 : x.shape()[d];
  KILN_CHECK(size >= 0 && size <= extent, "unfold: window size ", size, " exceeds dim ", d,
             " of size ", extent);
  KILN_CHECK(step > 0, "unfold: step must be positive, got ", step);
  Shape shape = x.shape();
  Strides strides = x.strides();
  const int64_t stride = x.dim() == 0 ? 1 : strides[d];
  if (x.dim() > 0) {
    shape[d] = (extent - size) / step + 1;
    strides[d] = stride * step;
  }
  shape.push_back(size);
  strides.push_back(stride);
  return make_view(x, shape, strides, x.storage_offset());
}

}  // namespace kiln::raw
