// Joining and splitting. Splits are narrows, so their gradients are the narrow's.
#include "autograd/op_definition.h"

namespace kiln {

// Each input's gradient is its stretch of the output's gradient.
Tensor cat(const std::vector<Tensor>& tensors, int64_t dim) {
  Tensor y = raw::cat(tensors, dim);
  if (!any_requires_grad(std::span<const Tensor>(tensors))) return y;
  std::vector<std::pair<int64_t, int64_t>> stretches;  // offset and length, or -1 if skipped
  const int d = wrap_dim(dim, y.dim(), "cat");
  int64_t offset = 0;
  for (const Tensor& t : tensors) {
    const bool skipped = t.dim() == 1 && t.numel() == 0 && y.dim() != 1;
    const int64_t length = skipped ? -1 : t.shape()[d];
    stretches.emplace_back(offset, length);
    if (!skipped) offset += length;
  }
  return record(Op::cat, std::move(y), std::span<const Tensor>(tensors),
                [stretches, d](const BackwardContext& ctx) -> Grads {
                  Grads grads;
                  for (size_t i = 0; i < stretches.size(); ++i) {
                    const auto [start, length] = stretches[i];
                    if (!ctx.needs_grad(i)) {
                      grads.emplace_back();
                    } else if (length < 0) {
                      grads.push_back(
                          zeros({0}, {.dtype = ctx.grad().dtype(), .device = ctx.grad().device()}));
                    } else {
                      grads.push_back(ctx.grad().narrow(d, start, length));
                    }
                  }
                  return grads;
                });
}

Tensor stack(const std::vector<Tensor>& tensors, int64_t dim) {
  Tensor y = raw::stack(tensors, dim);
  if (!any_requires_grad(std::span<const Tensor>(tensors))) return y;
  const int d = wrap_dim(dim, y.dim(), "stack");
  return record(Op::stack, std::move(y), std::span<const Tensor>(tensors),
                [count = tensors.size(), d](const BackwardContext& ctx) -> Grads {
                  Grads grads;
                  for (size_t i = 0; i < count; ++i) {
                    grads.push_back(ctx.needs_grad(i) ? ctx.grad().select(d, i) : Tensor());
                  }
                  return grads;
                });
}

std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim) {
  std::vector<Tensor> parts = raw::split(x, sizes, dim);
  if (!any_requires_grad(x)) return parts;
  const int d = wrap_dim(dim, x.dim(), "split");
  int64_t offset = 0;
  for (Tensor& part : parts) {
    const int64_t length = part.size(d);
    part = narrow(x, d, offset, length);
    offset += length;
  }
  return parts;
}

namespace {
std::vector<int64_t> part_sizes(const std::vector<Tensor>& parts, const Tensor& x, int64_t dim) {
  const int d = wrap_dim(dim, x.dim(), "split");
  std::vector<int64_t> sizes;
  for (const Tensor& part : parts) sizes.push_back(part.size(d));
  return sizes;
}
}  // namespace

std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim) {
  std::vector<Tensor> parts = raw::split(x, split_size, dim);
  if (!any_requires_grad(x)) return parts;
  return split(x, part_sizes(parts, x, dim), dim);
}

std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim) {
  std::vector<Tensor> parts = raw::chunk(x, chunks, dim);
  if (!any_requires_grad(x)) return parts;
  return split(x, part_sizes(parts, x, dim), dim);
}

}  // namespace kiln
