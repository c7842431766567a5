#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tensor/random.h"
#include "tensor/tensor.h"

// The public ops: the raw ops of tensor/ops.h made differentiable. Each records its
// backward formula (written in these same ops, so it runs on every device and can itself
// be differentiated) when grad mode is on and an input requires grad; otherwise it is the
// raw op. Integer and bool results (comparisons, argmax, indices) never require grad.
namespace kiln {

#include "tensor/op_declarations.inc"

// softmax(q k^T scale + mask) v (Vaswani et al. 2017, eq. 1), one fused op with its own
// backward. query [..., L, E], key [..., S, E], value [..., S, Ev] -> [..., L, Ev]. attn_mask
// broadcasts to [..., L, S]: bool (true = may attend) or floating (added to the scores, and
// differentiated like them).
// is_causal masks key positions after the query's. scale defaults to 1/sqrt(E). Dropout
// with probability dropout_p drops attention weights (mask drawn from `generator`).
// enable_gqa: grouped-query attention (Ainslie et al. 2023): key [..., Hk, S, E] and value
// [..., Hv, S, Ev] heads each shared by Hq / Hk (Hq / Hv) consecutive query heads
// [..., Hq, L, E].
Tensor scaled_dot_product_attention(const Tensor& query, const Tensor& key, const Tensor& value,
                                    const Tensor& attn_mask = {}, double dropout_p = 0,
                                    bool is_causal = false,
                                    std::optional<double> scale = std::nullopt,
                                    Generator* generator = nullptr, bool enable_gqa = false);

// -(t log p + (1 - t) log(1 - p)) per element, logs clamped at -100; with PyTorch's
// gradients, (p - t) / max(p (1 - p), 1e-12) in p (finite at p = 0 and 1) and -logit(p)
// in t. nn's binary_cross_entropy adds class weights and the reduction.
Tensor binary_cross_entropy_elementwise(const Tensor& p, const Tensor& t);

// ---- Composites (autograd/ops_rearrange.cpp, ops_einsum.cpp, ops_matmul.cpp,
// ops_elementwise.cpp): built from the recorded ops, which give their gradients.

// a + alpha b and a - alpha b (torch.add and torch.sub with alpha).
Tensor add(const Tensor& a, const Tensor& b, Scalar alpha);
Tensor sub(const Tensor& a, const Tensor& b, Scalar alpha);
// x with value where mask is true; value is a 0-dim tensor and receives the gradient of
// the elements it fills.
Tensor masked_fill(const Tensor& x, const Tensor& mask, const Tensor& value);

// x reversed along each of dims.
Tensor flip(const Tensor& x, const Dims& dims);
// Elements shifted by shifts[i] along dims[i], wrapping around; with no dims, x is rolled as
// one flat sequence and keeps its shape.
Tensor roll(const Tensor& x, const std::vector<int64_t>& shifts, const Dims& dims = {});
// x tiled repeats[i] times along dim i; repeats may be longer than x's dims (new leading
// dims), never shorter (torch.Tensor.repeat).
Tensor repeat(const Tensor& x, const std::vector<int64_t>& repeats);
// As repeat, with repeats padded by leading 1s when shorter than x's dims (torch.tile).
Tensor tile(const Tensor& x, std::vector<int64_t> repeats);
// Each element repeated `repeats` times along dim (x flattened first when dim is absent).
Tensor repeat_interleave(const Tensor& x, int64_t repeats,
                         std::optional<int64_t> dim = std::nullopt);
// Element i repeated repeats[i] times: repeats is an int64 vector of dim's size (or of one
// element, for all).
Tensor repeat_interleave(const Tensor& x, const Tensor& repeats,
                         std::optional<int64_t> dim = std::nullopt);

// Einstein summation ("ij,jk->ik", "bhqd,bhkd->bhqk", "...ij,...jk", "i,i->"): labels in
// both operands and not in the output are summed. Each pair of operands is contracted
// through one batched matmul, left to right. A label repeated within one operand (a
// diagonal) is not supported.
Tensor einsum(const std::string& equation, const std::vector<Tensor>& operands);

// beta input + alpha (mat1 mat2); input broadcasts, and is ignored when beta is 0.
Tensor addmm(const Tensor& input, const Tensor& mat1, const Tensor& mat2, double beta = 1,
             double alpha = 1);
// beta input + alpha (batch1 batch2), batch1 [B, n, m], batch2 [B, m, p].
Tensor baddbmm(const Tensor& input, const Tensor& batch1, const Tensor& batch2, double beta = 1,
               double alpha = 1);

}  // namespace kiln
