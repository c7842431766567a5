// Views and copies. A view's backward maps the gradient back onto the input's layout; views
// that pick a region (narrow, slice, select) leave placing it to the engine, and unfold's
// is an index_add into zeros.
// Views keep the input saved: if its storage is written in place afterwards, the backward
// pass throws rather than differentiate values that are gone.
#include <algorithm>
#include "autograd/op_definition.h"

namespace kiln {

namespace {

// Records a view whose gradient is backward(grad, input shape).
template <typename Backward>
Tensor view_op(Op name, const Tensor& x, Tensor y, Backward backward) {
  if (!any_requires_grad(x)) return y;
  return record(name, std::move(y), {x},
                [x = SavedTensor(x), backward](const BackwardContext& ctx) -> Grads {
                  return {backward(ctx.grad(), x.get().shape())};
                });
}

// A view that picks a region of its input (slice, narrow, select): its backward returns
// the region's gradient as is, and the engine adds it into that region of the input's
// gradient (Node::gradient_region), so k views of one tensor cost O(size), not O(k size).
class RegionViewNode final : public autograd::FunctionNode {
 public:
  RegionViewNode(const char* name, const Tensor& input, GradientRegion region)
      : FunctionNode(name), input_(input), region_(region) {}
  const GradientRegion* gradient_region() const override { return &region_; }

 protected:
  Grads backward(const BackwardContext& ctx) override {
    input_.get();  // throws if the input was modified in place since
    return {ctx.grad()};
  }
  void release_captures() override { input_ = SavedTensor(); }

 private:
  SavedTensor input_;
  GradientRegion region_;
};

Tensor region_view(Op name, const Tensor& x, Tensor y, GradientRegion region) {
  if (!any_requires_grad(x)) return y;
  return autograd::attach(std::make_shared<RegionViewNode>(autograd::op_name(name), x, region),
                          std::move(y), std::span<const Tensor>(&x, 1), Save::Nothing);
}

Tensor as_shape(const Tensor& grad, const Shape& shape) {
  return grad.reshape(shape);
}

}  // namespace

Tensor view(const Tensor& x, const Shape& shape) {
  return view_op(Op::view, x, raw::view(x, shape), as_shape);
}
Tensor reshape(const Tensor& x, const Shape& shape) {
  return view_op(Op::reshape, x, raw::reshape(x, shape), as_shape);
}
Tensor squeeze(const Tensor& x) {
  return view_op(Op::squeeze, x, raw::squeeze(x), as_shape);
}
Tensor squeeze(const Tensor& x, int64_t dim) {
  return view_op(Op::squeeze, x, raw::squeeze(x, dim), as_shape);
}
Tensor unsqueeze(const Tensor& x, int64_t dim) {
  return view_op(Op::unsqueeze, x, raw::unsqueeze(x, dim), as_shape);
}
Tensor flatten(const Tensor& x, int64_t start_dim, int64_t end_dim) {
  return view_op(Op::flatten, x, raw::flatten(x, start_dim, end_dim), as_shape);
}

Tensor permute(const Tensor& x, const Dims& order) {
  Tensor y = raw::permute(x, order);
  Dims inverse = Dims::filled(order.size(), 0);
  for (int i = 0; i < order.size(); ++i) inverse[wrap_dim(order[i], x.dim(), "permute")] = i;
  return view_op(Op::permute, x, std::move(y),
                 [inverse](const Tensor& grad, const Shape&) { return grad.permute(inverse); });
}

Tensor transpose(const Tensor& x, int64_t dim0, int64_t dim1) {
  return view_op(
      Op::transpose, x, raw::transpose(x, dim0, dim1),
      [dim0, dim1](const Tensor& grad, const Shape&) { return grad.transpose(dim0, dim1); });
}

Tensor t(const Tensor& x) {
  return view_op(Op::t, x, raw::t(x), [](const Tensor& grad, const Shape&) { return grad.t(); });
}

// Broadcast dims are summed back by the engine, as for any broadcast input.
Tensor expand(const Tensor& x, const Shape& shape) {
  return view_op(Op::expand, x, raw::expand(x, shape),
                 [](const Tensor& grad, const Shape&) { return grad; });
}

Tensor slice(const Tensor& x, int64_t dim, std::optional<int64_t> start, std::optional<int64_t> end,
             int64_t step) {
  Tensor y = raw::slice(x, dim, start, end, step);
  const int d = wrap_dim(dim, x.dim(), "slice");
  const int64_t extent = x.size(d);
  const int64_t begin = start.value_or(0);
  const int64_t first = std::clamp<int64_t>(begin < 0 ? begin + extent : begin, 0, extent);
  const int64_t count = y.size(d);
  return region_view(Op::slice, x, std::move(y),
                     {.dim = d, .start = first, .count = count, .step = step});
}

Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length) {
  Tensor y = raw::narrow(x, dim, start, length);
  const int d = wrap_dim(dim, x.dim(), "narrow");
  const int64_t first = start < 0 ? start + x.size(d) : start;
  return region_view(Op::narrow, x, std::move(y), {.dim = d, .start = first, .count = length});
}

