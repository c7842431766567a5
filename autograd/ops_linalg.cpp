// matmul's derivative: dA = dC B^T, dB = A^T dC, batch dims summed back by the engine.
#include "autograd/op_definition.h"

namespace kiln {

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
  return record(Op::matmul, raw::matmul(a, b), {a, b},
                [a = SavedTensor(a), b = SavedTensor(b)](const BackwardContext& ctx) -> Grads {
                  const Tensor& g = ctx.grad();
                  return {ctx.needs_grad(0) ? matmul(g, b.get().transpose(-1, -2)) : Tensor(),
                          ctx.needs_grad(1) ? matmul(a.get().transpose(-1, -2), g) : Tensor()};
                });
}

}  // namespace kiln
