// Indexing ops. Picking elements (index_select, gather, embedding) sends gradients back by
// adding them at the picked positions; writing elements (scatter, index_add) passes the
// gradient through except where it was overwritten, and gathers it for the source.
#include "autograd/op_definition.h"

namespace kiln {

namespace {
Tensor zeros_of(const Shape& shape, const Tensor& like) {
  return zeros(shape, {.dtype = like.dtype(), .device = like.device()});
}
}  // namespace

Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index) {
  Tensor y = raw::index_select(x, dim, index);
  if (!any_requires_grad(x)) return y;
  return record(
      Op::index_select, std::move(y), {x},
      [shape = x.shape(), dim, index = SavedTensor(index)](const BackwardContext& ctx) -> Grads {
        if (shape.empty()) return {ctx.grad().sum().reshape({})};
        return {scatter_into_zeros(ctx.grad(), shape, dim, index.get())};
      });
}

Tensor gather(const Tensor& x, int64_t dim, const Tensor& index) {
  Tensor y = raw::gather(x, dim, index);
  if (!any_requires_grad(x)) return y;
  return record(
      Op::gather, std::move(y), {x},
      [shape = x.shape(), dim, index = SavedTensor(index)](const BackwardContext& ctx) -> Grads {
        return {scatter_add(zeros_of(shape, ctx.grad()), dim, index.get(), ctx.grad())};
      });
}

Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  Tensor y = raw::scatter(x, dim, index, src);
  if (!any_requires_grad(x, src)) return y;
  return record(
      Op::scatter, std::move(y), {x, src},
      [dim, index = SavedTensor(index),
       src_shape = src.shape()](const BackwardContext& ctx) -> Grads {
        const Tensor& g = ctx.grad();
        return {ctx.needs_grad(0) ? scatter(g, dim, index.get(), zeros_of(src_shape, g)) : Tensor(),
                ctx.needs_grad(1) ? pad_to(gather(g, dim, index.get()), src_shape) : Tensor()};
      });
}

Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  Tensor y = raw::scatter_add(x, dim, index, src);
  if (!any_requires_grad(x, src)) return y;
  return record(Op::scatter_add, std::move(y), {x, src},
                [dim, index = SavedTensor(index),
                 src_shape = src.shape()](const BackwardContext& ctx) -> Grads {
                  // src may be larger than index; its elements beyond index's extent were not used.
                  return {ctx.grad(), ctx.needs_grad(1)
                                          ? pad_to(gather(ctx.grad(), dim, index.get()), src_shape)
                                          : Tensor()};
                });
}

Tensor index_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src,
                 Scalar alpha) {
  Tensor y = raw::index_add(x, dim, index, src, alpha);
  if (!any_requires_grad(x, src)) return y;
  return record(
      Op::index_add, std::move(y), {x, src},
      [dim, index = SavedTensor(index), alpha,
       src_shape = src.shape()](const BackwardContext& ctx) -> Grads {
        Tensor grad_src;
        if (ctx.needs_grad(1)) {
          // A 0-dim input receives src once per index entry.
          grad_src =
              ctx.grad().dim() == 0
                  ? (index_select(ctx.grad().reshape({1}), 0, index.get().reshape({-1})).sum() *
                     alpha)
                        .reshape(src_shape)
                  : index_select(ctx.grad(), dim, index.get()) * alpha;
        }
        return {ctx.grad(), grad_src};
      });
}

Tensor embedding(const Tensor& weight, const Tensor& indices) {
  Tensor y = raw::embedding(weight, indices);
  if (!any_requires_grad(weight)) return y;
  return record(Op::embedding, std::move(y), {weight},
                [shape = weight.shape(),
                 indices = SavedTensor(indices)](const BackwardContext& ctx) -> Grads {
                  return {scatter_into_zeros(ctx.grad().reshape({-1, shape[1]}), shape, 0,
                                             indices.get().reshape({-1}))};
                });
}

Tensor one_hot(const Tensor& indices, int64_t num_classes) {
  return raw::one_hot(indices, num_classes);
}

Tensor tril(const Tensor& x, int64_t diagonal) {
  Tensor y = raw::tril(x, diagonal);
  if (!any_requires_grad(x)) return y;
  return record(Op::tril, std::move(y), {x}, [diagonal](const BackwardContext& ctx) -> Grads {
    return {ctx.grad().tril(diagonal)};
  });
}

Tensor triu(const Tensor& x, int64_t diagonal) {
  Tensor y = raw::triu(x, diagonal);
  if (!any_requires_grad(x)) return y;
  return record(Op::triu, std::move(y), {x}, [diagonal](const BackwardContext& ctx) -> Grads {
    return {ctx.grad().triu(diagonal)};
  });
}

}  // namespace kiln
