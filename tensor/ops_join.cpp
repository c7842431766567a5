// Joining and splitting along a dim.
#include "tensor/op_support.h"
#include "tensor/ops.h"

namespace kiln::raw {

Tensor cat(const std::vector<Tensor>& tensors, int64_t dim) {
  KILN_CHECK(!tensors.empty(), "cat: expected a non-empty list of tensors");
  // 1-D empty tensors are skipped, as in PyTorch, so a running cat can start from one.
  std::vector<Tensor> parts;
  for (const Tensor& t : tensors) {
    if (!(t.dim() == 1 && t.numel() == 0)) parts.push_back(t);
  }
  if (parts.empty()) {
    DType dtype = tensors.front().dtype();
    for (const Tensor& t : tensors) dtype = promote_types(dtype, t.dtype());
    return clone(to(tensors.front(), dtype));
  }
  const Tensor& first = parts.front();
  KILN_CHECK(first.dim() > 0, "cat: zero-dimensional tensors cannot be concatenated");
  const int d = wrap_dim(dim, first.dim(), "cat");
  DType dtype = first.dtype();
  int64_t total = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    const Tensor& t = parts[i];
    detail::check_same_device("cat", first, t);
    KILN_CHECK(t.dim() == first.dim(), "cat: tensor ", i, " has shape ", t.shape(),
               " but tensor 0 has shape ", first.shape(), " (ranks differ)");
    for (int j = 0; j < t.dim(); ++j) {
      KILN_CHECK(j == d || t.shape()[j] == first.shape()[j], "cat: tensor ", i, " has shape ",
                 t.shape(), " but tensor 0 has shape ", first.shape(),
                 " (sizes must match except in dim ", d, ")");
    }
    dtype = promote_types(dtype, t.dtype());
    total += t.shape()[d];
  }
  Shape shape = first.shape();
  shape[d] = total;
  Tensor out = make_tensor(shape, dtype, first.device(), "cat");
  int64_t offset = 0;
  for (const Tensor& t : parts) {
    if (t.numel() > 0) detail::backend_of(out).copy(narrow(out, d, offset, t.shape()[d]), t);
    offset += t.shape()[d];
  }
  return out;
}

Tensor stack(const std::vector<Tensor>& tensors, int64_t dim) {
  KILN_CHECK(!tensors.empty(), "stack: expected a non-empty list of tensors");
  const int d = wrap_dim(dim, tensors.front().dim() + 1, "stack");
  std::vector<Tensor> expanded;
  for (size_t i = 0; i < tensors.size(); ++i) {
    KILN_CHECK(tensors[i].shape() == tensors.front().shape(), "stack: tensor ", i, " has shape ",
               tensors[i].shape(), " but tensor 0 has shape ", tensors.front().shape());
    expanded.push_back(unsqueeze(tensors[i], d));
  }
  return cat(expanded, d);
}

std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim) {
  KILN_CHECK(x.dim() > 0, "split: cannot split a 0-dim tensor");
  const int d = wrap_dim(dim, x.dim(), "split");
  int64_t total = 0;
  for (int64_t size : sizes) {
    KILN_CHECK(size >= 0, "split: section sizes must be non-negative, got ", size);
    total += size;
  }
  KILN_CHECK(total == x.shape()[d], "split: section sizes add up to ", total, " but dim ", d,
             " has size ", x.shape()[d]);
  std::vector<Tensor> parts;
  int64_t offset = 0;
  for (int64_t size : sizes) {
    parts.push_back(narrow(x, d, offset, size));
    offset += size;
  }
  return parts;
}

std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim) {
  KILN_CHECK(x.dim() > 0, "split: cannot split a 0-dim tensor");
  const int d = wrap_dim(dim, x.dim(), "split");
  const int64_t extent = x.shape()[d];
  KILN_CHECK(split_size > 0 || (split_size == 0 && extent == 0), "split: split_size must be ",
             "positive, got ", split_size);
  if (extent == 0) return {x};
  std::vector<int64_t> sizes;
  for (int64_t offset = 0; offset < extent; offset += split_size) {
    sizes.push_back(std::min(split_size, extent - offset));
  }
  return split(x, sizes, d);
}

std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim) {
  KILN_CHECK(chunks > 0, "chunk: number of chunks must be positive, got ", chunks);
  KILN_CHECK(x.dim() > 0, "chunk: cannot chunk a 0-dim tensor");
  const int64_t extent = x.shape()[wrap_dim(dim, x.dim(), "chunk")];
  const int64_t size = extent / chunks + (extent % chunks != 0 ? 1 : 0);
  return split(x, std::max<int64_t>(size, 1), dim);
}

}  // namespace kiln::raw