Tensor select(const Tensor& x, int64_t dim, int64_t index) {
  Tensor y = raw::select(x, dim, index);
  const int d = wrap_dim(dim, x.dim(), "select");
  const int64_t position = index < 0 ? index + x.size(d) : index;
  return region_view(Op::select, x, std::move(y),
                     {.dim = d, .start = position, .count = 1, .keeps_dim = false});
}

// Window w, element j of the unfolded dim is input element w * step + j: the gradient is
// the windows laid side by side along dim, index-added at those positions.
Tensor unfold(const Tensor& x, int64_t dim, int64_t size, int64_t step) {
  Tensor y = raw::unfold(x, dim, size, step);
  if (!any_requires_grad(x)) return y;
  return view_op(
      Op::unfold, x, std::move(y), [dim, size, step](const Tensor& grad, const Shape& shape) {
        if (shape.empty()) return grad.sum().reshape({});
        const int d = wrap_dim(dim, shape.size(), "unfold");
        const int64_t windows = grad.size(d);
        const Tensor laid_out =
            grad.unsqueeze(d + 1).transpose(d + 1, -1).squeeze(-1).flatten(d, d + 1);
        const Tensor starts = autograd::index_range(0, windows, step, grad.device()).unsqueeze(1);
        const Tensor offsets = autograd::index_range(0, size, 1, grad.device()).unsqueeze(0);
        return scatter_into_zeros(laid_out, shape, d,
                                  raw::reshape(raw::add(starts, offsets), {-1}));
      });
}

Tensor contiguous(const Tensor& x) {
  if (x.is_contiguous()) return x;
  return clone(x);
}

Tensor clone(const Tensor& x) {
  Tensor y = raw::clone(x);
  if (!any_requires_grad(x)) return y;
  return record(Op::clone, std::move(y), {x},
                [](const BackwardContext& ctx) -> Grads { return {ctx.grad()}; });
}

// The engine converts the gradient back to the input's dtype.
Tensor to(const Tensor& x, DType dtype) {
  if (dtype == x.dtype()) return x;
  Tensor y = raw::to(x, dtype);
  if (!any_requires_grad(x)) return y;
  return record(Op::to, std::move(y), {x},
                [](const BackwardContext& ctx) -> Grads { return {ctx.grad()}; });
}

Tensor to(const Tensor& x, Device device) {
  if (device == x.device()) return x;
  Tensor y = raw::to(x, device);
  if (!any_requires_grad(x)) return y;
  return record(Op::to, std::move(y), {x},
                [source = x.device()](const BackwardContext& ctx) -> Grads {
                  return {ctx.grad().to(source)};
                });
}

}  // namespace kiln
