// matmul's derivative: dA = dC B^T, dB = A^T dC, batch dims summed back by the engine.
#include "autograd/op_definition.h"

namespace kiln {

namespace {
// A matrix (or batch of them) stored transposed: its last two dims swapped are contiguous.
bool is_transposed(const Tensor& x) {
  return x.dim() >= 2 && !x.is_contiguous() && raw::transpose(x, -1, -2).is_contiguous();
}
}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b) {
  if (!any_requires_grad(a, b)) return raw::matmul(a, b);
  // Vectors as one-row / one-column matrices, so that one formula covers every case.
  if (a.dim() == 1 && b.dim() == 1) {
    KILN_CHECK(a.size(0) == b.size(0), "matmul: vectors of shapes ", a.shape(), " and ", b.shape(),
               " have different lengths");
    return matmul(a.unsqueeze(0), b.unsqueeze(1)).view({});
  }
  if (a.dim() == 1) return matmul(a.unsqueeze(0), b).squeeze(-2);
  if (b.dim() == 1) return matmul(a, b.unsqueeze(1)).squeeze(-1);
  // A batch of matrices times one matrix is one GEMM over all rows (forward and backward),
  // not one per batch element followed by a sum of the weight's gradients.
  if (a.dim() > 2 && b.dim() == 2) {
    KILN_CHECK(a.size(-1) == b.size(0), "matmul: shapes ", a.shape(), " and ", b.shape(),
               " cannot be multiplied (", a.size(-1), " != ", b.size(0), ")");
    Shape shape = a.shape();
    shape[shape.size() - 1] = b.size(1);
    return matmul(a.reshape({-1, a.size(-1)}), b).view(shape);
  }
  // An operand that is a transposed view (a weight used as w.t(), say) gets its gradient in
  // the same layout, (g^T a)^T rather than a^T g: the view's own backward then hands its base
  // a contiguous gradient, which accumulates without strided reads.
  return record(Op::matmul, raw::matmul(a, b), {a, b},
                [a = SavedTensor(a), b = SavedTensor(b)](const BackwardContext& ctx) -> Grads {
                  const Tensor& g = ctx.grad();
                  auto swap = [](const Tensor& x) { return x.transpose(-1, -2); };
                  Tensor grad_a, grad_b;
                  if (ctx.needs_grad(0)) {
                    grad_a = is_transposed(a.get()) ? swap(matmul(b.get(), swap(g)))
                                                    : matmul(g, swap(b.get()));
                  }
                  if (ctx.needs_grad(1)) {
                    grad_b = is_transposed(b.get()) ? swap(matmul(swap(g), a.get()))
                                                    : matmul(swap(a.get()), g);
                  }
                  return {grad_a, grad_b};
                });
}

namespace {
// beta input + alpha product; PyTorch ignores input (NaN included) when beta is 0.
Tensor scaled_sum(const char* op, const Tensor& input, const Tensor& product, double beta,
                  double alpha) {
  KILN_CHECK(broadcast_shapes(input.shape(), product.shape(), op) == product.shape(), op,
             ": input of shape ", input.shape(), " does not broadcast to the product's shape ",
             product.shape());
  const Tensor scaled = alpha == 1 ? product : product * alpha;
  if (beta == 0) return scaled;
  return (beta == 1 ? input : input * beta) + scaled;
}
}  // namespace

Tensor addmm(const Tensor& input, const Tensor& mat1, const Tensor& mat2, double beta,
             double alpha) {
  KILN_CHECK(mat1.dim() == 2 && mat2.dim() == 2, "addmm: mat1 and mat2 must be 2-D, got shapes ",
             mat1.shape(), " and ", mat2.shape());
  return scaled_sum("addmm", input, mat1.matmul(mat2), beta, alpha);
}

Tensor baddbmm(const Tensor& input, const Tensor& batch1, const Tensor& batch2, double beta,
               double alpha) {
  KILN_CHECK(batch1.dim() == 3 && batch2.dim() == 3 && batch1.size(0) == batch2.size(0),
             "baddbmm: batch1 and batch2 must be 3-D with one batch size, got shapes ",
             batch1.shape(), " and ", batch2.shape());
  return scaled_sum("baddbmm", input, batch1.matmul(batch2), beta, alpha);
}

}  // namespace kiln
